"""Starting a Qt program: one QApplication, the theme font, Ctrl+C that quits."""

from __future__ import annotations

import signal
import sys

from PySide6.QtCore import QThreadPool, QTimer
from PySide6.QtWidgets import QApplication

from ui_common import theme
from ui_common.pyside_workarounds import keep_singletons_alive


def make_app(name: str, argv: list[str] | None = None) -> QApplication:
    keep_singletons_alive()  # PySide6 6.12 on Python 3.11 leaks references to None/True (see the module)
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName(name)
    app.setOrganizationName("onestop-queue")
    theme.apply_app_font(app)
    # Database work runs on the global pool (ui_common.tasks); one slow call
    # (a locked database waits up to its busy timeout) must not hold up the
    # rest, and the demo runs several programs in one process.
    pool = QThreadPool.globalInstance()
    pool.setMaxThreadCount(max(pool.maxThreadCount(), 8))
    return app


def quit_on_signals(app: QApplication) -> QTimer:
    """Let SIGINT/SIGTERM end the Qt loop cleanly (Qt otherwise swallows Ctrl+C)."""
    signal.signal(signal.SIGINT, lambda *_: app.quit())
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, lambda *_: app.quit())
    timer = QTimer()
    timer.start(200)
    timer.timeout.connect(lambda: None)  # wakes Python so the handlers run
    return timer
