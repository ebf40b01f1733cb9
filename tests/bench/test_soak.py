"""The soak benchmark at a tiny size, so it cannot rot: every check it prints must pass."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_tiny_soak_passes_every_check() -> None:
    """Headless kiosks and counters plus the real display, kiosk and two counter programs (offscreen),
    pty keypads, the printer simulator; every fault injected once, every check must pass."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "soak.py"), "--day-minutes", "0.5", "--tickets", "40",
         "--counters", "3", "--kiosks", "2", "--lock-s", "1", "--offscreen", "--restart-s", "1",
         "--printer-fault-s", "5", "--unplug-s", "2"],
        capture_output=True, text=True, timeout=600, cwd=ROOT)
    checks = [line for line in result.stdout.splitlines() if line.startswith(("PASS", "FAIL"))]
    assert len(checks) >= 10, result.stdout + result.stderr[-3000:]
    assert not [line for line in checks if line.startswith("FAIL")], result.stdout
    for fault in ("fault: sqlite write lock held", "fault: kill -9 kiosk-2, restarted",
                  "fault: kill -9 display, restarted after 1 s", "fault: kill -9 kiosk-1 (GUI), restarted after 1 s",
                  "fault: printer out of paper", "fault: printer hangs up each job", "fault: printer back in order",
                  "fault: keypads of counters [1, 2] unplugged", "fault: keypads replugged"):
        assert fault in result.stdout, fault
    for check in ("PASS display back to the database's state after the faults",
                  "PASS ghost tickets (GUI kiosk): 0", "PASS GUI kiosk after kill -9: lost 1x",
                  "PASS keypad of counter 1 (pty, onestop keypad)", "PASS keypad of counter 2 (pty, the counter"):
        assert check in result.stdout, check
    assert result.returncode == 0
