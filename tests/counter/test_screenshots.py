"""The documentation screenshots are rendered by driving the real program (and keep working).

The screenshot morning starts almost an hour before "now"; run just after the
site's midnight it would begin on the previous day, so the test runs it at a
fixed daytime under ``faketime`` (installed by scripts/setup.sh).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QImage

ROOT = Path(__file__).resolve().parents[2]
RENDER = ("from pathlib import Path; import sys; from tools.screenshots.counter import render; "
          "print('\\n'.join(p.name for p in render(Path(sys.argv[1]))))")


def test_screenshots_render_the_counter_screens(tmp_path, qapp):
    from tools.screenshots.counter import SIZE

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "TZ": "UTC"}
    done = subprocess.run(["faketime", "-f", "@2026-11-25 02:40:00", sys.executable, "-c", RENDER, str(tmp_path)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    names = done.stdout.split()
    assert names == ["counter-login.png", "counter-main.png", "counter-transfer.png", "counter-appointment.png",
                     "counter-main-en.png"]
    for name in names:
        image = QImage(str(tmp_path / name))
        assert (image.width(), image.height()) == SIZE
