"""The small screen above one counter: its number, the ticket it serves, paused or free.

``onestop display --counter N`` shows this instead of the hall board.  It is fed
by the same :class:`display_app.controller.BoardController` (same events, same
snapshots), and only picks counter N's cell out of each :class:`BoardView`, so
it can never disagree with the hall board.  Everything is painted as a fraction
of the widget's height, which keeps it readable at 5 m on a 800x480 panel as
well as on a 1366x768 TV (the ticket code's ink is about 40 % of the height).
It never speaks: the hall display announces calls, a second voice would echo.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt, QTimer, Slot
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QWidget

from display_app import painting as P
from display_app.model import BoardView, CallEntry, CounterCell
from ui_common.i18n import both, both_line

BLINK_MS = 400


class CounterScreen(QWidget):
    """One counter's screen; the same slots as ``BoardWindow`` so ``DisplayProgram`` wires either."""

    def __init__(self, number: int, parent: QWidget | None = None, **_: object) -> None:
        super().__init__(parent)
        self.number = number
        self.cell: CounterCell | None = None
        self.loaded = False
        self.online = True
        self.flash_s = 6.0
        self._flash_left = 0
        self._flash_phase = False
        self._blink = QTimer(self)
        self._blink.setInterval(BLINK_MS)
        self._blink.timeout.connect(self._on_blink)
        self.setWindowTitle(both("Quầy {n}", n=number)[0])
        self.setMinimumSize(320, 200)

    # -- what is shown (read by tests and screenshots)
    @property
    def code(self) -> str | None:
        return self.cell.code if self.cell else None

    @property
    def paused(self) -> bool:
        return bool(self.cell and self.cell.paused and not self.cell.code)

    @property
    def flashing(self) -> bool:
        return self._blink.isActive()

    def state_text(self) -> str:
        """What the screen says in words: the code, "Tạm dừng / Paused", "Mời chờ / Please wait" or "—"."""
        if not self.loaded or self.cell is None:
            return "—"
        if self.cell.code:
            return self.cell.code
        if self.cell.paused:
            return both_line("Tạm dừng")
        return both_line("Mời chờ")

    # -- slots wired by DisplayProgram
    @Slot(object)
    def show_view(self, view: BoardView) -> None:
        self.loaded = view.loaded
        cell = next((c for c in view.counters if c.number == self.number), None)
        if cell != self.cell:
            self.cell = cell
            self.update()

    @Slot(object)
    def on_call(self, call: CallEntry) -> None:
        """A (re)call reached the feed: blink only when it is this counter's."""
        if call.counter != self.number or self.flash_s <= 0:
            return
        self._flash_left = max(1, int(self.flash_s * 1000 / BLINK_MS))
        self._flash_phase = True
        self._blink.start()
        self.update()

    def set_flash_s(self, seconds: float) -> None:
        self.flash_s = float(seconds)

    def set_online(self, online: bool) -> None:
        if online != self.online:
            self.online = online
            self.update()

    def set_voice_status(self, text: str) -> None:   # no voice here; kept so the wiring is the same
        pass

    def _on_blink(self) -> None:
        self._flash_left -= 1
        self._flash_phase = not self._flash_phase and self._flash_left > 0
        if self._flash_left <= 0:
            self._blink.stop()
            self._flash_phase = False
        self.update()

    # -- painting
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.Antialiasing, True)
        painter.setRenderHint(QPainter.TextAntialiasing, True)
        w, h = float(self.width()), float(self.height())
        bright = self._flash_phase
        painter.fillRect(self.rect(), P.CALL_FLASH_BG if bright else P.BG)
        # top band: "QUẦY / COUNTER" and the number, gold on navy
        band = QRectF(0, 0, w, h * 0.34)
        painter.fillRect(band, P.HEADER)
        label_w = w * 0.5
        counter, counter_2 = both("QUẦY")
        P.draw_text(painter, QRectF(w * 0.04, h * 0.03, label_w, h * 0.17), counter, h * 0.15, bold=True,
                    color=P.WHITE)
        P.draw_text(painter, QRectF(w * 0.04, h * 0.20, label_w, h * 0.11), counter_2, h * 0.09, color=P.MUTED)
        P.draw_text(painter, QRectF(w * 0.45, 0, w * 0.51, band.height()), str(self.number), h * 0.30, bold=True,
                    color=P.ACCENT, align=Qt.AlignRight | Qt.AlignVCenter)
        body = QRectF(w * 0.04, h * 0.38, w * 0.92, h * 0.58)
        cell = self.cell if self.loaded else None
        if cell is not None and cell.code:
            P.draw_text(painter, body, cell.code, h * 0.5, bold=True,
                        color=QColor("#7f0000") if bright else P.WHITE, align=Qt.AlignCenter)
        elif cell is not None and cell.paused:
            paused, paused_2 = both("Tạm dừng")
            P.draw_text(painter, QRectF(body.x(), body.y(), body.width(), body.height() * 0.6), paused,
                        h * 0.26, bold=True, color=P.PAUSED, align=Qt.AlignCenter)
            P.draw_text(painter, QRectF(body.x(), body.y() + body.height() * 0.6, body.width(), body.height() * 0.35),
                        paused_2, h * 0.15, color=P.PAUSED, align=Qt.AlignCenter)
        elif cell is not None:
            wait, wait_2 = both("Mời chờ")
            P.draw_text(painter, QRectF(body.x(), body.y(), body.width(), body.height() * 0.6), wait,
                        h * 0.2, bold=True, color=P.MUTED, align=Qt.AlignCenter)
            P.draw_text(painter, QRectF(body.x(), body.y() + body.height() * 0.6, body.width(), body.height() * 0.35),
                        wait_2, h * 0.12, color=P.MUTED, align=Qt.AlignCenter)
        else:
            P.draw_text(painter, body, "—", h * 0.4, bold=True, color=P.MUTED, align=Qt.AlignCenter)
        if not self.online:
            P.draw_text(painter, QRectF(w * 0.04, h * 0.90, w * 0.92, h * 0.09), both_line("Mất kết nối"), h * 0.07,
                        bold=True, color=P.OFFLINE, align=Qt.AlignRight | Qt.AlignVCenter)
        painter.end()
