"""Starting a Qt program: one QApplication, the theme font, Ctrl+C that quits."""

from __future__ import annotations

import signal
import socket
import sys

from PySide6.QtCore import QSocketNotifier, QThreadPool
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


class _SignalWakeup:
    """Wakes the Qt loop when a signal arrives, so Python runs its handler: no polling timer.

    Python runs a signal handler only when the interpreter next gets control, and Qt's loop waits
    in C.  The C-level handler writes the signal number to ``signal.set_wakeup_fd``; a
    ``QSocketNotifier`` on the other end of that socket pair wakes the loop, and the slot that drains
    it lets Python run the handler.  (The previous 200 ms timer woke Python 5 times a second all day.)
    """

    def __init__(self) -> None:
        self.reader, self.writer = socket.socketpair()
        self.reader.setblocking(False)
        self.writer.setblocking(False)
        signal.set_wakeup_fd(self.writer.fileno(), warn_on_full_buffer=False)
        self.notifier = QSocketNotifier(self.reader.fileno(), QSocketNotifier.Type.Read)
        self.notifier.activated.connect(self._drain)

    def _drain(self) -> None:
        try:
            while self.reader.recv(64):
                pass
        except (BlockingIOError, InterruptedError):
            pass


_wakeup: _SignalWakeup | None = None   # one per process, never closed: its socket is the wake-up fd


def quit_on_signals(app: QApplication) -> _SignalWakeup:
    """Let SIGINT/SIGTERM end the Qt loop cleanly (Qt otherwise swallows Ctrl+C).

    Handlers installed later with ``signal.signal`` are woken the same way.  Call from the main thread.
    """
    global _wakeup
    signal.signal(signal.SIGINT, lambda *_: app.quit())
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, lambda *_: app.quit())
    if _wakeup is None:
        _wakeup = _SignalWakeup()
    return _wakeup
