"""The keypad reader for Qt programs (the counter program).

``KeypadReader`` runs in its own threads and calls back from them; Qt widgets
must only be touched from the GUI thread. Signals emitted from another thread
reach slots of GUI-thread objects as queued calls, so this QObject only turns
the reader's callbacks into signals and the screen stays responsive while a
press waits for a locked database.

    bridge = KeypadBridge("/dev/ttyUSB0", counter=3)
    bridge.press_recorded.connect(screen.show_rating)    # RatingInfo (db.ratings.PressInfo)
    bridge.state_changed.connect(screen.show_keypad_state)  # "connected", "waiting_for_device", ...
    bridge.start()
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Signal

from services.keypad_ratings import rating_reader


class KeypadBridge(QObject):
    """Owns one rating ``KeypadReader`` (``services.keypad_ratings``); re-emits its callbacks as Qt signals."""

    #: a press committed to the database: a ``db.values.RatingInfo`` (in fact ``db.ratings.PressInfo``)
    press_recorded = Signal(object)
    #: ``connected`` | ``waiting_for_device`` | ``error`` | ``stopped``
    state_changed = Signal(str)

    def __init__(self, port: str, *, protocol: str = "ascii", counter: int | None = None, baudrate: int = 9600,
                 parent: QObject | None = None, **reader_options: Any) -> None:
        super().__init__(parent)
        self.reader = rating_reader(port, protocol=protocol, counter=counter, baudrate=baudrate,
                                    on_recorded=self.press_recorded.emit, on_state=self._state, **reader_options)
        app = QCoreApplication.instance()
        if app is not None:
            # Record what was already read before the program exits.
            app.aboutToQuit.connect(self.stop)

    def _state(self, state: str, _detail: str) -> None:
        self.state_changed.emit(state)

    @property
    def state(self) -> str:
        return self.reader.state

    @property
    def detail(self) -> str:
        """Why the state is what it is (the OS error text), for a tooltip."""
        return self.reader.detail

    def stats(self) -> dict[str, int]:
        return self.reader.stats()

    def start(self) -> None:
        self.reader.start()

    def stop(self) -> None:
        if self.reader.is_running():
            self.reader.stop()
