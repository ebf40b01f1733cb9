"""The controller's rules with a fake feed and a fake snapshot reader: retries, debouncing, endurance."""

from __future__ import annotations

import sys
import threading
import time

from display_helpers import RecordingAnnouncer
from PySide6.QtCore import QObject, Signal
from test_display_model import ev

from display_app.controller import BoardController
from display_app.model import BoardSnapshot, CounterCell, ServiceCount


class FakeFeed(QObject):
    events = Signal(list)
    online_changed = Signal(bool)
    made: list[FakeFeed] = []

    def __init__(self, *, poll_s: float, start_at: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.start_at = start_at
        self.online = True
        self.started = False
        FakeFeed.made.append(self)

    def start(self) -> None:
        self.started = True

    def stop(self) -> None:
        self.started = False


class FakeLoader:
    """Answers like ``load_snapshot``; fails while ``down``; counts reads (from worker threads)."""

    def __init__(self, as_of: int = 7) -> None:
        self.as_of = as_of
        self.down = False
        self.reads = 0
        self.lock = threading.Lock()

    def __call__(self, *, with_recent: bool = False) -> BoardSnapshot:
        with self.lock:
            self.reads += 1
        if self.down:
            from db.errors import DatabaseUnavailable

            raise DatabaseUnavailable("test: down")
        return BoardSnapshot(as_of_event_id=self.as_of, service_day=time.strftime("%Y-%m-%d"), site_name="Xã",
                             site_name_en="Commune", timezone="Asia/Ho_Chi_Minh", notice="",
                             counters=(CounterCell(1, "Quầy 1", None), CounterCell(2, "Quầy 2", None)),
                             services=(ServiceCount("TP", "Tư pháp", "Justice", 0),))


def settled(controller: BoardController) -> bool:
    """Nothing scheduled and nothing in flight: no further read can come without a new cause."""
    return not (controller._debounce.isActive() or controller._retry.isActive() or controller._in_flight
                or controller._dirty)


def make(qtbot, loader: FakeLoader, **kwargs) -> tuple[BoardController, RecordingAnnouncer]:
    FakeFeed.made.clear()
    announcer = RecordingAnnouncer()
    controller = BoardController(announcer=announcer, feed_factory=FakeFeed, snapshot_loader=loader, **kwargs)
    return controller, announcer


def test_unreachable_at_start_shows_offline_retries_and_starts_following_where_the_snapshot_ended(qtbot):
    loader = FakeLoader(as_of=42)
    loader.down = True
    controller, _ = make(qtbot, loader, retry_ms=100)
    states: list[bool] = []
    controller.online_changed.connect(states.append)
    controller.start()
    qtbot.waitUntil(lambda: states == [False], timeout=3000)
    assert not controller.state.loaded and FakeFeed.made == []
    qtbot.waitUntil(lambda: loader.reads >= 2, timeout=3000)        # keeps trying
    loader.down = False
    qtbot.waitUntil(lambda: controller.state.loaded, timeout=3000)
    assert states == [False, True]
    assert FakeFeed.made[0].start_at == 42 and FakeFeed.made[0].started
    controller.stop()


def test_a_burst_of_events_costs_one_or_two_snapshots_not_one_each(qtbot):
    loader = FakeLoader()
    controller, _ = make(qtbot, loader, debounce_ms=100)
    controller.start()
    qtbot.waitUntil(lambda: controller.state.loaded, timeout=3000)
    first = loader.reads
    with qtbot.waitSignal(controller.snapshot_applied, timeout=3000):
        for i in range(30):
            controller.on_events([ev(100 + i, "issued", code=f"A{i:03d}")])
    qtbot.waitUntil(lambda: settled(controller), timeout=3000)
    assert 1 <= loader.reads - first <= 2
    controller.stop()


def test_reconnecting_fetches_one_snapshot(qtbot):
    loader = FakeLoader()
    controller, _ = make(qtbot, loader, debounce_ms=50)
    controller.start()
    qtbot.waitUntil(lambda: controller.state.loaded, timeout=3000)
    before = loader.reads
    feed = FakeFeed.made[0]
    feed.online_changed.emit(False)                  # handled at once (same thread)
    assert settled(controller)                       # and nothing was scheduled by it
    assert loader.reads == before and not controller.online
    feed.online_changed.emit(True)
    qtbot.waitUntil(lambda: loader.reads == before + 1, timeout=3000)
    assert controller.online
    controller.stop()


def test_a_full_day_of_calls_does_not_wear_the_interpreter_down(qtbot):
    """PySide6 6.12 on Python 3.11 drops a reference to None on every void Qt call and one to True
    on every emit: unprotected, a few thousand calls abort the interpreter ("none_dealloc").  The
    display makes None/True/False effectively immortal; a day of calls uses a vanishing part of it."""
    from display_app.views import BoardWindow
    from ui_common.pyside_workarounds import needed

    loader = FakeLoader()
    controller, announcer = make(qtbot, loader, debounce_ms=10_000)
    window = BoardWindow()
    controller.view_changed.connect(window.show_view)
    controller.call_shown.connect(window.on_call)
    window.show()
    controller.start()
    qtbot.waitUntil(lambda: controller.state.loaded, timeout=3000)
    before = sys.getrefcount(None), sys.getrefcount(True)
    if needed():
        assert min(before) > 1 << 39
    now = time.time()
    for i in range(3000):
        controller.on_events([ev(1000 + i, "called", code=f"A{i % 999 + 1:03d}", counter=1 + i % 2, when=now)])
        if i % 100 == 0:
            window.repaint()
    assert len(announcer.calls) == 3000
    lost = before[0] - sys.getrefcount(None), before[1] - sys.getrefcount(True)
    assert max(lost) < 1_000_000       # against a cushion of 2**40
    controller.stop()
    window.close()


def test_up_to_date_follows_snapshots_and_events_that_need_none(qtbot):
    """The benchmark's status file follows ``up_to_date``: a rating changes nothing on the board, so the board
    is up to date as of it without a read; an issued ticket changes the counts, so only its snapshot says so."""
    loader = FakeLoader(as_of=7)
    controller, _ = make(qtbot, loader, debounce_ms=50)
    seen: list[int] = []
    controller.up_to_date.connect(seen.append)
    controller.start()
    qtbot.waitUntil(lambda: seen == [7], timeout=3000)
    reads = loader.reads
    controller.on_events([ev(8, "rated")])
    assert seen == [7, 8] and loader.reads == reads     # at once, no snapshot
    loader.as_of = 9
    controller.on_events([ev(9, "issued", code="A001")])
    assert seen == [7, 8]                                # not before the counts are read again
    qtbot.waitUntil(lambda: seen == [7, 8, 9], timeout=3000)
    controller.stop()
