"""``onestop kiosk``: start the self-service kiosk on this PC.

Order matters for a kiosk that must come back by itself after a power cut:
the window opens even when the database is not reachable yet (it shows
"temporarily out of service" and keeps retrying), while a malformed printer
URL is refused at once with exit code 2, since no retry can fix a typo.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import time
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)


def rss_mb() -> float | None:
    """Resident memory of this process in MB (Linux ``/proc``; None elsewhere)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


@dataclass
class KioskProgram:
    """Everything one running kiosk is made of (kept together so nothing is collected early)."""

    app: Any
    window: Any
    session: Any
    backend: Any


def build(args) -> KioskProgram:
    """Open the database, the printer and the window, placed for kiosk use (not yet started)."""
    from db.connection import connect
    from db.errors import DatabaseUnavailable
    from kiosk_app.backend import KioskBackend
    from kiosk_app.config import load_config
    from services.print_journal import PrintJournal

    config = load_config(getattr(args, "config", None))
    printer = args.printer or config.printer
    kiosk_id = args.kiosk_id or config.kiosk_id
    # PrinterUrlError (exit 2) before any window
    backend = KioskBackend(printer, kiosk_id=kiosk_id, journal=PrintJournal.for_kiosk(kiosk_id))
    try:
        connect(getattr(args, "db", None))
    except DatabaseUnavailable as exc:                        # start anyway: the screen says "out of service"
        log.warning("kiosk: database not reachable at start (%s); retrying in the background", exc)

    from PySide6.QtCore import Qt

    from kiosk_app.session import KioskSession
    from kiosk_app.views import KioskWindow
    from ui_common.app import make_app
    from ui_common.widgets import place_fullscreen

    app = make_app("onestop-kiosk")
    window = KioskWindow()
    session = KioskSession(backend, window, admin_users=config.admin_users)
    session.exit_requested.connect(app.quit)
    if args.touch or config.touch:
        app.setOverrideCursor(Qt.BlankCursor)
    if args.windowed:
        window.resize(1080 // 2, 1920 // 2)
        window.show()
    else:
        place_fullscreen(window, config.screen)               # frameless, screen-sized even with no WM
    return KioskProgram(app, window, session, backend)


def main(args) -> int:
    started = time.perf_counter()
    program = build(args)
    app, window, session = program.app, program.window, program.session

    from kiosk_app.controller import Screen
    from ui_common import watchdog
    from ui_common.app import quit_on_signals

    keep_alive = quit_on_signals(app)  # noqa: F841 - the signal notifier must live as long as the loop

    def shut_down(*_: object) -> None:
        # Qt 6 quit() first asks every window to close, and the kiosk window
        # refuses citizens' close requests: let it close for a real shutdown.
        window.allow_close()
        app.quit()

    signal.signal(signal.SIGINT, shut_down)
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, shut_down)

    if getattr(args, "bench_ready", False):
        def report(state) -> None:
            if state.screen is Screen.HOME and state.tiles and any(t.enabled for t in state.tiles):
                print(json.dumps({"interactive_s": round(time.perf_counter() - started, 3), "rss_mb": rss_mb()}),
                      flush=True)
                shut_down()

        session.state_changed.connect(report)

    session.start()
    log.info("kiosk started, printer %s", program.backend.printer.url)
    automation = None
    if os.environ.get("ONESTOP_AUTOMATION_SOCKET"):   # benchmarks only (bench/soak.py); off by default
        from kiosk_app.automation import KioskAutomation

        automation = KioskAutomation(session, window)
        automation.start()
    heartbeat = watchdog.start(app)  # noqa: F841 - systemd restarts a frozen kiosk (deploy/systemd)
    code = app.exec()
    del automation
    session.stop()
    return code
