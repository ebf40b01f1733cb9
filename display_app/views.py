"""The hall board's widgets: they paint a :class:`~display_app.model.BoardView`, nothing else.

No SQL and no queue rules here; the controller decides, these show (slots in).
Each panel paints itself with sizes given as fractions of the board height
``unit`` so one layout reads the same from 1280x720 to 3840x2160, and text
that would not fit is drawn smaller, never clipped.

Idle cost is kept near zero: the clock repaints its own small area once a
second, the "now calling" panel runs its timer only while flashing, and the
notice line animates only when its text is wider than the screen.
"""

from __future__ import annotations

import math
import time
from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QRectF, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPaintEvent, QPixmap, QResizeEvent
from PySide6.QtWidgets import QAbstractSlider, QFrame, QLabel, QScrollArea, QScrollBar, QWidget

from display_app import painting as P
from display_app.model import BoardView, CallEntry, CounterCell, ServiceCount
from ui_common.i18n import N_, both, both_line
from ui_common.widgets import ClockSkewBanner

DAY_NAMES_VI = (N_("Thứ Hai"), N_("Thứ Ba"), N_("Thứ Tư"), N_("Thứ Năm"), N_("Thứ Sáu"), N_("Thứ Bảy"), N_("Chủ Nhật"))

#: fractions of the board height
HEADER_H = 0.105
TICKER_H = 0.075
PAD = 0.012
LEFT_COLUMN_W = 0.40        # of the width
NOW_PANEL_SHARE = 0.60      # of the body height, left column
COUNTERS_SHARE = 0.56       # of the body height, right column
NUMBER_PX = 0.225           # the newest called number: glyph height ~0.16 of the screen
TITLE_PX = 0.030

FLASH_S = 6.0               # default; the site's [display] flash_s overrides it (0 = no flashing)
FLASH_PERIOD_MS = 450
TICKER_FPS = 20            # even steps (6 px at 1080 lines); each frame/s costs ~0.025 % of a core
WRAP_CHECK_MS = 1000       # how often the ticker looks whether it went past one copy
TICKER_SPEED = 0.11          # board heights per second

#: msgids: the board shows each in Vietnamese and its second language (``ui_common.i18n.both``)
TEXT_NO_CALL = N_("Chưa có số nào được gọi")
TEXT_LOADING = N_("Đang kết nối cơ sở dữ liệu…")
TEXT_DEFAULT_NOTICE = N_("Xin vui lòng chờ đến lượt khi số của quý khách được gọi")


def _rounded(painter: QPainter, rect: QRectF, radius: float, color: QColor) -> None:
    path = QPainterPath()
    path.addRoundedRect(rect, radius, radius)
    painter.fillPath(path, color)


class _Panel(QWidget):
    """A board panel that knows the board height it scales with."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.unit = 720.0

    def set_unit(self, board_height: int) -> None:
        if board_height != self.unit:
            self.unit = float(board_height)
            self.update()

    def u(self, fraction: float) -> float:
        return fraction * self.unit

    def _begin(self) -> QPainter:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.Antialiasing, True)
        painter.setRenderHint(QPainter.TextAntialiasing, True)
        return painter

    def _title(self, painter: QPainter, rect: QRectF, text: str) -> float:
        """A panel title; returns the y below it."""
        h = self.u(0.048)
        P.draw_text(painter, QRectF(rect.x() + self.u(0.018), rect.y() + self.u(0.006),
                                    rect.width() - self.u(0.036), h),
                    text, self.u(TITLE_PX), bold=True, color=P.MUTED)
        return rect.y() + self.u(0.006) + h


class HeaderBar(_Panel):
    """Site name (Vietnamese and English), the live clock, and the small status marks."""

    def __init__(self, parent: QWidget | None = None, *, clock=time.time) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WA_OpaquePaintEvent, True)
        self.name, self.name_en = both(TEXT_LOADING)
        self.tz = ZoneInfo("Asia/Ho_Chi_Minh")
        self.online = True
        self.voice_status = ""
        self._clock = clock
        self._shown = ""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setTimerType(Qt.PreciseTimer)
        self._timer.timeout.connect(self._tick)
        self._tick()

    def set_site(self, name: str, name_en: str, timezone: str) -> None:
        tz = ZoneInfo(timezone) if timezone else self.tz
        if (name, name_en, tz) != (self.name, self.name_en, self.tz):
            self.name, self.name_en, self.tz = name, name_en, tz
            self.update()

    def set_online(self, online: bool) -> None:
        if online != self.online:
            self.online = online
            self.update()

    def set_voice_status(self, text: str) -> None:
        if text != self.voice_status:
            self.voice_status = text
            self.update()

    def now_local(self) -> datetime:
        return datetime.fromtimestamp(self._clock(), tz=self.tz)

    @Slot()
    def _tick(self) -> None:
        """Repaint the clock when its text changes; re-arm for just after the next second."""
        text = self.now_local().strftime("%H:%M:%S")
        if text != self._shown:
            self._shown = text
            self.update(self._clock_rect().toAlignedRect())
        now = self._clock()
        self._timer.start(max(50, int((1.0 - (now % 1.0)) * 1000) + 5))

    def _clock_rect(self) -> QRectF:
        w = self.u(0.33)
        return QRectF(self.width() - w - self.u(0.02), 0, w, self.height())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = self._begin()
        painter.fillRect(self.rect(), P.HEADER)
        painter.fillRect(QRectF(0, self.height() - self.u(0.006), self.width(), self.u(0.006)), P.ACCENT)
        clock = self._clock_rect()
        local = self.now_local()
        P.draw_text(painter, QRectF(clock.x(), self.u(0.008), clock.width(), self.u(0.058)), local.strftime("%H:%M:%S"),
                    self.u(0.052), bold=True, color=P.ACCENT, align=Qt.AlignRight | Qt.AlignVCenter)
        date_text = f"{DAY_NAMES_VI[local.weekday()]}, {local:%d/%m/%Y}"
        P.draw_text(painter, QRectF(clock.x(), self.u(0.064), clock.width(), self.u(0.032)), date_text,
                    self.u(0.026), color=WHITE_SOFT, align=Qt.AlignRight | Qt.AlignVCenter)
        # status marks between the names and the clock
        right = clock.x() - self.u(0.02)
        for text, colour, shown in ((both_line("Mất kết nối"), P.OFFLINE, not self.online),
                                    (self.voice_status, QColor("#8d6e00"), bool(self.voice_status))):
            if not shown:
                continue
            font = P.fitted_font(text, self.u(0.024), self.u(0.5), bold=True)
            painter.setFont(font)
            w = painter.fontMetrics().horizontalAdvance(text) + self.u(0.03)
            pill = QRectF(right - w, (self.height() - self.u(0.044)) / 2, w, self.u(0.044))
            _rounded(painter, pill, self.u(0.012), colour)
            painter.setPen(P.WHITE)
            painter.drawText(pill, int(Qt.AlignCenter), text)
            right = pill.x() - self.u(0.012)
        names = QRectF(self.u(0.025), 0, max(10.0, right - self.u(0.04)), self.height())
        P.draw_text(painter, QRectF(names.x(), self.u(0.008), names.width(), self.u(0.054)), self.name,
                    self.u(0.040), bold=True, color=P.WHITE)
        P.draw_text(painter, QRectF(names.x(), self.u(0.062), names.width(), self.u(0.034)), self.name_en,
                    self.u(0.026), color=WHITE_SOFT)
        painter.end()


WHITE_SOFT = QColor("#d6e2ef")


class NowCallingPanel(_Panel):
    """The newest call, as large as the screen allows; flashes for a few seconds on each (re)call."""

    painted = Signal(str)       # the code just painted: the benchmark's "number on screen" moment
    flash_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.call: CallEntry | None = None
        self.loaded = False
        self.number_font = None
        self.flash_s = FLASH_S
        self._flash_phase = False
        self._flash_until = 0.0
        self._timer = QTimer(self)
        self._timer.setInterval(FLASH_PERIOD_MS)
        self._timer.timeout.connect(self._blink)

    def show_call(self, call: CallEntry | None, loaded: bool = True) -> None:
        if (call, loaded) != (self.call, self.loaded):
            self.call, self.loaded = call, loaded
            self.update()

    @Slot()
    def flash(self) -> None:
        """Start (or restart) the highlight; the timer stops by itself when it is over."""
        if self.flash_s <= 0:
            return
        self._flash_until = time.monotonic() + self.flash_s
        self._flash_phase = True
        started = not self._timer.isActive()
        self._timer.start()
        self.update()
        if started:
            self.flash_changed.emit(True)

    @property
    def flashing(self) -> bool:
        return self._timer.isActive()

    @Slot()
    def _blink(self) -> None:
        if time.monotonic() >= self._flash_until:
            self._timer.stop()
            self._flash_phase = False
            self.update()
            self.flash_changed.emit(False)
            return
        self._flash_phase = not self._flash_phase
        self.update()

    def number_text(self) -> str:
        return self.call.code if self.call else "—"

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = self._begin()
        rect = QRectF(self.rect())
        bright = self._flash_phase
        _rounded(painter, rect, self.u(0.018), P.CALL_FLASH_BG if bright else P.CALL_BG)
        fg = QColor("#7f0000") if bright else P.WHITE
        sub = QColor("#3e2723") if bright else QColor("#ffe0e0")
        inner = rect.adjusted(self.u(0.02), self.u(0.012), -self.u(0.02), -self.u(0.012))
        title = both_line("ĐANG MỜI SỐ")
        if self.call is not None and self.call.appointment:
            slot = f" {self.call.slot}" if self.call.slot else ""
            title = both_line("ĐANG MỜI SỐ - LỊCH HẸN{slot}", slot=slot)
        P.draw_text(painter, QRectF(inner.x(), inner.y(), inner.width(), self.u(0.05)), title,
                    self.u(0.034), bold=True, color=sub, align=Qt.AlignCenter)
        number_box = QRectF(inner.x(), inner.y() + self.u(0.05), inner.width(), self.u(0.265))
        lines_y = number_box.bottom()
        if self.call is not None:
            self.number_font = P.draw_text(painter, number_box, self.call.code, self.u(NUMBER_PX), bold=True,
                                           color=fg, align=Qt.AlignCenter)
            big, small = both("Mời đến quầy số {n}", n=self.call.counter)
            big_colour = QColor("#7f0000") if bright else P.ACCENT
        else:
            self.number_font = P.draw_text(painter, number_box, "—", self.u(NUMBER_PX), bold=True, color=fg,
                                           align=Qt.AlignCenter)
            big, small = both(TEXT_NO_CALL if self.loaded else TEXT_LOADING)
            big_colour = fg
        P.draw_text(painter, QRectF(inner.x(), lines_y, inner.width(), self.u(0.085)), big, self.u(0.062),
                    bold=True, color=big_colour, align=Qt.AlignCenter)
        P.draw_text(painter, QRectF(inner.x(), lines_y + self.u(0.085), inner.width(), self.u(0.045)), small,
                    self.u(0.032), color=sub, align=Qt.AlignCenter)
        painter.end()
        self.painted.emit(self.call.code if self.call else "")

    def number_glyph_height(self) -> float:
        """Ink height of the shown number at the last paint, in pixels (readability check)."""
        if self.number_font is None:
            return 0.0
        return P.glyph_height(self.number_font, self.number_text())


class CounterGrid(_Panel):
    """Every counter with the number it is calling or serving, "paused", or a dash.

    The tile of a new call flashes (gold/red, ``flash_s`` seconds) as a visual
    call signal for people who do not hear the chime; only that tile is repainted.
    """

    flash_changed = Signal(bool)    # True when a tile starts flashing, False when the flash is over

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cells: tuple[CounterCell, ...] = ()
        self.highlight: tuple[int, str] | None = None
        self.flash_s = FLASH_S
        self.flash_counter: int | None = None     # the tile flashing now
        self._flash_phase = False
        self._flash_until = 0.0
        self._cell_rects: dict[int, QRectF] = {}
        self._timer = QTimer(self)
        self._timer.setInterval(FLASH_PERIOD_MS)
        self._timer.timeout.connect(self._blink)

    @property
    def flashing(self) -> bool:
        return self._timer.isActive()

    def flash(self, counter: int) -> None:
        """Flash counter ``counter``'s tile for ``flash_s`` seconds (restarted by a newer call)."""
        if self.flash_s <= 0:
            return
        previous = self.flash_counter
        self.flash_counter = counter
        self._flash_until = time.monotonic() + self.flash_s
        self._flash_phase = True
        started = not self._timer.isActive()
        self._timer.start()
        for number in {previous, counter} - {None}:
            self._update_cell(number)
        if started:
            self.flash_changed.emit(True)

    @Slot()
    def _blink(self) -> None:
        number = self.flash_counter
        if time.monotonic() >= self._flash_until:
            self._timer.stop()
            self._flash_phase = False
            self.flash_counter = None
            self._update_cell(number)
            self.flash_changed.emit(False)
            return
        self._flash_phase = not self._flash_phase
        self._update_cell(number)

    def _update_cell(self, number: int | None) -> None:
        rect = self._cell_rects.get(number) if number is not None else None
        if rect is None:
            self.update()
        else:
            self.update(rect.toAlignedRect().adjusted(-2, -2, 2, 2))

    def set_cells(self, cells: tuple[CounterCell, ...], highlight: tuple[int, str] | None) -> None:
        if (cells, highlight) != (self.cells, self.highlight):
            self.cells, self.highlight = cells, highlight
            self.update()

    def layout_cells(self, area: QRectF) -> tuple[int, int]:
        """Columns and rows that give the biggest ticket numbers for this many counters."""
        n = max(1, len(self.cells))
        gap = self.u(0.012)
        best, best_score = (1, n), -1.0
        for cols in range(1, n + 1):
            rows = math.ceil(n / cols)
            cw = (area.width() - gap * (cols - 1)) / cols
            ch = (area.height() - gap * (rows - 1)) / rows
            badge = min(ch, cw * 0.34)
            score = min(ch * 0.48, (cw - badge) / 2.9)
            if score > best_score + 0.5:
                best, best_score = (cols, rows), score
        return best

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = self._begin()
        rect = QRectF(self.rect())
        _rounded(painter, rect, self.u(0.018), P.PANEL_DARK)
        top = self._title(painter, rect, both_line("CÁC QUẦY"))
        area = QRectF(rect.x() + self.u(0.014), top + self.u(0.004), rect.width() - self.u(0.028),
                      rect.bottom() - top - self.u(0.018))
        if not self.cells:
            painter.end()
            return
        cols, rows = self.layout_cells(area)
        gap = self.u(0.012)
        cw = (area.width() - gap * (cols - 1)) / cols
        ch = (area.height() - gap * (rows - 1)) / rows
        self._cell_rects = {}
        for index, cell in enumerate(self.cells):
            r, c = divmod(index, cols)
            box = QRectF(area.x() + c * (cw + gap), area.y() + r * (ch + gap), cw, ch)
            self._cell_rects[cell.number] = box
            if box.intersects(QRectF(event.rect())):
                self._paint_cell(painter, box, cell)
        painter.end()

    def _paint_cell(self, painter: QPainter, box: QRectF, cell: CounterCell) -> None:
        radius = self.u(0.012)
        bright = self._flash_phase and cell.number == self.flash_counter
        _rounded(painter, box, radius, P.CALL_FLASH_BG if bright else P.PANEL)
        if self.highlight and cell.code and (cell.number, cell.code) == self.highlight:
            pen_w = max(2.0, self.u(0.005))
            painter.setPen(P.ACCENT)
            pen = painter.pen()
            pen.setWidthF(pen_w)
            painter.setPen(pen)
            painter.setBrush(Qt.NoBrush)
            painter.drawRoundedRect(box.adjusted(pen_w / 2, pen_w / 2, -pen_w / 2, -pen_w / 2), radius, radius)
        h = box.height()
        badge = QRectF(box.x(), box.y(), min(h, box.width() * 0.34), h)
        _rounded(painter, badge.adjusted(h * 0.06, h * 0.06, -h * 0.03, -h * 0.06), radius * 0.8, P.PANEL_DARK)
        P.draw_text(painter, QRectF(badge.x(), badge.y() + h * 0.08, badge.width(), h * 0.2), both("QUẦY")[0], h * 0.15,
                    bold=True, color=P.MUTED, align=Qt.AlignCenter)
        P.draw_text(painter, QRectF(badge.x() + h * 0.06, badge.y() + h * 0.26, badge.width() - h * 0.09, h * 0.62),
                    str(cell.number), h * 0.5, bold=True, color=P.ACCENT, align=Qt.AlignCenter)
        body = QRectF(badge.right() + h * 0.08, box.y(), box.right() - badge.right() - h * 0.16, h)
        P.draw_text(painter, QRectF(body.x(), box.y() + h * 0.06, body.width(), h * 0.22), cell.name, h * 0.15,
                    color=QColor("#3e2723") if bright else P.MUTED, align=Qt.AlignLeft | Qt.AlignVCenter)
        main = QRectF(body.x(), box.y() + h * 0.26, body.width(), h * 0.68)
        if cell.code:
            P.draw_text(painter, main, cell.code, h * 0.5, bold=True, color=QColor("#7f0000") if bright else P.WHITE,
                        align=Qt.AlignCenter)
        elif cell.paused:
            paused, paused_2 = both("Tạm dừng")
            P.draw_text(painter, QRectF(main.x(), main.y(), main.width(), main.height() * 0.6), paused,
                        h * 0.27, bold=True, color=P.PAUSED, align=Qt.AlignCenter)
            P.draw_text(painter, QRectF(main.x(), main.y() + main.height() * 0.58, main.width(), main.height() * 0.36),
                        paused_2, h * 0.17, color=P.PAUSED, align=Qt.AlignCenter)
        else:
            P.draw_text(painter, main, "—", h * 0.45, bold=True, color=P.MUTED, align=Qt.AlignCenter)


class RecentCalls(_Panel):
    """The calls before the newest one, newest first, in two columns."""

    ROWS = 4
    COLUMNS = 2

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.calls: tuple[CallEntry, ...] = ()

    @property
    def capacity(self) -> int:
        return self.ROWS * self.COLUMNS

    def set_calls(self, calls: tuple[CallEntry, ...]) -> None:
        calls = tuple(calls[: self.capacity])
        if calls != self.calls:
            self.calls = calls
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = self._begin()
        rect = QRectF(self.rect())
        _rounded(painter, rect, self.u(0.018), P.PANEL_DARK)
        top = self._title(painter, rect, both_line("VỪA GỌI (số → quầy)"))
        area = QRectF(rect.x() + self.u(0.02), top, rect.width() - self.u(0.04), rect.bottom() - top - self.u(0.012))
        col_w = area.width() / self.COLUMNS
        row_h = area.height() / self.ROWS
        px = min(row_h * 0.72, self.u(0.05))
        for index, call in enumerate(self.calls):
            c, r = divmod(index, self.ROWS)
            cell = QRectF(area.x() + c * col_w, area.y() + r * row_h, col_w, row_h)
            if r % 2 == 0:
                _rounded(painter, cell.adjusted(self.u(0.004), self.u(0.003), -self.u(0.004), -self.u(0.003)),
                         self.u(0.008), P.PANEL)
            P.draw_text(painter, QRectF(cell.x() + self.u(0.012), cell.y(), cell.width() * 0.55, row_h), call.code,
                        px, bold=True, color=P.WHITE)
            if call.appointment:  # the appointment mark after the code's end: its slot time over "hẹn"
                mark = QRectF(cell.x() + cell.width() * 0.36, cell.y() + row_h * 0.08, cell.width() * 0.2,
                              row_h * 0.84)
                if call.slot:
                    P.draw_text(painter, mark, call.slot, px * 0.42, bold=True, color=P.ACCENT,
                                align=Qt.AlignLeft | Qt.AlignTop)
                P.draw_text(painter, mark, both("hẹn")[0], px * 0.42, bold=True, color=P.ACCENT,
                            align=Qt.AlignLeft | Qt.AlignBottom)
            P.draw_text(painter, QRectF(cell.x() + cell.width() * 0.55, cell.y(), cell.width() * 0.42, row_h),
                        f"→ {call.counter}", px, bold=True, color=P.ACCENT, align=Qt.AlignRight | Qt.AlignVCenter)
        painter.end()


class WaitingPanel(_Panel):
    """How many people wait for each service."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services: tuple[ServiceCount, ...] = ()

    def set_services(self, services: tuple[ServiceCount, ...]) -> None:
        if services != self.services:
            self.services = services
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = self._begin()
        rect = QRectF(self.rect())
        _rounded(painter, rect, self.u(0.018), P.PANEL_DARK)
        top = self._title(painter, rect, both_line("ĐANG CHỜ (người)"))
        n = len(self.services)
        if n:
            columns = 1 if n <= 3 else 2
            rows = math.ceil(n / columns)
            area = QRectF(rect.x() + self.u(0.014), top, rect.width() - self.u(0.028),
                          rect.bottom() - top - self.u(0.012))
            gap = self.u(0.01)
            col_w = (area.width() - gap * (columns - 1)) / columns
            row_h = area.height() / rows
            scale = min(1.0, row_h / self.u(0.075))
            count_w = self.u(0.11)
            text_w = (col_w - count_w - self.u(0.03))
            # one size for the names so the list reads as a table; only a name much longer than
            # the others is drawn smaller than that (draw_text shrinks it to fit)
            name_px = _common_px([s.name for s in self.services], self.u(0.029) * scale, text_w, bold=True)
            en_px = _common_px([s.name_en for s in self.services], self.u(0.021) * scale, text_w)
            for index, svc in enumerate(self.services):
                c, r = divmod(index, rows)
                cell = QRectF(area.x() + c * (col_w + gap), area.y() + r * row_h, col_w, row_h)
                inner = cell.adjusted(0, self.u(0.003), 0, -self.u(0.003))
                _rounded(painter, inner, self.u(0.008), P.PANEL)
                P.draw_text(painter, QRectF(inner.x() + self.u(0.015), inner.y() + inner.height() * 0.06, text_w,
                                            inner.height() * 0.5), svc.name, name_px, bold=True,
                            color=P.WHITE)
                P.draw_text(painter, QRectF(inner.x() + self.u(0.015), inner.y() + inner.height() * 0.54, text_w,
                                            inner.height() * 0.4), svc.name_en, en_px, color=P.MUTED)
                P.draw_text(painter, QRectF(inner.right() - count_w - self.u(0.015), inner.y(), count_w,
                                            inner.height()),
                            str(svc.waiting), self.u(0.05) * scale, bold=True,
                            color=P.ACCENT if svc.waiting else P.MUTED, align=Qt.AlignRight | Qt.AlignVCenter)
        painter.end()


def _common_px(texts: list[str], px: float, width: float, *, bold: bool = False) -> int:
    """The size all ``texts`` share: the smallest fitting one, but not below 85 % of ``px``."""
    fitted = min((P.fitted_font(t, px, width, bold=bold).pixelSize() for t in texts), default=int(px))
    return min(int(px), max(fitted, int(px * 0.85)))


class NoticeTicker(_Panel):
    """The site's notice: still when it fits the screen, scrolling right to left when it does not.

    Scrolling costs no Python per frame: the text is rendered once into a strip of copies, a
    ``QScrollArea`` shows a window of it, and the hidden scroll bar's own repeat timer
    (``QAbstractSlider.setRepeatAction``, the auto-repeat of a held arrow button) adds a fixed
    whole number of pixels per frame.  Qt blits the moved pixels and paints only the exposed
    edge.  Once a second a Python timer moves the strip back by one copy when it has gone
    past one (the strip is periodic, so that jump is invisible).

    The frame rate is what costs (docs/performance.md: about 0.025 % of a core per frame per
    second, whatever the frame does), so frames are few but even: ``TICKER_FPS`` frames a second,
    each the same step (6 px at 1080 lines), instead of 25 time-based frames of 3 to 6 px.
    """

    SEPARATOR = "      •      "

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WA_OpaquePaintEvent, True)
        self.text = ""
        self.step_px = 0                #: pixels per frame while scrolling
        self.frame_ms = 0               #: milliseconds between frames while scrolling
        self._period = 0                #: width of one copy of the text (+ separator) in the strip
        self._lead = 0
        self._strip = QLabel()
        self._strip.setAttribute(Qt.WA_OpaquePaintEvent, True)
        self._area = QScrollArea(self)
        self._area.setFrameShape(QFrame.NoFrame)
        self._area.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self._area.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self._area.setFocusPolicy(Qt.NoFocus)
        self._area.setWidget(self._strip)
        self._area.hide()
        self._wrap = QTimer(self)
        self._wrap.setInterval(WRAP_CHECK_MS)
        self._wrap.timeout.connect(self._wrap_around)

    @property
    def scrolling(self) -> bool:
        return self._wrap.isActive()

    def set_text(self, text: str) -> None:
        if text != self.text:
            self.text = text
            self._rebuild()

    def set_unit(self, board_height: int) -> None:
        super().set_unit(board_height)
        self._rebuild()

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._rebuild()

    def hideEvent(self, event) -> None:
        self._stop()

    def showEvent(self, event) -> None:
        self._rebuild()

    def _font(self):
        return P.fitted_font(self.text or " ", self.u(0.042), 1e9, self.height() * 0.9, bold=True)

    def _bar(self) -> QScrollBar:
        # asked for each time, never kept: a kept wrapper of this Qt-owned child crashed at exit
        return self._area.horizontalScrollBar()

    def _stop(self) -> None:
        self._bar().setRepeatAction(QAbstractSlider.SliderNoAction)
        self._wrap.stop()

    @Slot()
    def _wrap_around(self) -> None:
        """Move back by one copy once past one: the same pixels, so nothing visible happens."""
        value = self._bar().value()
        if self._period and value >= self._lead + self._period:
            self._bar().setValue(value - self._period)

    def frame_plan(self) -> tuple[int, int]:
        """(pixels per frame, ms per frame): a whole number of pixels, about ``TICKER_FPS`` frames a second."""
        speed = max(1.0, self.u(TICKER_SPEED))                    # pixels per second
        step = max(1, round(speed / TICKER_FPS))
        return step, max(1, round(step * 1000 / speed))

    def _rebuild(self) -> None:
        """Render the text once; scrolling then only moves the strip."""
        self._stop()
        self._area.hide()
        if not self.text or self.width() <= 0 or self.height() <= 0:
            self.update()
            return
        from PySide6.QtGui import QFontMetricsF

        font = self._font()
        if QFontMetricsF(font).horizontalAdvance(self.text) <= self.width() - self.u(0.05):
            self.update()
            return
        label = self.text + self.SEPARATOR
        label_w = math.ceil(QFontMetricsF(font).horizontalAdvance(label))
        lead = int(self.u(0.02))                             # starts readable at the left edge
        # enough copies to fill the screen from any offset up to two copies in: the wrap timer
        # has a whole copy of travel (many seconds) to notice it went past one
        copies = math.ceil((self.width() + lead) / label_w) + 2
        ratio = self.devicePixelRatioF()
        strip_w = lead + label_w * copies
        pixmap = QPixmap(int(strip_w * ratio), int(self.height() * ratio))
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(P.TICKER_BG)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.TextAntialiasing, True)
        painter.setFont(font)
        painter.setPen(P.TICKER_FG)
        for i in range(copies):
            painter.drawText(QRectF(lead + i * label_w, 0, label_w, self.height()),
                             int(Qt.AlignLeft | Qt.AlignVCenter), label)
        painter.end()
        self._strip.setPixmap(pixmap)
        self._strip.resize(strip_w, self.height())
        self._area.setGeometry(self.rect())
        self._area.show()
        self._period, self._lead = label_w, lead
        self.step_px, self.frame_ms = self.frame_plan()
        self._bar().setRange(0, strip_w - self.width())
        self._bar().setValue(0)
        if self.isVisible():
            self._bar().setSingleStep(self.step_px)      # set last: the scroll area sets its own on layout
            self._bar().setRepeatAction(QAbstractSlider.SliderSingleStepAdd, self.frame_ms, self.frame_ms)
            self._wrap.start()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), P.TICKER_BG)
        if self.text and not self._area.isVisible():
            painter.setRenderHint(QPainter.TextAntialiasing, True)
            P.draw_text(painter, QRectF(self.rect()), self.text, self.u(0.042), bold=True, color=P.TICKER_FG,
                        align=Qt.AlignCenter)
        painter.end()


class BoardWindow(QWidget):
    """The whole board; lays its panels out as fractions of its own size."""

    def __init__(self, parent: QWidget | None = None, *, clock=time.time) -> None:
        super().__init__(parent)
        self.setWindowTitle(both_line("Bảng gọi số"))
        self.setAttribute(Qt.WA_OpaquePaintEvent, True)
        self.header = HeaderBar(self, clock=clock)
        self.now_calling = NowCallingPanel(self)
        self.recent = RecentCalls(self)
        self.counters = CounterGrid(self)
        self.waiting = WaitingPanel(self)
        self.ticker = NoticeTicker(self)
        self.clock_banner = ClockSkewBanner(self)  # over the header while this PC's clock is off
        self.view = BoardView()
        self.resize(1280, 720)

    # -- slots
    @Slot(object)
    def show_view(self, view: BoardView) -> None:
        self.view = view
        if view.loaded:
            self.header.set_site(view.site_name, view.site_name_en, view.timezone)
        self.now_calling.show_call(view.now_calling, view.loaded)
        newest = view.now_calling
        self.counters.set_cells(view.counters, (newest.counter, newest.code) if newest else None)
        self.recent.set_calls(view.recent[1:] if newest and view.recent and view.recent[0] == newest else view.recent)
        self.waiting.set_services(view.services)
        self.ticker.set_text((view.notice or "  •  ".join(both(TEXT_DEFAULT_NOTICE))) if view.loaded else "")

    @Slot(object)
    def on_call(self, call: CallEntry) -> None:
        """A (re)call reached the board: the visual call signal (panel and the counter's tile flash)."""
        self.now_calling.flash()
        self.counters.flash(call.counter)

    def set_flash_s(self, seconds: float) -> None:
        """How long a new call flashes (the site's ``[display] flash_s``; 0 = not at all)."""
        self.now_calling.flash_s = self.counters.flash_s = max(0.0, float(seconds))

    @Slot(bool)
    def set_online(self, online: bool) -> None:
        self.header.set_online(online)

    @Slot(str)
    def set_voice_status(self, text: str) -> None:
        self.header.set_voice_status(text)

    # -- layout
    def resizeEvent(self, event: QResizeEvent) -> None:
        w, h = self.width(), self.height()
        pad = PAD * h
        header_h = round(HEADER_H * h)
        ticker_h = round(TICKER_H * h)
        body_top = header_h + pad
        self.clock_banner.setGeometry(0, 0, w, max(1, header_h // 2))
        self.clock_banner.raise_()
        body_h = h - header_h - ticker_h - 2 * pad
        left_w = LEFT_COLUMN_W * w - 1.5 * pad
        right_x = pad + left_w + pad
        right_w = w - right_x - pad
        now_h = NOW_PANEL_SHARE * body_h - pad / 2
        counters_h = COUNTERS_SHARE * body_h - pad / 2
        for panel in (self.header, self.now_calling, self.recent, self.counters, self.waiting, self.ticker):
            panel.set_unit(h)
        self.header.setGeometry(0, 0, w, header_h)
        self.ticker.setGeometry(0, h - ticker_h, w, ticker_h)
        self.now_calling.setGeometry(QRectF(pad, body_top, left_w, now_h).toRect())
        self.recent.setGeometry(QRectF(pad, body_top + now_h + pad, left_w, body_h - now_h - pad).toRect())
        self.counters.setGeometry(QRectF(right_x, body_top, right_w, counters_h).toRect())
        self.waiting.setGeometry(QRectF(right_x, body_top + counters_h + pad, right_w,
                                        body_h - counters_h - pad).toRect())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(event.rect(), P.BG)
        painter.end()
