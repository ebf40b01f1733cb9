"""Driving a real kiosk window without a person: for the tests, the screenshots and the bench.

Everything is the real thing (window, controller, backend, database, printer
driver, event feed, worker threads); only the two clocks are controllable,
so a test can jump to 11:31 or past the 1.5 s tap guard without sleeping.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from kiosk_app.backend import KioskBackend
from kiosk_app.controller import KioskState, Screen
from kiosk_app.session import KioskSession
from kiosk_app.speaker import GuidanceSpeaker
from kiosk_app.views import KioskWindow
from ui_common.feed import FeedWatcher

PORTRAIT = (1080, 1920)
LANDSCAPE = (1920, 1080)


class FakeClock:
    """Wall clock (epoch, for opening hours) and monotonic clock, moved by hand."""

    def __init__(self, epoch: float | None = None) -> None:
        self.epoch = time.time() if epoch is None else epoch
        self.mono = 1000.0

    def now(self) -> float:
        return self.epoch

    def monotonic(self) -> float:
        return self.mono

    def advance(self, seconds: float) -> None:
        self.epoch += seconds
        self.mono += seconds

    def set_time(self, epoch: float) -> None:
        """Jump the wall clock (monotonic time moves forward by the same amount, at least 0)."""
        self.mono += max(0.0, epoch - self.epoch)
        self.epoch = epoch


class KioskHarness:
    """A started kiosk on the current database, sized like a real screen."""

    def __init__(self, printer: str | object, *, epoch: float | None = None, size: tuple[int, int] = PORTRAIT,
                 admin_users: tuple[str, ...] = ("admin",), kiosk_id: str = "test-kiosk", tick_ms: int = 50,
                 real_time: bool = False, player: object | None = None) -> None:
        """``player``: the WavPlayer the Listen button plays through (tests pass a sink; default: the real one)."""
        self.clock = FakeClock(epoch)
        self.backend = KioskBackend(printer, kiosk_id=kiosk_id)
        self.window = KioskWindow()
        self.window.resize(*size)
        self.feed = FeedWatcher(poll_s=0.05)
        now: Callable[[], float] = time.time if real_time else self.clock.now
        mono: Callable[[], float] = time.monotonic if real_time else self.clock.monotonic
        self.speaker = GuidanceSpeaker(player)
        self.session = KioskSession(self.backend, self.window, now=now, monotonic=mono, admin_users=admin_users,
                                    feed=self.feed, tick_ms=tick_ms, speaker=self.speaker)
        self.states: list[KioskState] = []
        self.session.state_changed.connect(self.states.append)
        self.window.show()

    # -- life cycle
    def start(self, *, wait_home: bool = True) -> KioskHarness:
        self.session.start()
        if wait_home:
            self.wait_for(lambda s: s.screen is Screen.HOME and bool(s.tiles) and self.printer_checked(), timeout=10)
        return self

    def close(self) -> None:
        self.session.stop()
        self.window.allow_close()
        self.window.close()
        self.window.deleteLater()
        QApplication.processEvents()

    def __enter__(self) -> KioskHarness:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- looking
    @property
    def state(self) -> KioskState:
        return self.session.state

    def printer_checked(self) -> bool:
        return not self.session.controller.printer_check_pending

    def printer_settled(self) -> None:
        """Wait until no printer check is in flight.

        A check that started before the test changed the printer reports the old
        state and dates the next check from its (fake-clock) arrival, so a test that
        fixes a fault and steps the clock must first let it land.
        """
        self.wait_for(lambda _state: self.printer_checked(), timeout=10)

    def wait_for(self, predicate: Callable[[KioskState], bool], timeout: float = 5.0) -> KioskState:
        """Run the event loop until ``predicate(state)`` holds (worker results arrive meanwhile)."""
        end = time.monotonic() + timeout
        while True:
            QApplication.processEvents()
            state = self.state
            if predicate(state):
                return state
            if time.monotonic() > end:
                raise TimeoutError(f"kiosk state not reached; last: {state.screen} busy={state.busy} "
                                   f"message={state.message} banner={state.printer_banner}")
            time.sleep(0.002)

    def settle(self, seconds: float = 0.15) -> None:
        """Let background refreshes land (for screenshots)."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            QApplication.processEvents()
            time.sleep(0.005)

    # -- touching (real mouse events on the real widgets)
    def click(self, widget: QWidget, pos: QPoint | None = None) -> None:
        QTest.mouseClick(widget, Qt.LeftButton, Qt.NoModifier, pos if pos is not None else widget.rect().center())

    def tap_tile(self, key: str) -> None:
        self.click(self.window.tile_button(key))

    def tap_service(self, code: str) -> None:
        self.click(self.window.service_button(code))

    def pass_guards(self) -> None:
        """Let the tap guard and the screen-age guard expire (no real waiting)."""
        self.clock.advance(2.0)

    def resize(self, size: tuple[int, int]) -> None:
        self.window.resize(*size)
        QApplication.processEvents()

    def grab(self, path: str) -> None:
        QApplication.processEvents()
        self.window.grab().save(path)
