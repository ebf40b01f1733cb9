"""Locks the counter after a stretch without keyboard or mouse input.

An officer steps away with a citizen's file open on the desk; after the
configured time (default 10 minutes) nobody else should be able to call or
close tickets in their name.  Only the officer's own input counts as
activity: keypad presses come from citizens, and feed updates from the hall.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QApplication

DEFAULT_LOCK_AFTER_S = 10 * 60

_ACTIVITY = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
    QEvent.Type.Wheel, QEvent.Type.TouchBegin,
})


class IdleWatcher(QObject):
    """Emits ``idle`` once after ``timeout_s`` seconds without user input (0 = never)."""

    idle = Signal()

    def __init__(self, timeout_s: float = DEFAULT_LOCK_AFTER_S, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timeout_s = timeout_s
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.idle)
        self._armed = False
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    @Slot()
    def arm(self) -> None:
        """Start counting (after a login or an unlock)."""
        self._armed = self.timeout_s > 0
        self._restart()

    @Slot()
    def disarm(self) -> None:
        """Stop counting (logged out or already locked)."""
        self._armed = False
        self._timer.stop()

    def close(self) -> None:
        """Stop watching the application's input (the program is shutting down)."""
        self.disarm()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def _restart(self) -> None:
        if self._armed:
            self._timer.start(int(self.timeout_s * 1000))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._armed and event.type() in _ACTIVITY:
            self._restart()
        return False
