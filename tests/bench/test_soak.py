"""The soak benchmark at a tiny size, so it cannot rot: every check it prints must pass."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_tiny_soak_passes_every_check() -> None:
    """Headless kiosks and counters plus the real display program (offscreen), killed -9 and restarted."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "soak.py"), "--day-minutes", "0.3", "--tickets", "40",
         "--counters", "3", "--kiosks", "2", "--lock-s", "1", "--offscreen",
         "--restart-s", "1"],
        capture_output=True, text=True, timeout=120, cwd=ROOT)
    checks = [line for line in result.stdout.splitlines() if line.startswith(("PASS", "FAIL"))]
    assert len(checks) >= 6, result.stdout + result.stderr
    assert not [line for line in checks if line.startswith("FAIL")], result.stdout
    assert "fault: sqlite write lock held" in result.stdout
    assert "fault: kill -9 kiosk-1, restarted" in result.stdout
    assert "fault: kill -9 display, restarted after 1 s" in result.stdout
    assert "PASS display back to the database's state after the faults" in result.stdout
    assert result.returncode == 0
