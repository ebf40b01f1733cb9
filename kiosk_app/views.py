"""The kiosk's widgets: they draw a ``KioskState`` and report taps, nothing more.

No widget here reads the database or decides anything: taps go out as
signals (``KioskWindow.tile_tapped`` ...), the controller answers with a new
state, and ``KioskWindow.render(state)`` redraws.  Sizes derive from one unit,
1 % of the window's shorter side, so the same layout fills a 1080x1920
portrait stand and a 1920x1080 landscape screen with the same physical touch
targets (every button at least ~9 % of the short side, well over the 2 cm a
shaky finger needs on a 21" screen).
"""

from __future__ import annotations

import math
import time
from dataclasses import replace
from functools import lru_cache

import qrcode
from PySide6.QtCore import QRect, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFontMetrics, QImage, QMouseEvent, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import (
    QAbstractButton,
    QBoxLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk_app import texts
from kiosk_app.controller import KioskState, Screen, Tile
from kiosk_app.look import NORMAL, SPEAKER_SVG, STOP_SVG, YELLOW, Look, icon_image
from ui_common import theme
from ui_common.widgets import ClockSkewBanner

DISABLED_BG = QColor("#cfd8dc")
DISABLED_FG = QColor("#455a64")
BANNER_BG = "#e65100"
PAGE_BG = theme.LIGHT
SCAN_GAP_S = 1.0             # a scanner types a whole code well within this
SCAN_MAX = 2000              # the longest QR text we accept
APPOINTMENT = "#00796b"      # the appointment mark: teal, apart from priority red (as on the counter)


def field_colour(index: int) -> QColor:
    return QColor(theme.FIELD_COLOURS[index % len(theme.FIELD_COLOURS)])


def look_of(widget: QWidget) -> Look:
    """The look of the window ``widget`` is in (``KioskWindow.look``); the normal one elsewhere."""
    return getattr(widget.window(), "look", NORMAL)


@lru_cache(maxsize=512)
def _fit(text: str, width: int, height: int, max_px: int, min_px: int, bold: bool) -> tuple[int, int]:
    """Largest pixel size (and its wrapped height) at which ``text`` fits the box."""
    px = max_px
    flags = int(Qt.TextWordWrap | Qt.AlignHCenter)
    while True:
        font = theme.font(px, bold=bold)
        rect = QFontMetrics(font).boundingRect(QRect(0, 0, max(width, 1), 100000), flags, text)
        if (rect.height() <= height and rect.width() <= width) or px <= min_px:
            return px, rect.height()
        px = max(min_px, int(px * 0.92))


class BigButton(QAbstractButton):
    """A large rounded button drawn by hand, its text fitted to whatever size it gets.

    Hand-painted rather than styled so that long Vietnamese service names
    shrink to fit instead of being clipped, whatever the screen.
    """

    def __init__(self, name: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setFocusPolicy(Qt.NoFocus)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        self._title = ""
        self._detail = ""
        self._badge = ""
        self._bg = QColor(theme.NAVY)
        self._fg = QColor(theme.WHITE)
        self._border: QColor | None = None
        self._check: bool | None = None
        self._highlight = False
        self._align = Qt.AlignHCenter
        self._title_px = 40
        self._detail_px = 22
        self._badge_px = 24
        self._icon: str | None = None

    def configure(self, *, title: str, detail: str = "", badge: str = "", bg: QColor | str = theme.NAVY,
                  fg: QColor | str = theme.WHITE, border: QColor | str | None = None, check: bool | None = None,
                  align: Qt.AlignmentFlag = Qt.AlignHCenter, highlight: bool = False, icon: str | None = None) -> None:
        """``highlight`` keeps the colours while disabled (the button whose ticket is printing);
        ``icon`` is a pictogram (kiosk_app.look), drawn left of the text on a wide button, above it on a tall one."""
        self._title, self._detail, self._badge = title, detail, badge
        self._icon = icon
        self._highlight = highlight
        self._bg, self._fg = QColor(bg), QColor(fg)
        self._border = QColor(border) if border is not None else None
        self._check = check
        self._align = align
        self.setText(title)
        self.setAccessibleName(title)
        self.update()

    def set_sizes(self, title_px: float, detail_px: float = 0, badge_px: float = 0) -> None:
        self._title_px, self._detail_px, self._badge_px = int(title_px), int(detail_px), int(badge_px)
        self.update()

    @property
    def detail(self) -> str:
        return self._detail

    @property
    def icon(self) -> str | None:
        return self._icon

    @property
    def title_px(self) -> int:
        return self._title_px

    @property
    def badge(self) -> str:
        return self._badge

    def sizeHint(self) -> QSize:
        return QSize(self._title_px * 6, int(self._title_px * 2.4))

    def minimumSizeHint(self) -> QSize:
        return QSize(self._title_px * 2, self._title_px)

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.Antialiasing)
        rect = QRectF(self.rect()).adjusted(2, 2, -2, -2)
        radius = min(rect.width(), rect.height()) * 0.09
        enabled = self.isEnabled() or self._highlight
        contrast = look_of(self).high_contrast
        pen_w = max(3, self._title_px * 0.08)
        if contrast:
            # White and yellow on black; a chosen toggle (or the printing tile) is yellow with black text.
            chosen = self._check is True or (self._highlight and not self.isEnabled())
            bg = QColor(YELLOW if chosen else "#000000")
            fg = QColor("#000000" if chosen else (theme.WHITE if enabled else "#bdbdbd"))
            rect = rect.adjusted(pen_w / 2, pen_w / 2, -pen_w / 2, -pen_w / 2)
            p.setPen(QPen(QColor(theme.WHITE if enabled else "#9e9e9e"), pen_w,
                          Qt.SolidLine if enabled else Qt.DashLine))
        else:
            bg = QColor(self._bg) if enabled else DISABLED_BG
            fg = self._fg if enabled else DISABLED_FG
            p.setPen(QPen(self._border, pen_w) if self._border is not None else Qt.NoPen)
        if self.isDown():
            bg = bg.darker(125) if bg.lightness() > 40 else QColor("#424242")
        p.setBrush(bg)
        p.drawRoundedRect(rect, radius, radius)

        pad = max(8, int(min(rect.width(), rect.height()) * 0.08))
        inner = rect.adjusted(pad, pad * 0.8, -pad, -pad * 0.8).toRect()
        if self._check is not None:
            box = int(min(inner.height() * 0.62, self._title_px * 1.3))
            top = inner.top() + (inner.height() - box) // 2
            inner.setLeft(inner.left() + pad // 2)
            square = QRectF(inner.left(), top, box, box)
            p.setPen(QPen(fg, max(3, box * 0.09)))
            p.setBrush(Qt.NoBrush if not self._check else fg)
            p.drawRoundedRect(square, box * 0.15, box * 0.15)
            if self._check:
                path = QPainterPath()
                path.moveTo(square.left() + box * 0.22, square.top() + box * 0.52)
                path.lineTo(square.left() + box * 0.42, square.top() + box * 0.72)
                path.lineTo(square.left() + box * 0.80, square.top() + box * 0.28)
                p.setPen(QPen(bg, max(4, box * 0.13), Qt.SolidLine, Qt.RoundCap, Qt.RoundJoin))
                p.drawPath(path)
            inner.setLeft(inner.left() + box + pad)
        if self._icon:
            self._draw_icon(p, inner, pad, fg)

        badge_h = int(min(self._badge_px * 1.7, inner.height() * 0.34)) if self._badge else 0
        gap = int(self._title_px * 0.25)
        avail = inner.height() - (badge_h + gap if badge_h else 0)
        halign = self._align
        title_share = 0.62 if self._detail else 1.0
        t_px, t_h = _fit(self._title, inner.width(), int(avail * title_share), self._title_px, 9, True)
        d_px, d_h = 0, 0
        if self._detail:
            d_px, d_h = _fit(self._detail, inner.width(), max(avail - t_h - gap, 1), self._detail_px,
                             max(11, int(self._detail_px * 0.6)), False)
            if d_h > avail - t_h - gap:
                d_px, d_h = 0, 0           # no room: the title alone is better than a clipped line ...
                t_px, t_h = _fit(self._title, inner.width(), avail, self._title_px, 9, True)    # ... and larger
        block = t_h + (gap + d_h if d_h else 0)
        y = inner.top() + max(-int(pad * 0.8), (avail - block) // 2)     # too tall: into the padding, centred
        p.setPen(fg)
        p.setFont(theme.font(t_px, bold=True))
        p.drawText(QRect(inner.left(), y, inner.width(), t_h), int(Qt.TextWordWrap | halign | Qt.AlignVCenter),
                   self._title)
        if d_h:
            p.setFont(theme.font(d_px))
            p.drawText(QRect(inner.left(), y + t_h + gap, inner.width(), d_h),
                       int(Qt.TextWordWrap | halign | Qt.AlignTop), self._detail)
        if badge_h:
            badge_px = min(self._badge_px, int(badge_h / 1.6))
            font = theme.font(badge_px, bold=True)
            while QFontMetrics(font).horizontalAdvance(self._badge) + badge_px * 1.2 > inner.width() and badge_px > 11:
                badge_px = max(11, int(badge_px * 0.92))       # large text: the pill's words shrink, never cut
                font = theme.font(badge_px, bold=True)
            width = min(QFontMetrics(font).horizontalAdvance(self._badge) + badge_px * 2, inner.width())
            left = inner.left() + (inner.width() - width) // 2 if halign == Qt.AlignHCenter else inner.left()
            pill = QRectF(left, inner.bottom() - badge_h, width, badge_h)
            pill_bg = QColor(255, 255, 255, 230) if enabled else QColor(255, 255, 255, 160)
            if contrast:
                pill_bg = QColor(theme.WHITE if enabled else "#bdbdbd")
            p.setPen(Qt.NoPen)
            p.setBrush(pill_bg)
            p.drawRoundedRect(pill, badge_h / 2, badge_h / 2)
            p.setPen(QColor("#000000") if contrast else (QColor(self._bg).darker(140) if enabled else DISABLED_FG))
            p.setFont(font)
            p.drawText(pill, int(Qt.AlignCenter), self._badge)
        p.end()

    def _draw_icon(self, p: QPainter, inner: QRect, pad: int, fg: QColor) -> None:
        """The pictogram left of the text (wide button) or above it (tall one); ``inner`` shrinks by its room."""
        assert self._icon is not None
        wide = inner.width() >= inner.height() * 1.25
        if wide:
            side = int(min(inner.height() * 0.78, inner.width() * 0.24))
        else:
            side = int(min(inner.height() * 0.32, inner.width() * 0.5))
        image = icon_image(self._icon, side, fg.name())
        if image is None:
            return
        if wide:
            p.drawImage(inner.left(), inner.top() + (inner.height() - side) // 2, image)
            inner.setLeft(inner.left() + side + pad)
        else:
            p.drawImage(inner.left() + (inner.width() - side) // 2, inner.top(), image)
            inner.setTop(inner.top() + side + pad // 2)


class CornerHotspot(QWidget):
    """An invisible square in the top-left corner: holding it for 3 s asks for the admin PIN.

    Citizens never find it by accident (a tap does nothing), and it needs no
    keyboard, which a kiosk does not have.
    """

    long_pressed = Signal()
    HOLD_MS = 3000

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("admin-hotspot")
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setTimerType(Qt.PreciseTimer)   # a coarse timer may fire 5 % (150 ms) late
        self._timer.timeout.connect(self.long_pressed)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._timer.start(self.HOLD_MS)
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._timer.stop()
        event.accept()


def _label(*, bold: bool = False, colour: str = theme.TEXT, wrap: bool = True,
           align: Qt.AlignmentFlag = Qt.AlignCenter, name: str = "") -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(wrap)
    label.setAlignment(align)
    label.setStyleSheet(f"color:{colour}; background:transparent;")
    label.setProperty("ink", colour)         # KioskWindow re-inks it for high contrast (kiosk_app.look)
    label.setProperty("bold", bold)
    label.setAttribute(Qt.WA_TransparentForMouseEvents, True)
    return label


def _set_px(label: QLabel, px: float) -> None:
    label.setFont(theme.font(px, bold=bool(label.property("bold"))))


def qr_pixmap(payload: str, size: int) -> QPixmap:
    """The ticket's QR code, crisp (whole pixels per module) and with a quiet zone."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=1, border=4)
    code.add_data(payload)
    code.make(fit=True)
    matrix = code.get_matrix()
    n = len(matrix)
    box = max(1, size // n)
    image = QImage(n * box, n * box, QImage.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setPen(Qt.NoPen)
    painter.setBrush(QColor("black"))
    for y, row in enumerate(matrix):
        for x, cell in enumerate(row):
            if cell:
                painter.drawRect(x * box, y * box, box, box)
    painter.end()
    return QPixmap.fromImage(image)


# ---------------------------------------------------------------- pages

class Page(QWidget):
    """One full screen of the stack; ``set_unit`` rescales, ``render`` redraws."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.unit = 10.0
        self.portrait = True
        self.look = NORMAL           # set by the window before set_unit

    def set_unit(self, unit: float, portrait: bool) -> None:
        self.unit, self.portrait = unit, portrait

    def px(self, k: float) -> float:
        """A text size of ``k`` units, times the large-text factor."""
        return self.unit * k * self.look.text_scale

    def render(self, state: KioskState) -> None:
        raise NotImplementedError


class TileGrid(QWidget):
    """Equal ``BigButton`` tiles in rows of ``columns``, rebuilt only when the tiles or the columns change.

    ``buttons`` maps each tile's key to its button; a tap emits ``tapped`` with the value given for that tile.
    """

    tapped = Signal(str)

    def __init__(self, title_scale: float) -> None:
        super().__init__()
        self._title_scale = title_scale
        self.unit = 10.0
        self.text_scale = 1.0
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.buttons: dict[str, BigButton] = {}
        self._keys: tuple[str, ...] = ()
        self._columns = 0

    def set_unit(self, unit: float, text_scale: float = 1.0) -> None:
        self.unit, self.text_scale = unit, text_scale
        self.grid.setSpacing(int(unit * 2))
        for button in self.buttons.values():
            self._set_sizes(button)
        self._columns = 0            # relayout on next set_tiles

    def _set_sizes(self, button: BigButton) -> None:
        u = self.unit * self.text_scale
        button.set_sizes(u * self._title_scale, u * 2.3, u * 2.5)

    def set_tiles(self, tiles: list[tuple[str, str, str]], columns: int, *, min_rows: int = 0,
                  fill_last_row: bool = False) -> None:
        """``tiles`` are (key, button object name, value ``tapped`` emits), in reading order.

        ``min_rows`` keeps a few tiles from becoming giant slabs; ``fill_last_row`` widens the
        last tile so no hole is left after it.
        """
        keys = tuple(key for key, _, _ in tiles)
        if keys == self._keys and columns == self._columns:
            return
        for button in self.buttons.values():
            self.grid.removeWidget(button)
            button.hide()                # deleteLater runs only when the loop is idle
            button.deleteLater()
        self.buttons.clear()             # in place: the pages hold this same dict
        for i in range(self.grid.rowCount()):
            self.grid.setRowStretch(i, 0)
        for i in range(self.grid.columnCount()):
            self.grid.setColumnStretch(i, 0)
        n = len(tiles)
        for index, (key, name, value) in enumerate(tiles):
            button = BigButton(name)
            self._set_sizes(button)
            button.clicked.connect(lambda _=False, value=value: self.tapped.emit(value))
            self.buttons[key] = button
            row, column = divmod(index, columns)
            span = columns - column if fill_last_row and index == n - 1 else 1
            self.grid.addWidget(button, row, column, 1, span)
        for row in range(max(math.ceil(n / columns) if n else 0, min_rows)):
            self.grid.setRowStretch(row, 1)
        for column in range(columns):
            self.grid.setColumnStretch(column, 1)
        self._keys, self._columns = keys, columns


class HomePage(Page):
    tile_tapped = Signal(str)
    extra_tapped = Signal(str)
    quick_tapped = Signal()

    def __init__(self) -> None:
        super().__init__("page-home")
        self.title = _label(bold=True, colour=theme.NAVY, name="home-title")
        # The one-tap tile: the most common service's ticket straight from the first screen.
        self.quick = BigButton("tile:quick")
        self.quick.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
        self.quick.clicked.connect(self.quick_tapped)
        self.quick.hide()
        self.tiles = TileGrid(title_scale=4.6)
        self.tiles.tapped.connect(self.tile_tapped)
        self.buttons = self.tiles.buttons        # the grid's own dict, always current
        self.extras = TileGrid(title_scale=3.4)  # "Tra cứu hồ sơ", ...: below the services
        self.extras.tapped.connect(self.extra_tapped)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.quick)
        layout.addWidget(self.tiles, 1)
        layout.addWidget(self.extras)

    def set_unit(self, unit: float, portrait: bool) -> None:
        super().set_unit(unit, portrait)
        _set_px(self.title, self.px(3.6))
        spacing = int(unit * 2)
        self.tiles.set_unit(unit, self.look.text_scale)
        self.extras.set_unit(unit, self.look.text_scale)
        self.extras.setFixedHeight(int(unit * 11))
        self.quick.setFixedHeight(int(unit * (17 if portrait else 15)))
        self.quick.set_sizes(self.px(4.8), self.px(3.2), self.px(2.5))
        self.layout().setContentsMargins(spacing, int(unit), spacing, spacing)
        self.layout().setSpacing(int(unit * 1.5))

    def render(self, state: KioskState) -> None:
        lang = state.lang
        self.title.setText(texts.text("home_busy" if state.busy else "choose_field", lang))
        n = len(state.tiles)
        if self.portrait:
            columns = 1 if n <= 3 else 2
        else:
            columns = 2 if n <= 4 else (3 if n <= 9 else 4)
        self.tiles.set_tiles([(t.key, f"tile:{t.key}", t.key) for t in state.tiles], columns, fill_last_row=True)
        for tile in state.tiles:
            _show_tile(self.buttons[tile.key], tile, state)
        self.quick.setVisible(state.quick is not None)
        if state.quick is not None:
            quick = state.quick        # one line, "Lấy số nhanh: Chứng thực, hộ tịch": the service is the point
            title = f"{quick.title.get(lang)}: {quick.detail.get(lang)}" if quick.detail else None
            _show_tile(self.quick, replace(quick, detail=None), state, bg=theme.NAVY, border=theme.GOLD, title=title)
        self.extras.setVisible(bool(state.extras))
        self.extras.set_tiles([(e.key, f"extra:{e.key}", e.key) for e in state.extras], max(1, len(state.extras)))
        for extra in state.extras:
            button = self.extras.buttons[extra.key]
            button.configure(title=extra.title.get(state.lang), detail=extra.detail.get(state.lang),
                             bg=theme.WHITE, fg=theme.NAVY, border=theme.NAVY)
            button.setEnabled(not state.busy)


def _show_tile(button: BigButton, tile: Tile, state: KioskState, *, bg: QColor | str | None = None,
               border: str | None = None, title: str | None = None) -> None:
    lang = state.lang
    if tile.pending:
        badge = texts.text("printing", lang)
    elif tile.reason is not None:
        badge = texts.reason(tile.reason).get(lang)
    else:
        badge = texts.waiting(tile.waiting).get(lang)
    button.configure(title=title or tile.title.get(lang), detail=tile.detail.get(lang) if tile.detail else "",
                     badge=badge, bg=bg or field_colour(tile.colour), border=border, highlight=tile.pending,
                     icon=tile.icon)
    button.setEnabled(tile.enabled and not state.busy)


class ServicesPage(Page):
    service_tapped = Signal(str)
    back_tapped = Signal()

    def __init__(self) -> None:
        super().__init__("page-services")
        self.back = BigButton("back")
        self.back.clicked.connect(self.back_tapped)
        self.back.setSizePolicy(QSizePolicy.Fixed, QSizePolicy.Fixed)
        self.title = _label(bold=True, colour=theme.WHITE, align=Qt.AlignLeft | Qt.AlignVCenter, name="field-title")
        self.head = QWidget()
        self.head.setObjectName("field-head")
        head = QHBoxLayout(self.head)
        head.addWidget(self.back)
        head.addWidget(self.title, 1)
        self.prompt = _label(bold=True, colour=theme.NAVY, name="services-title")
        self.tiles = TileGrid(title_scale=4.4)
        self.tiles.tapped.connect(self.service_tapped)
        self.buttons = self.tiles.buttons        # the grid's own dict, always current
        layout = QVBoxLayout(self)
        layout.addWidget(self.head)
        layout.addWidget(self.prompt)
        layout.addWidget(self.tiles, 1)

    def set_unit(self, unit: float, portrait: bool) -> None:
        super().set_unit(unit, portrait)
        spacing = int(unit * 2)
        self.layout().setContentsMargins(spacing, int(unit), spacing, spacing)
        self.layout().setSpacing(int(unit * 1.5))
        self.tiles.set_unit(unit, self.look.text_scale)
        self.back.setFixedSize(int(unit * 24), int(unit * 9))
        self.back.set_sizes(self.px(3.4))
        self.head.layout().setContentsMargins(int(unit), int(unit), int(unit * 2), int(unit))
        self.head.layout().setSpacing(int(unit * 2))
        _set_px(self.title, self.px(4.2))
        _set_px(self.prompt, self.px(3.2))

    def render(self, state: KioskState) -> None:
        field = state.field
        if field is None:
            return
        lang = state.lang
        colour = field_colour(field.colour)
        radius = int(self.unit * 1.5)
        edge = f" border:{max(2, int(self.unit * 0.4))}px solid white;" if self.look.high_contrast else ""
        self.head.setStyleSheet(f"#field-head {{ background:{self.look.surface(colour)};"
                                f" border-radius:{radius}px;{edge} }}")
        self.back.configure(title=texts.text("back", lang), bg=theme.WHITE, fg=colour.darker(130))
        self.back.setEnabled(not state.busy)
        self.title.setText(field.title.get(lang))
        self.prompt.setText(texts.text("home_busy" if state.busy else "choose_service", lang))
        n = len(field.services)
        if self.portrait:
            columns = 1
        else:
            columns = n if n <= 3 else (2 if n <= 6 else 3)
        # Fewer services than the screen holds do not become giant slabs.
        self.tiles.set_tiles([(t.key, f"service:{t.service}", t.service) for t in field.services], columns,
                             min_rows=4 if self.portrait else 2)
        for tile in field.services:
            _show_tile(self.buttons[tile.key], tile, state)


class FitText(QWidget):
    """One line of text as large as its box allows (up to ``max_px``), placed by its ink.

    The ticket code is the one thing a citizen must read from afar; sizing it
    by its glyphs rather than by font line height gives it every spare pixel
    without ever clipping it, whatever else the screen has to show.
    """

    def __init__(self, name: str, colour: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setAttribute(Qt.WA_TransparentForMouseEvents, True)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        self._text = ""
        self._colour = QColor(colour)
        self._max_px = 200

    def setText(self, text: str) -> None:
        self._text = text
        self.update()

    def text(self) -> str:
        return self._text

    def set_max_px(self, px: float) -> None:
        """Largest size; the widget also asks for that much height (word-wrapped
        neighbours make layouts use height-for-width, which ignores size hints)."""
        self._max_px = int(px)
        self.setMinimumHeight(int(px * 0.78))
        self.update()

    def minimumSizeHint(self) -> QSize:
        return QSize(40, 40)

    def sizeHint(self) -> QSize:
        return QSize(int(self._max_px * 2.5), int(self._max_px * 0.85))

    def paintEvent(self, event) -> None:
        if not self._text:
            return
        px = self._max_px
        while True:
            font = theme.font(px, bold=True)
            ink = QFontMetrics(font).tightBoundingRect(self._text)
            if (ink.width() <= self.width() * 0.96 and ink.height() <= self.height() * 0.94) or px <= 12:
                break
            px = max(12, int(px * 0.94))
        p = QPainter(self)
        p.setRenderHint(QPainter.TextAntialiasing)
        p.setFont(font)
        p.setPen(QColor(look_of(self).ink(self._colour)))
        x = (self.width() - ink.width()) / 2 - ink.left()
        y = (self.height() - ink.height()) / 2 - ink.top()
        p.drawText(int(x), int(y), self._text)
        p.end()


class TicketPage(Page):
    """The confirmation: the number very large, and what to expect.

    When the ticket could not be printed (policy "show"), the same page shows
    it on screen with its QR code, for a phone photo or to note down.
    """

    touched = Signal()
    done = Signal()

    def __init__(self) -> None:
        super().__init__("page-ticket")
        self.headline = _label(bold=True, colour=theme.GREEN, name="ticket-headline")
        self.subline = _label(colour=theme.GREY, name="ticket-subline")
        self.card = QWidget()
        self.card.setObjectName("ticket-card")
        self.card.setAttribute(Qt.WA_StyledBackground, True)
        self.card.setAttribute(Qt.WA_TransparentForMouseEvents, True)
        self.number_label = _label(colour=theme.TEXT, name="ticket-number-label")
        self.code = FitText("ticket-code", theme.NAVY)
        self.badge = _label(bold=True, colour=theme.WHITE, wrap=False, name="ticket-priority")
        self.appointment = _label(bold=True, colour=theme.WHITE, wrap=False, name="ticket-appointment")
        self.service = _label(bold=True, colour=theme.TEXT, name="ticket-service")
        self.ahead = _label(colour=theme.TEXT, name="ticket-ahead")
        self.wait = _label(colour=theme.TEXT, name="ticket-wait")
        self.qr = QLabel()
        self.qr.setObjectName("ticket-qr")
        self.qr.setAlignment(Qt.AlignCenter)
        self.qr.setAttribute(Qt.WA_TransparentForMouseEvents, True)
        self.footer = _label(colour=theme.GREY, name="ticket-footer")
        self.done_button = BigButton("ticket-done")
        self.done_button.clicked.connect(self.done)
        self.done_button.setSizePolicy(QSizePolicy.Fixed, QSizePolicy.Fixed)

        number_row = QHBoxLayout()
        number_row.addStretch(1)
        number_row.addWidget(self.number_label)
        number_row.addWidget(self.badge)
        number_row.addWidget(self.appointment)
        number_row.addStretch(1)
        self.number_row = number_row
        self.number_label.setWordWrap(False)
        info = QVBoxLayout()
        info.addLayout(number_row)
        info.addWidget(self.code, 1)
        info.addWidget(self.service)
        info.addWidget(self.ahead)
        info.addWidget(self.wait)
        self.info = info
        self.body = QBoxLayout(QBoxLayout.TopToBottom, self.card)
        self.body.addLayout(info, 1)
        self.body.addWidget(self.qr, 0, Qt.AlignCenter)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.headline)
        layout.addWidget(self.subline)
        layout.addWidget(self.card)
        layout.addStretch(1)
        layout.addWidget(self.done_button, 0, Qt.AlignHCenter)
        layout.addWidget(self.footer)
        self._qr_payload = ""

    def set_unit(self, unit: float, portrait: bool) -> None:
        super().set_unit(unit, portrait)
        m = int(unit * 3)
        self.layout().setContentsMargins(m, int(unit * 2.5), m, int(unit * 2))
        self.layout().setSpacing(int(unit * 1.2))
        edge = theme.WHITE if self.look.high_contrast else "#cfd8dc"
        self.card.setStyleSheet(f"#ticket-card {{ background:{self.look.surface('white')};"
                                f" border:{max(2, int(unit * 0.3))}px solid {edge};"
                                f" border-radius:{int(unit * 2.5)}px; }}")
        self.body.setDirection(QBoxLayout.TopToBottom if portrait else QBoxLayout.LeftToRight)
        self.body.setContentsMargins(int(unit * 2.5), int(unit * 2), int(unit * 2.5), int(unit * 2))
        self.body.setSpacing(int(unit * 2))
        self.info.setSpacing(int(unit * 1.0))
        self.number_row.setSpacing(int(unit * 2))
        _set_px(self.number_label, self.px(3.2))
        _set_px(self.service, self.px(3.8))
        _set_px(self.ahead, self.px(3.3))
        _set_px(self.wait, self.px(3.3))
        _set_px(self.footer, self.px(2.6))
        _set_px(self.badge, self.px(2.8))
        self.badge.setStyleSheet(f"color:white; background:{theme.RED}; border-radius:{int(unit * 1.5)}px;"
                                 f" padding:{int(unit * 0.5)}px {int(unit * 2.5)}px;")
        _set_px(self.appointment, self.px(2.8))
        self.appointment.setStyleSheet(f"color:white; background:{APPOINTMENT}; border-radius:{int(unit * 1.5)}px;"
                                       f" padding:{int(unit * 0.5)}px {int(unit * 2.5)}px;")
        self.done_button.setFixedSize(int(unit * 36), int(unit * 10))
        self.done_button.set_sizes(self.px(4.2))
        self._qr_payload = ""

    def render(self, state: KioskState) -> None:
        ticket = state.ticket
        if ticket is None:
            return
        lang = state.lang
        other = "en" if lang == "vi" else "vi"
        u = self.unit
        printed = ticket.printed
        if ticket.repeat:
            joiner = "\n" if self.portrait else " — "
            title = texts.bilingual("appointment_repeat_title")
            self.headline.setText(f"{title.get(lang)}{joiner}{title.get(other)}")
            self.subline.setText(f"{texts.text('appointment_repeat_hint', lang)}\n"
                                 f"{texts.text('appointment_repeat_hint', other)}")
            self.headline.setStyleSheet(f"color:{self.look.ink(APPOINTMENT)}; background:transparent;")
            _set_px(self.headline, self.px(3.8))
            _set_px(self.subline, self.px(2.6))
        elif printed:
            self.headline.setText(texts.text("take_ticket", lang))
            self.subline.setText(texts.text("take_ticket", other))
            self.headline.setStyleSheet(f"color:{self.look.ink(theme.GREEN)}; background:transparent;")
            _set_px(self.headline, self.px(6.2))
            _set_px(self.subline, self.px(3.6))
            self.footer.setText(f"{texts.text('touch_to_finish', lang)} / {texts.text('touch_to_finish', other)}")
        else:
            joiner = "\n" if self.portrait else " — "
            title = texts.bilingual("not_printed_title")
            self.headline.setText(f"{title.get(lang)}{joiner}{title.get(other)}")
            self.subline.setText(f"{texts.text('not_printed_hint', lang)}\n{texts.text('not_printed_hint', other)}")
            self.headline.setStyleSheet(f"color:{self.look.ink(theme.RED)}; background:transparent;")
            _set_px(self.headline, self.px(3.8))
            _set_px(self.subline, self.px(2.6))
        self.footer.setVisible(printed)
        self.number_label.setText(texts.text("your_number", lang))
        self.code.setText(ticket.code)
        code_u = (34 if self.portrait else 28) if printed else (24 if self.portrait else 21)
        if not self.portrait:
            code_u /= self.look.text_scale     # large text on a landscape screen: the lines below need the room
        self.code.set_max_px(u * code_u)
        self.badge.setText(texts.text("priority_ticket", lang).upper())
        self.badge.setVisible(ticket.priority)
        self.appointment.setVisible(ticket.appointment is not None)
        if ticket.appointment is not None:
            self.appointment.setText(f"{texts.text('appointment_mark', lang, time=ticket.appointment)} / "
                                     f"{texts.text('appointment_mark', other, time=ticket.appointment)}")
        self.service.setText(ticket.service.get(lang))
        self.ahead.setTextFormat(Qt.RichText)
        self.ahead.setText(f"{texts.text('ahead', lang)}: <b>{ticket.ahead}</b>")
        self.wait.setVisible(ticket.wait is not None)
        if ticket.wait is not None:
            self.wait.setTextFormat(Qt.RichText)
            self.wait.setText(f"{texts.text('estimated_wait', lang)}: <b>{ticket.wait.get(lang)}</b>")
        self.qr.setVisible(not printed)
        if not printed and self._qr_payload != ticket.reference:
            self.qr.setPixmap(qr_pixmap(ticket.reference, int(u * (32 if self.portrait else 36))))
            self._qr_payload = ticket.reference
        self.done_button.setVisible(not printed)
        self.done_button.configure(title=f"{texts.text('done', lang)} / {texts.text('done', other)}", bg=theme.NAVY)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.touched.emit()
        event.accept()


class InfoPage(Page):
    """A full-screen notice in both languages: closed, out of service, a refusal, starting."""

    touched = Signal()
    action = Signal()

    def __init__(self, name: str, colour: str) -> None:
        super().__init__(name)
        self.colour = colour
        self.action_button = BigButton(f"{name}-action")
        self.action_button.setSizePolicy(QSizePolicy.Fixed, QSizePolicy.Fixed)
        self.action_button.clicked.connect(self.action)
        self.action_button.hide()
        self.title = _label(bold=True, colour=colour, name=f"{name}-title")
        self.title_en = _label(bold=True, colour=theme.GREY, name=f"{name}-title-en")
        self.body = _label(colour=theme.TEXT, name=f"{name}-body")
        self.body_en = _label(colour=theme.GREY, name=f"{name}-body-en")
        self.note = _label(colour=theme.GREY, name=f"{name}-note")
        self.footer = _label(colour=theme.GREY, name=f"{name}-footer")
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        for widget in (self.title, self.title_en):
            layout.addWidget(widget)
        layout.addSpacing(20)
        for widget in (self.body, self.body_en, self.note):
            layout.addWidget(widget)
        layout.addSpacing(20)
        layout.addWidget(self.action_button, 0, Qt.AlignHCenter)
        layout.addStretch(3)
        layout.addWidget(self.footer)

    def set_unit(self, unit: float, portrait: bool) -> None:
        super().set_unit(unit, portrait)
        m = int(unit * 5)
        self.layout().setContentsMargins(m, m, m, m)
        self.layout().setSpacing(int(unit * 1.5))
        _set_px(self.title, self.px(7))
        _set_px(self.title_en, self.px(4.2))
        _set_px(self.body, self.px(4))
        _set_px(self.body_en, self.px(3.2))
        _set_px(self.note, self.px(2.8))
        _set_px(self.footer, self.px(2.6))
        self.action_button.setFixedSize(int(unit * (70 if portrait else 60)), int(unit * 11))
        self.action_button.set_sizes(self.px(4.0))

    def show_texts(self, title: texts.Bilingual, body: texts.Bilingual | None = None, note: str = "",
                   footer: str = "") -> None:
        self.title.setText(title.vi)
        self.title_en.setText(title.en)
        self.title_en.setVisible(title.en != title.vi)
        self.body.setText(body.vi if body else "")
        self.body_en.setText(body.en if body else "")
        self.body.setVisible(body is not None)
        self.body_en.setVisible(body is not None and body.en != body.vi)
        self.note.setText(note)
        self.note.setVisible(bool(note))
        self.footer.setText(footer)

    def render(self, state: KioskState) -> None:
        screen = state.screen
        if screen is Screen.CLOSED:
            if state.reopens is not None:
                body = texts.Bilingual(texts.text("closed_reopens", "vi", when=state.reopens.vi),
                                       texts.text("closed_reopens", "en", when=state.reopens.en))
            else:
                body = texts.bilingual("closed_no_reopen")
            note = ""
            if state.hours is not None:
                note = f"{texts.text('opening_hours', 'vi', hours=state.hours.vi)}\n" \
                       f"{texts.text('opening_hours', 'en', hours=state.hours.en)}"
            self.show_texts(texts.bilingual("closed_title"), body, note)
        elif screen is Screen.OFFLINE:
            self.show_texts(texts.bilingual("offline_title"), texts.bilingual("offline_hint"))
        elif screen is Screen.MESSAGE and state.message is not None:
            message = state.message
            note = f"{message.note.vi}\n{message.note.en}" if message.note is not None else ""
            self.show_texts(message.title, message.body, note,
                            footer=f"{texts.text('touch_to_go_back', 'vi')} / {texts.text('touch_to_go_back', 'en')}")
            if message.action == "services":
                self.action_button.configure(
                    title=f"{texts.text('take_ordinary', 'vi')} / {texts.text('take_ordinary', 'en')}", bg=theme.GREEN)
        elif screen is Screen.STARTING:
            self.show_texts(texts.bilingual("starting"))
        self.action_button.setVisible(screen is Screen.MESSAGE and state.message is not None
                                      and state.message.action is not None)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.touched.emit()
        event.accept()


class CodeEntryPage(Page):
    """Scan a code or type it on a large on-screen keyboard (kiosks have no keyboard).

    A scanner's text does not go through these keys: ``KioskWindow`` collects it
    and hands it over whole (``scanned``), because a receipt's QR may be a URL
    with characters no code has.
    """

    key_pressed = Signal(str)
    submitted = Signal()
    back_tapped = Signal()

    ROWS = ("1234567890", "QWERTYUIOP", "ASDFGHJKL", "ZXCVBNM./-")

    def __init__(self) -> None:
        super().__init__("page-code")
        self.prompt = _label(bold=True, colour=theme.NAVY, name="code-prompt")
        self.prompt_en = _label(colour=theme.GREY, name="code-prompt-en")
        self.display = FitText("code-text", theme.NAVY)
        self.display.setObjectName("code-text")
        self.error = _label(bold=True, colour=theme.RED, name="code-error")
        self.keys: dict[str, BigButton] = {}
        self.pad = QGridLayout()
        for row, letters in enumerate(self.ROWS):
            for column, key in enumerate(letters):
                self._add_key(key, key, row, column)
        self._add_key("del", "⌫", 2, 9)
        self.back_button = BigButton("code-back")
        self.back_button.clicked.connect(self.back_tapped)
        self.clear_button = BigButton("code-key-clear")
        self.clear_button.clicked.connect(lambda: self.key_pressed.emit("clear"))
        self.keys["clear"] = self.clear_button
        self.ok_button = BigButton("code-continue")
        self.ok_button.clicked.connect(self.submitted)
        actions = QHBoxLayout()
        actions.addWidget(self.back_button)
        actions.addWidget(self.clear_button)
        actions.addWidget(self.ok_button, 2)
        self.actions = actions
        layout = QVBoxLayout(self)
        layout.addWidget(self.prompt)
        layout.addWidget(self.prompt_en)
        layout.addWidget(self.display)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addLayout(self.pad)
        layout.addStretch(1)
        layout.addLayout(actions)

    def _add_key(self, key: str, label: str, row: int, column: int) -> None:
        button = BigButton(f"code-key-{key}")
        button.configure(title=label, bg=theme.WHITE, fg=theme.NAVY, border="#b0bec5")
        button.clicked.connect(lambda _=False, k=key: self.key_pressed.emit(k))
        self.keys[key] = button
        self.pad.addWidget(button, row, column)

    def set_unit(self, unit: float, portrait: bool) -> None:
        super().set_unit(unit, portrait)
        m = int(unit * 3)
        self.layout().setContentsMargins(m, int(unit * 2), m, m)
        self.layout().setSpacing(int(unit * 1.2))
        _set_px(self.prompt, self.px(3.4))
        _set_px(self.prompt_en, self.px(2.6))
        _set_px(self.error, self.px(2.8))
        self.display.setMinimumHeight(int(unit * 9))
        self.display.set_max_px(unit * 6)
        self.pad.setSpacing(int(unit * 0.8))
        for key, button in self.keys.items():
            if key != "clear":
                button.setFixedHeight(int(unit * (9 if portrait else 6.5)))
                button.set_sizes(self.px(3.8))
        for button in (self.back_button, self.clear_button, self.ok_button):
            button.setFixedHeight(int(unit * 9))
            button.set_sizes(self.px(3.6))

    def render(self, state: KioskState) -> None:
        entry = state.code_entry
        if entry is None:
            return
        self.prompt.setText(entry.prompt.vi)
        self.prompt_en.setText(entry.prompt.en)
        if entry.length is not None and len(entry.text) < entry.length:
            self.display.setText(entry.text + "_" * (entry.length - len(entry.text)))   # the places still to type
        else:
            self.display.setText(entry.text or "…")
        if entry.busy:
            self.error.setText(f"{texts.text('code_checking', 'vi')}\n{texts.text('code_checking', 'en')}")
            self.error.setStyleSheet(f"color:{self.look.ink(theme.NAVY)}; background:transparent;")
        else:
            self.error.setText(f"{entry.error.vi}\n{entry.error.en}" if entry.error is not None else "")
            self.error.setStyleSheet(f"color:{self.look.ink(theme.RED)}; background:transparent;")
        for key, button in self.keys.items():
            usable = entry.keys is None or key in ("del", "clear") or key in entry.keys
            button.setEnabled(usable and not entry.busy)
        for button in (self.back_button, self.ok_button):
            button.setEnabled(not entry.busy)
        self.back_button.configure(title=f"{texts.text('back', 'vi')} / {texts.text('back', 'en').strip('‹ ')}",
                                   bg=theme.GREY)
        self.clear_button.configure(title=f"{texts.text('code_clear', 'vi')} / {texts.text('code_clear', 'en')}",
                                    bg=theme.WHITE, fg=theme.NAVY, border="#b0bec5")
        self.ok_button.configure(title=f"{texts.text('code_continue', 'vi')} / {texts.text('code_continue', 'en')}",
                                 bg=theme.GREEN)


class DossierPage(Page):
    """The province's lookup page for a dossier, as a QR code to scan with a phone, and its link."""

    done = Signal()

    def __init__(self) -> None:
        super().__init__("page-dossier")
        self.title = _label(bold=True, colour=theme.NAVY, name="dossier-title")
        self.title_en = _label(colour=theme.GREY, name="dossier-title-en")
        self.code = _label(bold=True, colour=theme.TEXT, name="dossier-code")
        self.qr = QLabel()
        self.qr.setObjectName("dossier-qr")
        self.qr.setAlignment(Qt.AlignCenter)
        self.hint = _label(colour=theme.TEXT, name="dossier-hint")
        self.url = _label(colour=theme.GREY, name="dossier-url")
        self.url.setTextInteractionFlags(Qt.NoTextInteraction)
        self.done_button = BigButton("dossier-done")
        self.done_button.clicked.connect(self.done)
        self.done_button.setSizePolicy(QSizePolicy.Fixed, QSizePolicy.Fixed)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        for widget in (self.title, self.title_en, self.code):
            layout.addWidget(widget)
        layout.addWidget(self.qr, 0, Qt.AlignCenter)
        layout.addWidget(self.hint)
        layout.addWidget(self.url)
        layout.addStretch(1)
        layout.addWidget(self.done_button, 0, Qt.AlignHCenter)
        self._payload = ""

    def set_unit(self, unit: float, portrait: bool) -> None:
        super().set_unit(unit, portrait)
        m = int(unit * 4)
        self.layout().setContentsMargins(m, m, m, m)
        self.layout().setSpacing(int(unit * 1.5))
        _set_px(self.title, self.px(4.6))
        _set_px(self.title_en, self.px(3.2))
        _set_px(self.code, self.px(3.6))
        _set_px(self.hint, self.px(3.0))
        _set_px(self.url, self.px(2.2))
        self.done_button.setFixedSize(int(unit * 36), int(unit * 10))
        self.done_button.set_sizes(self.px(4.2))
        self._payload = ""

    def render(self, state: KioskState) -> None:
        dossier = state.dossier
        if dossier is None:
            return
        self.title.setText(texts.text("dossier_result", "vi"))
        self.title_en.setText(texts.text("dossier_result", "en"))
        self.code.setText(f"{texts.text('dossier_code', 'vi')} / {texts.text('dossier_code', 'en')}: {dossier.code}")
        if self._payload != dossier.url:
            self.qr.setPixmap(qr_pixmap(dossier.url, int(self.unit * (50 if self.portrait else 40))))
            self._payload = dossier.url
        self.hint.setText(f"{texts.text('dossier_hint', 'vi')}\n{texts.text('dossier_hint', 'en')}")
        self.url.setText(dossier.url)
        self.done_button.configure(title=f"{texts.text('done', 'vi')} / {texts.text('done', 'en')}", bg=theme.NAVY)


class AdminPage(Page):
    """Exit dialog for staff: username and an on-screen digit keypad for the PIN."""

    submitted = Signal(str, str)
    cancelled = Signal()

    def __init__(self) -> None:
        super().__init__("page-admin")
        self.panel = QWidget()
        self.panel.setObjectName("admin-panel")
        self.panel.setStyleSheet("#admin-panel { background:white; border-radius:16px; }")
        self.title = _label(bold=True, colour=theme.NAVY, name="admin-title")
        self.user_label = _label(colour=theme.TEXT, align=Qt.AlignLeft | Qt.AlignVCenter)
        self.user = QLineEdit()
        self.user.setObjectName("admin-user")
        self.users_row = QHBoxLayout()
        self.user_buttons: list[BigButton] = []
        self.pin_label = _label(colour=theme.TEXT, align=Qt.AlignLeft | Qt.AlignVCenter)
        self.pin = QLineEdit()
        self.pin.setObjectName("admin-pin")
        self.pin.setEchoMode(QLineEdit.Password)
        self.error = _label(bold=True, colour=theme.RED, name="admin-error")
        self.keys: dict[str, BigButton] = {}
        pad = QGridLayout()
        for index, key in enumerate(["1", "2", "3", "4", "5", "6", "7", "8", "9", "del", "0", "clear"]):
            button = BigButton(f"admin-key-{key}")
            label = {"del": "⌫", "clear": "C"}.get(key, key)
            button.configure(title=label, bg="#eceff1", fg=theme.NAVY)
            button.clicked.connect(lambda _=False, k=key: self._key(k))
            self.keys[key] = button
            pad.addWidget(button, index // 3, index % 3)
        self.pad = pad
        self.exit_button = BigButton("admin-exit")
        self.exit_button.clicked.connect(lambda: self.submitted.emit(self.user.text().strip(), self.pin.text()))
        self.cancel_button = BigButton("admin-cancel")
        self.cancel_button.clicked.connect(self.cancelled)
        actions = QHBoxLayout()
        actions.addWidget(self.cancel_button)
        actions.addWidget(self.exit_button)
        inner = QVBoxLayout(self.panel)
        inner.addWidget(self.title)
        inner.addWidget(self.user_label)
        inner.addWidget(self.user)
        inner.addLayout(self.users_row)
        inner.addWidget(self.pin_label)
        inner.addWidget(self.pin)
        inner.addLayout(pad)
        inner.addWidget(self.error)
        inner.addLayout(actions)
        self.inner = inner
        self.actions = actions
        outer = QVBoxLayout(self)
        outer.addWidget(self.panel, 0, Qt.AlignCenter)
        self.setStyleSheet("#page-admin { background:#37474f; }")
        self.setAttribute(Qt.WA_StyledBackground, True)
        self._users: tuple[str, ...] = ()
        self._was_busy = False

    def _key(self, key: str) -> None:
        if key == "del":
            self.pin.backspace()
        elif key == "clear":
            self.pin.clear()
        elif len(self.pin.text()) < 12:
            self.pin.setText(self.pin.text() + key)

    def reset(self, users: tuple[str, ...]) -> None:
        """A fresh dialog: first configured user, empty PIN, no error."""
        self.user.setText(users[0] if users else "")
        self.pin.clear()
        self.error.setText("")

    def set_unit(self, unit: float, portrait: bool) -> None:
        super().set_unit(unit, portrait)
        width = int(unit * (80 if portrait else 70))
        self.panel.setFixedWidth(width)
        m = int(unit * 3)
        self.inner.setContentsMargins(m, m, m, m)
        self.inner.setSpacing(int(unit * 1.2))
        _set_px(self.title, unit * 3.6)
        for label in (self.user_label, self.pin_label):
            _set_px(label, unit * 2.6)
        _set_px(self.error, unit * 2.6)
        for edit in (self.user, self.pin):
            edit.setFont(theme.font(unit * 4))
            edit.setFixedHeight(int(unit * 7))
        key_h = int(unit * (9 if portrait else 6.6))
        self.pad.setSpacing(int(unit * 1.2))
        for button in self.keys.values():
            button.setFixedHeight(key_h)
            button.set_sizes(unit * 4.2)
        for button in (self.exit_button, self.cancel_button, *self.user_buttons):
            button.setFixedHeight(int(unit * (8 if button in (self.exit_button, self.cancel_button) else 6.5)))
            button.set_sizes(unit * 3.4)

    def _user_buttons(self, users: tuple[str, ...]) -> None:
        if users == self._users:
            return
        for button in self.user_buttons:
            self.users_row.removeWidget(button)
            button.deleteLater()
        self.user_buttons = []
        if len(users) > 1:
            for name in users:
                button = BigButton(f"admin-user-{name}")
                button.configure(title=name, bg="#eceff1", fg=theme.NAVY)
                button.clicked.connect(lambda _=False, n=name: self.user.setText(n))
                button.setFixedHeight(int(self.unit * 6.5))
                button.set_sizes(self.unit * 3.4)
                self.user_buttons.append(button)
                self.users_row.addWidget(button)
        self._users = users

    def render(self, state: KioskState) -> None:
        self._user_buttons(state.admin_users)
        self.title.setText(f"{texts.text('admin_title', 'vi')}\n{texts.text('admin_title', 'en')}")
        self.user_label.setText(f"{texts.text('admin_user', 'vi')} / {texts.text('admin_user', 'en')}")
        self.pin_label.setText(f"{texts.text('admin_pin', 'vi')} / {texts.text('admin_pin', 'en')}")
        self.exit_button.configure(title=f"{texts.text('admin_exit', 'vi')} / {texts.text('admin_exit', 'en')}",
                                   bg=theme.RED)
        self.cancel_button.configure(title=f"{texts.text('admin_cancel', 'vi')} / {texts.text('admin_cancel', 'en')}",
                                     bg=theme.GREY)
        if state.admin_busy:
            self.error.setText(f"{texts.text('admin_checking', 'vi')} / {texts.text('admin_checking', 'en')}")
        elif state.admin_error is not None:
            self.error.setText(f"{state.admin_error.vi}\n{state.admin_error.en}")
            if self._was_busy:
                self.pin.clear()
        else:
            self.error.setText("")
        self._was_busy = state.admin_busy
        for widget in (self.exit_button, self.cancel_button, *self.keys.values()):
            widget.setEnabled(not state.admin_busy)


class AccessBar(QWidget):
    """On every citizen screen: "Nghe hướng dẫn" (read this screen aloud), "Chữ to", "Tương phản cao".

    The Listen button is the widest (the one most needed by someone who cannot read the rest);
    the two toggles show their state with a check box, not only with a colour.
    """

    listen_tapped = Signal()
    large_text_tapped = Signal()
    contrast_tapped = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("access-bar")
        self.listen = BigButton("listen")
        self.listen.clicked.connect(self.listen_tapped)
        self.large_text = BigButton("large-text")
        self.large_text.clicked.connect(self.large_text_tapped)
        self.contrast = BigButton("high-contrast")
        self.contrast.clicked.connect(self.contrast_tapped)
        row = QHBoxLayout(self)
        row.addWidget(self.listen, 5)
        row.addWidget(self.large_text, 3)
        row.addWidget(self.contrast, 4)

    def set_unit(self, unit: float, look: Look, *, in_header: bool = False) -> None:
        """``in_header``: on a landscape screen the bar sits in the header row (the height is scarce there)."""
        self.setFixedHeight(int(unit * (8.5 if in_header else 11)))
        self.setMinimumWidth(0)                  # never a minimum: a rotated screen must be able to shrink it
        self.setMaximumWidth(int(unit * 86) if in_header else 16777215)
        if in_header:
            self.layout().setContentsMargins(0, 0, int(unit * 0.5), 0)
        else:
            self.layout().setContentsMargins(int(unit * 2), int(unit * 1.2), int(unit * 2), int(unit * 0.4))
        self.layout().setSpacing(int(unit * 1.5))
        for button in (self.listen, self.large_text, self.contrast):
            button.set_sizes(unit * 3.3 * look.text_scale, unit * 2.2 * look.text_scale)

    def render(self, state: KioskState) -> None:
        lang = state.lang
        speaking = state.speaking
        detail = "" if lang == "en" else texts.text("listen_stop" if speaking else "listen", "en")
        if state.speech_failed and not speaking:
            detail = texts.text("listen_failed", lang)       # no voice for this language, a broken clip
        self.listen.configure(title=texts.text("listen_stop" if speaking else "listen", lang), detail=detail,
                              bg=theme.GREEN if not speaking else theme.RED, icon=STOP_SVG if speaking else SPEAKER_SVG)
        self.large_text.configure(title=texts.text("large_text", lang), check=state.large_text, align=Qt.AlignLeft,
                                  bg=theme.WHITE, fg=theme.NAVY, border=theme.NAVY)
        self.contrast.configure(title=texts.text("high_contrast", lang), check=state.high_contrast,
                                align=Qt.AlignLeft, bg=theme.WHITE, fg=theme.NAVY, border=theme.NAVY)


# ---------------------------------------------------------------- the window

class KioskWindow(QWidget):
    """The kiosk's only window: header, printer banner, one page, priority toggle.

    It cannot be closed by a citizen: ``closeEvent`` (Alt+F4, a window
    manager's close) is ignored until ``allow_close()`` after an admin PIN.
    """

    tile_tapped = Signal(str)
    service_tapped = Signal(str)
    back_tapped = Signal()
    language_tapped = Signal()
    priority_tapped = Signal()
    ticket_touched = Signal()
    ticket_done = Signal()
    message_touched = Signal()
    message_action = Signal()
    admin_requested = Signal()
    admin_submitted = Signal(str, str)
    admin_cancelled = Signal()
    extra_tapped = Signal(str)
    code_key = Signal(str)
    code_submitted = Signal()
    code_back = Signal()
    scanned = Signal(str)
    dossier_done = Signal()
    quick_tapped = Signal()
    listen_tapped = Signal()
    large_text_tapped = Signal()
    contrast_tapped = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("kiosk-window")
        self._scan_buffer = ""
        self._scan_last = 0.0
        self.setWindowTitle("onestop kiosk")
        self.setAttribute(Qt.WA_StyledBackground, True)
        self.setStyleSheet(f"#kiosk-window {{ background:{PAGE_BG}; }}")
        self._allow_close = False
        self._state: KioskState | None = None
        self._unit = 0.0
        self._portrait: bool | None = None
        self.look = NORMAL

        self.header = QWidget()
        self.header.setObjectName("header")
        self.header.setAttribute(Qt.WA_StyledBackground, True)
        self.header.setStyleSheet(f"#header {{ background:{theme.NAVY}; }}")
        self.site_name = _label(bold=True, colour=theme.WHITE, align=Qt.AlignLeft | Qt.AlignVCenter, name="site-name")
        self.site_name_en = _label(colour="#cfd8dc", align=Qt.AlignLeft | Qt.AlignVCenter, name="site-name-en")
        names = QVBoxLayout()
        names.setSpacing(0)
        names.addWidget(self.site_name)
        names.addWidget(self.site_name_en)
        self.language = BigButton("language")
        self.language.setSizePolicy(QSizePolicy.Fixed, QSizePolicy.Fixed)
        self.language.clicked.connect(self.language_tapped)
        head = QHBoxLayout(self.header)
        head.addLayout(names, 1)
        head.addWidget(self.language)

        self.banner = _label(bold=True, colour=theme.WHITE, name="printer-banner")
        self.banner.setAttribute(Qt.WA_StyledBackground, True)
        self.banner.hide()
        self.access = AccessBar()
        self.access.listen_tapped.connect(self.listen_tapped)
        self.access.large_text_tapped.connect(self.large_text_tapped)
        self.access.contrast_tapped.connect(self.contrast_tapped)

        self.home = HomePage()
        self.services = ServicesPage()
        self.ticket = TicketPage()
        self.closed = InfoPage("page-closed", theme.NAVY)
        self.offline = InfoPage("page-offline", theme.RED)
        self.message = InfoPage("page-message", "#e65100")
        self.starting = InfoPage("page-starting", theme.NAVY)
        self.admin = AdminPage()
        self.code_entry = CodeEntryPage()
        self.dossier = DossierPage()
        self.stack = QStackedWidget()
        self.pages = {
            Screen.HOME: self.home, Screen.SERVICES: self.services, Screen.TICKET: self.ticket,
            Screen.CLOSED: self.closed, Screen.OFFLINE: self.offline, Screen.MESSAGE: self.message,
            Screen.STARTING: self.starting, Screen.ADMIN: self.admin,
            Screen.CODE_ENTRY: self.code_entry, Screen.DOSSIER: self.dossier,
        }
        for page in self.pages.values():
            # Hidden pages must not impose their minimum size on the window
            # (the screen's size is given; each page fits itself into it).
            page.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Ignored)
            self.stack.addWidget(page)

        self.priority = BigButton("priority")
        self.priority.clicked.connect(self.priority_tapped)
        self.priority.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
        self.footer = QWidget()
        foot = QHBoxLayout(self.footer)
        foot.addWidget(self.priority)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(self.access)
        layout.addWidget(self.banner)
        self.clock_banner = ClockSkewBanner()
        layout.addWidget(self.clock_banner)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.footer)

        self.home.tile_tapped.connect(self.tile_tapped)
        self.home.quick_tapped.connect(self.quick_tapped)
        self.services.service_tapped.connect(self.service_tapped)
        self.services.back_tapped.connect(self.back_tapped)
        self.ticket.touched.connect(self.ticket_touched)
        self.ticket.done.connect(self.ticket_done)
        self.message.touched.connect(self.message_touched)
        self.message.action.connect(self.message_action)
        self.admin.submitted.connect(self.admin_submitted)
        self.admin.cancelled.connect(self.admin_cancelled)
        self.home.extra_tapped.connect(self.extra_tapped)
        self.code_entry.key_pressed.connect(self.code_key)
        self.code_entry.submitted.connect(self.code_submitted)
        self.code_entry.back_tapped.connect(self.code_back)
        self.dossier.done.connect(self.dossier_done)

        self.hotspot = CornerHotspot(self)
        self.hotspot.long_pressed.connect(self.admin_requested)
        self.resize(1080, 1920)

    # -- sizing
    def _rescale(self, *, force: bool = False) -> None:
        width, height = max(self.width(), 320), max(self.height(), 320)
        unit = min(width, height) / 100.0
        portrait = height >= width
        if unit == self._unit and portrait == self._portrait and not force:
            return
        self._unit, self._portrait = unit, portrait
        self._apply_colours()
        t = unit * self.look.text_scale
        _set_px(self.site_name, unit * 2.9)         # the site's name is not a choice: it keeps its size
        _set_px(self.site_name_en, unit * 2.1)
        self.header.layout().setContentsMargins(int(unit * 3), int(unit * 1.5), int(unit * 2), int(unit * 1.5))
        self.language.setFixedSize(int(unit * 26), int(unit * 8.5))
        self.language.set_sizes(t * 3.4)
        _set_px(self.banner, t * 2.5)
        self._place_access_bar(in_header=not portrait)
        self.access.set_unit(unit, self.look, in_header=not portrait)
        self.banner.setContentsMargins(int(unit * 2), int(unit), int(unit * 2), int(unit))
        self.footer.layout().setContentsMargins(int(unit * 2), 0, int(unit * 2), int(unit * 2))
        self.priority.setFixedHeight(int(unit * 12))
        self.priority.set_sizes(t * 3.8, t * 2.3)
        for page in self.pages.values():
            page.look = self.look if page is not self.admin else NORMAL     # the staff dialog keeps its look
            page.set_unit(unit, portrait)
        side = int(unit * 11)
        self.hotspot.setGeometry(0, 0, side, side)
        self.hotspot.raise_()
        if self._state is not None:
            self.render(self._state)

    def _place_access_bar(self, *, in_header: bool) -> None:
        """Portrait: a row of its own under the header; landscape: in the header, before the language button."""
        head, main = self.header.layout(), self.layout()
        head.removeWidget(self.access)
        main.removeWidget(self.access)
        if in_header:
            head.insertWidget(head.indexOf(self.language), self.access, 2)
        else:
            main.insertWidget(main.indexOf(self.header) + 1, self.access)

    def _apply_colours(self) -> None:
        """Backgrounds and text colours of the current look (high contrast: kiosk_app.look)."""
        look = self.look
        self.setStyleSheet(f"#kiosk-window {{ background:{look.page_bg}; }}")
        edge = f" border-bottom:{max(2, int(self._unit * 0.5))}px solid {YELLOW};" if look.high_contrast else ""
        self.header.setStyleSheet(f"#header {{ background:{look.surface(theme.NAVY)};{edge} }}")
        banner_bg, banner_fg = (YELLOW, "black") if look.high_contrast else (BANNER_BG, "white")
        self.banner.setStyleSheet(f"#printer-banner {{ background:{banner_bg}; color:{banner_fg}; }}")
        for label in self.findChildren(QLabel):
            ink = label.property("ink")
            if ink and not self.admin.isAncestorOf(label) and label is not self.banner:
                label.setStyleSheet(f"color:{look.ink(ink)}; background:transparent;")

    def _set_look(self, look: Look) -> None:
        if look != self.look:
            self.look = look
            self._rescale(force=True)        # every size and colour again, then the state is drawn

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._rescale()

    # -- drawing
    def render(self, state: KioskState) -> None:
        """Show ``state``; the only way anything on screen changes."""
        if self._unit == 0.0:
            self._rescale()
        previous = self._state
        self._state = state
        self._set_look(Look(large_text=state.large_text, high_contrast=state.high_contrast))
        lang = state.lang
        self.site_name.setText(state.site_name.get(lang) or texts.text("starting", "vi"))
        other_name = state.site_name.en if lang == "vi" else state.site_name.vi
        self.site_name_en.setText(other_name if other_name != state.site_name.get(lang) else "")
        interactive = state.screen in (Screen.HOME, Screen.SERVICES)
        self.language.setVisible(interactive)
        self.language.setEnabled(not state.busy)
        self.language.configure(title=texts.text("switch_language", lang), bg=theme.WHITE, fg=theme.NAVY)
        self.access.setVisible(state.screen is not Screen.ADMIN)
        self.access.render(state)
        show_banner = state.printer_banner is not None and state.screen not in (Screen.OFFLINE, Screen.ADMIN)
        if show_banner:
            self.banner.setText(f"{state.printer_banner.vi}\n{state.printer_banner.en}")
        self.banner.setVisible(show_banner)
        self.footer.setVisible(interactive and state.allow_priority)
        if state.allow_priority:
            self.priority.configure(
                title=texts.text("priority_on" if state.priority else "priority", lang),
                detail=texts.text("priority_who", lang), check=state.priority, align=Qt.AlignLeft,
                bg=theme.GOLD if state.priority else theme.WHITE, fg=theme.TEXT,
                border=None if state.priority else theme.GOLD)
            self.priority.setEnabled(not state.busy)
        if state.screen is Screen.ADMIN and (previous is None or previous.screen is not Screen.ADMIN):
            self.admin.reset(state.admin_users)
        page = self.pages[state.screen]
        page.render(state)
        self.stack.setCurrentWidget(page)
        self.hotspot.raise_()

    # -- kiosk mode
    def allow_close(self) -> None:
        self._allow_close = True

    def closeEvent(self, event) -> None:
        if self._allow_close:
            event.accept()
        else:
            event.ignore()           # Alt+F4 or a window manager: citizens cannot close the kiosk

    def keyPressEvent(self, event) -> None:
        """No keyboard shortcuts on a kiosk (Escape does nothing); a barcode scanner is a keyboard.

        A scanner types its whole text within milliseconds and ends it with Enter:
        collect it and hand it over whole (``scanned``); a pause of over a second
        starts a new scan, so stray key presses never glue onto the next one.
        """
        event.accept()
        now = time.monotonic()
        if now - self._scan_last > SCAN_GAP_S:
            self._scan_buffer = ""
        self._scan_last = now
        if event.key() in (Qt.Key_Return, Qt.Key_Enter):
            text, self._scan_buffer = self._scan_buffer, ""
            if text.strip():
                self.scanned.emit(text)
        elif event.text() and event.text().isprintable() and len(self._scan_buffer) < SCAN_MAX:
            self._scan_buffer += event.text()

    # -- test and screenshot helpers (finding the real buttons)
    def tile_button(self, key: str) -> BigButton:
        return self.home.buttons[key]

    def service_button(self, code: str) -> BigButton:
        return self.services.buttons[f"service:{code}"]
