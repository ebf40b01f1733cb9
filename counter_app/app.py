"""Starting the counter program: session, feed watcher, idle lock, keypad and window.

``CounterProgram`` builds the pieces and wires them; ``main(args)`` is what
``onestop counter`` runs.  Tests build a ``CounterProgram`` directly so they
exercise exactly the wiring the officers get.
"""

from __future__ import annotations

import logging
import os
import time
from typing import Any

from PySide6.QtCore import QObject, QTimer, Slot

from counter_app.idle import DEFAULT_LOCK_AFTER_S, IdleWatcher
from counter_app.session import CounterSession, SignIn
from counter_app.window import CounterWindow
from ui_common.feed import FeedWatcher
from ui_common.pyside_workarounds import keep_singletons_alive

log = logging.getLogger(__name__)
PROGRAM = "onestop-counter"      # the workstation setting that remembers the language (ui_common.i18n)


class CounterProgram(QObject):
    """One counter workstation: everything but the ``QApplication`` and the database URL."""

    def __init__(self, *, counter: int | None = None, lock_after_s: float = DEFAULT_LOCK_AFTER_S,
                 keypad_port: str | None = None, keypad_protocol: str = "ascii", poll_s: float = 0.2,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        keep_singletons_alive()  # PySide6 6.12 on Python 3.11: see pyside_workarounds
        self.session = CounterSession(fixed_counter=counter)
        self.idle = IdleWatcher(lock_after_s, self)
        self.window = CounterWindow(self.session, self.idle)
        self.watcher = FeedWatcher(poll_s=poll_s, parent=self)
        self.watcher.events.connect(self.session.on_feed_events)
        self.watcher.online_changed.connect(self.session.on_online_changed)
        self.watcher.online_changed.connect(self._reload_counters_when_back)
        self.keypad_port = keypad_port
        self.keypad_protocol = keypad_protocol
        self.keypad: Any = None
        self.session.signed_in.connect(self._start_keypad)

    def start(self) -> None:
        """Follow the feed, fill the login screen's counter list."""
        self.watcher.start()
        if not self.watcher.online:
            self.session.on_online_changed(False)
        self.session.load_counters()

    def stop(self) -> None:
        self.watcher.stop()
        self.idle.close()
        if self.keypad is not None:
            self.keypad.stop()
            self.keypad = None

    @Slot(bool)
    def _reload_counters_when_back(self, online: bool) -> None:
        if online and self.session.officer is None:
            self.session.load_counters()

    @Slot(object)
    def _start_keypad(self, result: SignIn) -> None:
        """The keypad belongs to the counter: with ``ascii`` its number is known only after login."""
        if not self.keypad_port:
            return
        if self.keypad is not None:
            if self.keypad_protocol == "framed" or getattr(self.keypad, "counter", None) == result.counter:
                return
            self.keypad.stop()
            self.keypad = None
        from ui_common.keypad_qt import KeypadBridge

        counter = result.counter if self.keypad_protocol == "ascii" else None
        bridge = KeypadBridge(self.keypad_port, protocol=self.keypad_protocol, counter=counter, parent=self)
        bridge.counter = result.counter
        bridge.press_recorded.connect(self.session.on_keypad_press)
        bridge.state_changed.connect(self.session.on_keypad_state)
        self.keypad = bridge
        bridge.start()


def main(args: Any) -> int:
    """``onestop counter``: open the database, show the login screen, run until closed."""
    started = time.perf_counter()
    from db.connection import connect
    from db.errors import DatabaseUnavailable
    from ui_common import watchdog
    from ui_common.app import make_app, quit_on_signals
    from ui_common.i18n import LANG_ENV, start_language
    from ui_common.widgets import place_fullscreen

    keep_singletons_alive()
    app = make_app("onestop-counter")
    start_language(PROGRAM, getattr(args, "lang", None) or os.environ.get(LANG_ENV) or None)
    try:
        connect(getattr(args, "db", None))
    except DatabaseUnavailable as exc:  # start anyway: the banner shows and the feed reconnects
        log.warning("database not reachable at start: %s", exc)
    program = CounterProgram(counter=args.counter, lock_after_s=max(0.0, args.lock_after) * 60,
                             keypad_port=args.keypad, keypad_protocol=args.keypad_protocol)
    program.start()
    if args.windowed or getattr(args, "ready_exit", False):
        program.window.show()
    else:
        place_fullscreen(program.window, frameless=False)
    keep = quit_on_signals(app)
    app.aboutToQuit.connect(program.window.session.shutdown)
    app.aboutToQuit.connect(program.stop)
    if getattr(args, "ready_exit", False):
        # bench/bench_counter.py: report when the login screen is on screen, then leave
        def ready() -> None:
            print(f"ready {time.perf_counter() - started:.3f}", flush=True)
            app.quit()

        QTimer.singleShot(0, ready)
    automation = None
    if os.environ.get("ONESTOP_AUTOMATION_SOCKET"):   # benchmarks only (bench/soak.py); off by default
        from counter_app.automation import CounterAutomation

        automation = CounterAutomation(program.window)
        automation.start()
    heartbeat = watchdog.start(app)  # noqa: F841 - systemd restarts a frozen counter (deploy/systemd)
    code = app.exec()
    del keep, automation
    return int(code)

