"""``python -m tools.screenshots``: the one command that redraws docs/screenshots (here: one cheap part)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[2]


def test_the_screenshots_command_draws_the_parts_asked_for(tmp_path):
    done = subprocess.run([sys.executable, "-m", "tools.screenshots", str(tmp_path), "--only", "tickets"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    widths = {path.name: Image.open(path).size[0] for path in sorted(tmp_path.glob("*.png"))}
    assert widths == {"ticket-58mm.png": 384, "ticket-80mm.png": 576}   # the printer's dots, nothing else


def test_an_unknown_part_is_refused(tmp_path):
    done = subprocess.run([sys.executable, "-m", "tools.screenshots", str(tmp_path), "--only", "nothing"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "invalid choice" in done.stderr
    assert list(tmp_path.iterdir()) == []
