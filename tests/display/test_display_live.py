"""The board follows the engine live: calls made by other processes appear and are announced,
and a database outage leaves the last good state on screen, marked offline, until it catches up.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from display_helpers import ReadRecorder, RecordingAnnouncer, onestop
from site_setup import connect_with_site

from db import queue
from display_app.model import BoardView

pytestmark = pytest.mark.slow


def call(url: str, counter: int) -> str:
    """``onestop call --counter N`` in another process; returns the code called."""
    result = onestop(url, "call", "--counter", str(counter))
    assert result.returncode == 0, result.stderr
    ticket = json.loads(result.stdout)
    assert ticket is not None, "nobody waiting"
    return ticket["code"]


def cell_code(view: BoardView, number: int) -> str | None:
    return next(c.code for c in view.counters if c.number == number)


def waiting(view: BoardView, service: str) -> int:
    return next(s.waiting for s in view.services if s.code == service)


def test_call_in_another_process_appears_on_the_board_and_is_announced(site_db, board, qtbot):
    for _ in range(3):
        queue.issue_ticket("TP")
    announcer = RecordingAnnouncer()
    program = board(announcer=announcer)
    window, controller = program.window, program.controller
    assert waiting(controller.view, "TP") == 3

    code = call(site_db, 1)
    qtbot.waitUntil(lambda: window.now_calling.call is not None and window.now_calling.call.code == code,
                    timeout=5000)
    assert window.now_calling.call.counter == 1
    assert window.now_calling.flashing
    assert announcer.calls == [(code, 1)]
    assert window.counters.cells[0].code == code
    # the count follows from a background snapshot, not from the event
    qtbot.waitUntil(lambda: waiting(controller.view, "TP") == 2, timeout=5000)

    recall = onestop(site_db, "recall", "--counter", "1")
    assert recall.returncode == 0, recall.stderr
    qtbot.waitUntil(lambda: len(announcer.calls) == 2, timeout=5000)
    assert announcer.calls == [(code, 1), (code, 1)]
    assert [c.code for c in controller.view.recent] == [code]      # recalled, not listed twice

    done = onestop(site_db, "done", "--counter", "1")
    assert done.returncode == 0, done.stderr
    qtbot.waitUntil(lambda: window.counters.cells[0].code is None, timeout=5000)
    assert announcer.calls == [(code, 1), (code, 1)]               # finishing is not announced


def test_calls_reach_the_real_announcement_queue_in_order_and_a_recall_is_spoken_again(sqlite_site_db, board, qtbot):
    from hardware.speech.qt_player import AnnouncementQueue, SilentPlayer

    for _ in range(2):
        queue.issue_ticket("DD")
    voice = AnnouncementQueue(player=SilentPlayer(speed=0.01), renderer=lambda a, out: a.render(out, speech=False),
                              probe=False)
    heard: list[tuple[str, int]] = []
    voice.announcement_started.connect(lambda code, counter: heard.append((code, counter)))
    program = board(announcer=voice)
    try:
        first = call(sqlite_site_db, 3)
        qtbot.waitUntil(lambda: len(heard) == 1, timeout=10_000)
        assert onestop(sqlite_site_db, "recall", "--counter", "3").returncode == 0
        assert onestop(sqlite_site_db, "no-show", "--counter", "3").returncode == 0
        second = call(sqlite_site_db, 3)
        qtbot.waitUntil(lambda: len(heard) == 3, timeout=10_000)
        assert heard == [(first, 3), (first, 3), (second, 3)]
        assert program.window.now_calling.call.code == second
    finally:
        voice.close()


@pytest.fixture
def pg_site_db(own_pg_server):
    """The built-in site on a PostgreSQL server of the test's own (the outage test stops it)."""
    from db.connection import close

    yield connect_with_site(own_pg_server.create_database())
    close()


def test_postgres_outage_keeps_the_last_board_marks_it_offline_and_catches_up(pg_site_db, own_pg_server, board,
                                                                              qtbot):
    url = pg_site_db
    for _ in range(4):
        queue.issue_ticket("TP")
    for _ in range(2):
        queue.issue_ticket("DD")
    announcer = RecordingAnnouncer()
    program = board(announcer=announcer)
    window, controller = program.window, program.controller
    before = call(url, 1)
    qtbot.waitUntil(lambda: cell_code(controller.view, 1) == before and waiting(controller.view, "TP") == 3,
                    timeout=5000)

    reads = ReadRecorder(controller)
    stopped = False
    try:
        own_pg_server.stop()
        stopped = True
        qtbot.waitUntil(lambda: not window.header.online, timeout=10_000)
        assert not controller.online
        # the last good state stays on screen: no blank board
        assert window.now_calling.call.code == before and cell_code(window.view, 1) == before
        assert window.view.loaded and waiting(window.view, "TP") == 3
        assert onestop(url, "call", "--counter", "2").returncode != 0     # nobody can call while it is down
        mark = reads.mark()
        controller.request_snapshot()                                     # the board looks again, and fails
        qtbot.waitUntil(lambda: reads.failed_since(mark), timeout=10_000)
        assert window.now_calling.call.code == before and waiting(window.view, "TP") == 3
        assert not window.header.online
    finally:
        if stopped:
            own_pg_server.start()

    during = call(url, 2)          # committed before the board has reconnected
    qtbot.waitUntil(lambda: window.header.online, timeout=15_000)
    qtbot.waitUntil(lambda: cell_code(controller.view, 2) == during, timeout=10_000)
    after = call(url, 3)
    qtbot.waitUntil(lambda: len(announcer.calls) == 3, timeout=5000)
    assert cell_code(controller.view, 3) == after and window.now_calling.call.code == after
    assert announcer.calls == [(before, 1), (during, 2), (after, 3)]
    qtbot.waitUntil(lambda: waiting(controller.view, "TP") == 2 and waiting(controller.view, "DD") == 1,
                    timeout=10_000)


def _sqlite_files(path: Path) -> list[Path]:
    return [p for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()]


def test_sqlite_file_moved_away_keeps_the_last_board_marks_it_offline_and_catches_up(sqlite_site_db, board, qtbot):
    url = sqlite_site_db
    path = Path(url[len("sqlite:///"):])
    away = path.with_name(path.name + ".away")
    for _ in range(4):
        queue.issue_ticket("TP")
    queue.issue_ticket("DD")
    announcer = RecordingAnnouncer()
    program = board(announcer=announcer)
    window, controller = program.window, program.controller
    before = call(url, 1)
    qtbot.waitUntil(lambda: cell_code(controller.view, 1) == before, timeout=5000)
    reads = ReadRecorder(controller)
    controller.request_snapshot()      # one in flight while the file goes away must not recreate it

    moved: list[tuple[Path, Path]] = []
    try:
        for src in _sqlite_files(path):
            dst = Path(str(src).replace(path.name, away.name))
            os.replace(src, dst)
            moved.append((src, dst))
        qtbot.waitUntil(lambda: not window.header.online, timeout=10_000)
        assert window.now_calling.call.code == before and window.view.loaded
        # a call made meanwhile (on the file at its temporary place) is not visible yet ...
        during = call(f"sqlite:///{away.as_posix()}", 2)
        mark = reads.mark()
        controller.request_snapshot()                                     # the board looks again, and fails
        qtbot.waitUntil(lambda: reads.failed_since(mark), timeout=10_000)
        assert cell_code(window.view, 2) is None and not window.header.online
        assert not path.exists(), "the board must not create an empty database in its place"
    finally:
        for src, dst in reversed(moved):
            os.replace(dst, src)
    # ... and is caught up once the file is back, with nothing restarted
    qtbot.waitUntil(lambda: window.header.online, timeout=10_000)
    qtbot.waitUntil(lambda: cell_code(controller.view, 2) == during, timeout=5000)
    after = call(url, 3)
    # a background snapshot may show the cell a moment before the feed delivers the call itself
    qtbot.waitUntil(lambda: len(announcer.calls) == 3, timeout=5000)
    assert cell_code(controller.view, 3) == after and window.now_calling.call.code == after
    assert announcer.calls == [(before, 1), (during, 2), (after, 3)]
    qtbot.waitUntil(lambda: waiting(controller.view, "TP") == 2 and waiting(controller.view, "DD") == 0,
                    timeout=5000)


def test_notice_set_by_the_admin_replaces_the_scrolling_line(sqlite_site_db, board, qtbot):
    from db.site import set_notice

    program = board()
    set_notice("Hôm nay tiếp dân đến 17 giờ")
    qtbot.waitUntil(lambda: program.window.ticker.text == "Hôm nay tiếp dân đến 17 giờ", timeout=5000)
