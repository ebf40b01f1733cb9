"""The hall display at 1280x720 and 1920x1080 on a busy morning: ``display-<w>x<h>.png``;
the per-counter screens (``onestop display --counter N``) of a serving and a
paused counter at 1366x768 and 800x480: ``display-counter<N>-<w>x<h>.png``.

    python -m tools.screenshots.display OUT_DIR

A throwaway SQLite database with the built-in site, a morning played through
the real queue engine (several counters serving, one paused, people waiting,
a long notice line), and the real board program reading it.  The board's
clock is held at 09:41:05 on Wednesday 25/11/2026 so every run draws the same.
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from db import queue
from db.site import set_notice

SIZES = ((1280, 720), (1920, 1080))
#: a small TV or a 7-inch panel above a counter
COUNTER_SIZES = ((1366, 768), (800, 480))
#: counter 2 serves a ticket at the end of the morning, counter 4 is paused
COUNTERS = (2, 4)
MOMENT = datetime(2026, 11, 25, 9, 41, 5, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")).timestamp()
NOTICE = ("Từ ngày 01/12/2026, Bộ phận Một cửa tiếp nhận hồ sơ trực tuyến qua Cổng Dịch vụ công quốc gia. "
          "Công dân vui lòng mang theo Căn cước công dân gắn chíp.")


class _Silent:
    """An announcer that says nothing (the picture is what matters)."""

    def enqueue(self, code: str, counter: int, **_: object) -> int:
        return 0


def busy_morning() -> None:
    """Several counters serving, one paused, people waiting, a notice (real time: today's service day)."""
    for code in ["TP"] * 7 + ["KS"] * 4 + ["DD"] * 5 + ["XD"] * 2 + ["KD"] * 2 + ["XH"] * 3 + ["KN"]:
        queue.issue_ticket(code)
    queue.call_next(1)
    queue.start_service(1)
    queue.call_next(2)
    queue.start_service(2)
    queue.finish_service(2)
    queue.call_next(3)
    queue.mark_no_show(3)
    queue.call_next(3)
    queue.call_next(4)
    queue.start_service(4)
    queue.finish_service(4)
    queue.set_paused(4, True)
    queue.call_next(2)
    set_notice(NOTICE)


def render(out_dir: Path) -> list[Path]:
    from PySide6.QtTest import QTest

    from db.connection import close, connect
    from db.site import import_site
    from db.site_config import load_site_file
    from display_app.app import DisplayProgram
    from ui_common.app import make_app

    out_dir.mkdir(parents=True, exist_ok=True)
    app = make_app("onestop-display-screenshots")
    work = Path(tempfile.mkdtemp(prefix="display-shots-"))
    connect(f"sqlite:///{(work / 'onestop.db').as_posix()}")
    import_site(load_site_file(None))
    busy_morning()
    saved: list[Path] = []
    for width, height in SIZES:
        program = DisplayProgram(announcer=_Silent(), voice=False, poll_s=0.1, clock=lambda: MOMENT)
        program.window.resize(width, height)
        program.window.show()
        program.start()
        deadline = time.monotonic() + 10
        while program.window.now_calling.call is None:
            if time.monotonic() > deadline:
                raise TimeoutError("the board did not show the morning's calls")
            QTest.qWait(20)
        saved.append(out_dir / f"display-{width}x{height}.png")
        program.window.grab().save(str(saved[-1]))
        program.stop()
        program.window.close()
    for number in COUNTERS:
        for width, height in COUNTER_SIZES:
            program = DisplayProgram(announcer=_Silent(), poll_s=0.1, clock=lambda: MOMENT, counter=number)
            program.window.resize(width, height)
            program.window.show()
            program.start()
            deadline = time.monotonic() + 10
            while not program.window.loaded:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"counter {number}'s screen did not load")
                QTest.qWait(20)
            saved.append(out_dir / f"display-counter{number}-{width}x{height}.png")
            program.window.grab().save(str(saved[-1]))
            program.stop()
            program.window.close()
    close()
    app.processEvents()
    return saved


if __name__ == "__main__":
    for path in render(Path(sys.argv[1])):
        print(path)
