"""Text drawing that scales with the screen and never clips.

Every size on the board is a fraction of the board's height; when a text is
too wide for its box at that size (a long service name, a 5-character code)
it is drawn smaller instead of being cut off.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter

from ui_common import theme

#: board colours: light text on a deep navy, strong accents for a bright hall
BG = QColor("#06213f")
PANEL = QColor("#0f3a6b")
PANEL_DARK = QColor("#0a2c52")
HEADER = QColor(theme.NAVY)
ACCENT = QColor("#ffd54f")        # gold: counter numbers, clock
CALL_BG = QColor(theme.RED)
CALL_FLASH_BG = QColor("#ffd54f")
TICKER_BG = QColor(theme.GOLD)
TICKER_FG = QColor("#0b1f3a")
WHITE = QColor(theme.WHITE)
MUTED = QColor("#9fb3c8")
PAUSED = QColor("#ffb74d")
OFFLINE = QColor(theme.RED)


@lru_cache(maxsize=512)
def _font(px: int, bold: bool) -> QFont:
    return theme.font(px, bold=bold)


def fitted_font(text: str, px: float, max_w: float, max_h: float | None = None, *, bold: bool = False,
                min_px: int = 8) -> QFont:
    """The font at ``px`` pixels, or smaller until ``text`` fits ``max_w`` (and ``max_h``)."""
    size = max(min_px, int(px))
    if max_h is not None:
        size = min(size, max(min_px, int(max_h / 1.2)))   # line height ~1.2 em
    font = _font(size, bold)
    width = QFontMetricsF(font).horizontalAdvance(text)
    if width > max_w > 0:
        size = max(min_px, int(size * max_w / width))
        font = _font(size, bold)
        while size > min_px and QFontMetricsF(font).horizontalAdvance(text) > max_w:
            size -= 1
            font = _font(size, bold)
    return font


#: set to a list to record every text drawn (tests check that nothing is clipped)
trace: list | None = None


@dataclass(frozen=True)
class DrawnText:
    text: str
    rect: QRectF          # the box it was given, in the widget's coordinates
    advance: float        # its width at the font used
    ink_height: float
    pixel_size: int
    device_w: int         # the widget's size
    device_h: int


def draw_text(painter: QPainter, rect: QRectF, text: str, px: float, *, bold: bool = False,
              color: QColor = WHITE, align: Qt.AlignmentFlag = Qt.AlignLeft | Qt.AlignVCenter) -> QFont:
    """Draw one line of ``text`` in ``rect``, shrunk to fit; returns the font used."""
    font = fitted_font(text, px, rect.width(), rect.height(), bold=bold)
    if trace is not None:
        metrics = QFontMetricsF(font)
        device = painter.device()
        trace.append(DrawnText(text, QRectF(rect), metrics.horizontalAdvance(text),
                               metrics.tightBoundingRect(text).height(), font.pixelSize(),
                               device.width(), device.height()))
    painter.setFont(font)
    painter.setPen(color)
    painter.drawText(rect, int(align) | int(Qt.TextSingleLine), text)
    return font


def glyph_height(font: QFont, text: str) -> float:
    """Height in pixels of the ink of ``text`` (what a viewer's eye resolves)."""
    return QFontMetricsF(font).tightBoundingRect(text).height()
