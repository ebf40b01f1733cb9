"""Starting the hall display: board window, controller, announcer, wired together.

``DisplayProgram`` builds and wires the pieces; ``main(args)`` is what
``onestop display`` runs.  Tests and the benchmark build a ``DisplayProgram``
directly (with a fake announcer when they need one), so they exercise exactly
the wiring the hall gets.
"""

from __future__ import annotations

import logging
import os
import time
from typing import Any

from PySide6.QtCore import QObject, Slot

from display_app.controller import Announcer, BoardController
from display_app.counter_screen import CounterScreen
from display_app.views import BoardWindow
from ui_common.pyside_workarounds import keep_singletons_alive

log = logging.getLogger(__name__)


def make_announcer(parent: QObject | None = None) -> Any:
    """The hall's voice (``AnnouncementQueue``), or ``None`` if it cannot be built at all.

    A machine without speech or audio still gets a queue: it degrades itself
    (chime only, silent playback) and says so through ``status_changed``.
    """
    try:
        from hardware.speech.qt_player import AnnouncementQueue

        return AnnouncementQueue(parent=parent)
    except Exception:
        log.exception("display: announcements unavailable; the board runs without voice")
        return None


class DisplayProgram(QObject):
    """One hall display: everything but the ``QApplication`` and the database URL."""

    def __init__(self, *, announcer: Announcer | None = None, voice: bool = True, poll_s: float = 0.2,
                 debounce_ms: int = 150, clock=time.time, counter: int | None = None,
                 parent: QObject | None = None) -> None:
        keep_singletons_alive()   # the board paints and emits all day (see ui_common.pyside_workarounds)
        super().__init__(parent)
        if counter is not None:
            voice = False   # a counter's screen is silent: the hall display announces (no echo)
        if announcer is None and voice:
            announcer = make_announcer(self)
        self.announcer = announcer
        self.window = CounterScreen(counter) if counter is not None else BoardWindow(clock=clock)
        self.controller = BoardController(announcer=announcer, poll_s=poll_s, debounce_ms=debounce_ms, parent=self)
        self.controller.view_changed.connect(self.window.show_view)
        self.controller.call_shown.connect(self.window.on_call)
        self.controller.online_changed.connect(self.window.set_online)
        self.controller.site_changed.connect(self._configure_voice)
        status_changed = getattr(announcer, "status_changed", None)
        if status_changed is not None:
            status_changed.connect(self.window.set_voice_status)
            self.window.set_voice_status(getattr(announcer, "status", "") or "")
        from ui_common.status_file import from_env

        self.status_file = from_env()   # benchmarks only (bench/soak.py): the board's event id, as painted
        if self.status_file is not None:
            self.controller.up_to_date.connect(self.status_file.write)

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()
        close = getattr(self.announcer, "close", None)
        if close is not None:
            close()

    @Slot(object)
    def _configure_voice(self, site: Any) -> None:
        """Use the site's flash time, announcement template and repeat count (and follow later edits)."""
        self.window.set_flash_s(getattr(site, "display_flash_s", 6.0))
        if self.announcer is None or not hasattr(self.announcer, "set_settings"):
            return
        try:
            from hardware.speech.announcer import AnnouncementSettings

            settings = AnnouncementSettings.from_site(site)
        except Exception as exc:   # a broken template must not silence the hall: keep the default
            log.warning("display: site announcement settings refused (%s); keeping the default", exc)
            return
        if settings != getattr(self.announcer, "settings", None):
            self.announcer.set_settings(settings)


def _check_counter(number: int) -> None:
    """``--counter N`` names a counter of the site: an unknown one is refused (NotFound, exit 2), not an empty screen.

    A database not reachable at start cannot tell; the screen starts anyway and shows "—" until it can.
    """
    from db.errors import DatabaseUnavailable, NotFound
    from db.site import list_counters

    try:
        numbers = [c.number for c in list_counters(include_inactive=True)]
    except DatabaseUnavailable:
        return
    if number not in numbers:
        known = ", ".join(str(n) for n in numbers) or "-"
        raise NotFound(f"Không có quầy số {number} (các quầy: {known})",
                       f"No counter number {number} (counters: {known})")


def main(args: Any) -> int:
    """``onestop display``: open the database, show the board, run until closed."""
    from db.connection import connect
    from db.errors import DatabaseUnavailable
    from ui_common import watchdog
    from ui_common.app import make_app, quit_on_signals
    from ui_common.i18n import LANG_ENV, check_language, set_language
    from ui_common.widgets import place_fullscreen

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = make_app("onestop-display")
    lang = getattr(args, "lang", None) or os.environ.get(LANG_ENV)
    if lang:   # the board's second language; no remembered choice (nobody switches a hall board)
        set_language(check_language(lang))
    try:
        connect(getattr(args, "db", None))
    except DatabaseUnavailable as exc:  # start anyway: the board shows "offline" and keeps retrying
        log.warning("database not reachable at start: %s", exc)
    counter = getattr(args, "counter", None)
    if counter is not None:
        _check_counter(counter)
    program = DisplayProgram(voice=not args.no_voice, counter=counter)
    program.start()
    if args.windowed:
        program.window.resize(*((800, 480) if counter is not None else (1280, 720)))
        program.window.show()
    else:
        from PySide6.QtCore import Qt

        program.window.setCursor(Qt.BlankCursor)   # no pointer over the hall's screen
        place_fullscreen(program.window, args.screen)
    keep = quit_on_signals(app)
    app.aboutToQuit.connect(program.stop)
    heartbeat = watchdog.start(app)  # noqa: F841 - systemd restarts a frozen board (deploy/systemd)
    code = app.exec()
    del keep
    return int(code)
