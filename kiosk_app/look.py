"""How the kiosk looks for the citizen in front of it: normal, large text, high contrast; and its pictograms.

Two independent switches, both on every screen and both with a TOML default (``[kiosk] large_text``,
``high_contrast``); the idle reset returns to the site's defaults, like the language.

* **Large text** multiplies every text size by :data:`LARGE_TEXT_SCALE`; the geometry (touch
  targets, margins) stays, and the hand-drawn buttons still shrink a text that would not fit,
  so nothing is clipped.  Why 1.35: the normal tile title is about 5 mm on a 21" stand; 1.35
  gives the 7 mm that low-vision guidance asks for, and still fits the longest service names.
* **High contrast** is white and yellow on black (contrast ratio 21:1 and 19:1), every button
  outlined in white.  The field colours go: a field is told apart by its name and pictogram, a
  greyed-out tile by the reason written on it, a toggle by its check box - never by colour alone.

Pictograms are SVG: a shipped name (``assets/icons/<name>.svg``, read with importlib.resources so
an installed wheel works) or the text of the site's own SVG, stored in the database at import
(``db.site_config``).  The shipped ones are white silhouettes; they are tinted to the text colour
of their button (grey on a disabled tile, black on a yellow one).  A site's own SVG keeps its colours.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

from ui_common import theme

LARGE_TEXT_SCALE = 1.35
BLACK = "#000000"
YELLOW = "#ffd600"
WHITE = "#ffffff"
#: high contrast: a text colour of the normal look -> its colour on black
_INK = {theme.NAVY: YELLOW, theme.RED: "#ff8a80", theme.GREEN: "#b9f6ca", "#00796b": "#a7ffeb",
        "#e65100": "#ffd180", theme.GREY: "#e0e0e0", "#cfd8dc": "#e0e0e0"}

#: the Listen button's own glyphs (not site pictograms: a site cannot pick them)
SPEAKER_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 96 96">'
               '<path fill="#fff" d="M12 36h16l22-18v60L28 60H12z"/>'
               '<path fill="none" stroke="#fff" stroke-width="7" stroke-linecap="round"'
               ' d="M62 34a18 18 0 0 1 0 28M72 24a32 32 0 0 1 0 48"/></svg>')
STOP_SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 96 96"><rect fill="#fff" x="20" y="20" width="56" ' \
           'height="56" rx="8"/></svg>'


@dataclass(frozen=True)
class Look:
    """The two switches; every widget asks its window's look for sizes and colours."""

    large_text: bool = False
    high_contrast: bool = False

    @property
    def text_scale(self) -> float:
        return LARGE_TEXT_SCALE if self.large_text else 1.0

    @property
    def page_bg(self) -> str:
        return BLACK if self.high_contrast else theme.LIGHT

    def ink(self, colour: str | QColor) -> str:
        """A text colour of the normal look, as drawn in this look."""
        name = QColor(colour).name()
        if not self.high_contrast:
            return name
        return _INK.get(name, WHITE)

    def surface(self, colour: str | QColor) -> str:
        """A background (a panel, a header, a card) in this look: black in high contrast."""
        return BLACK if self.high_contrast else QColor(colour).name()


NORMAL = Look()


def is_svg_text(icon: str) -> bool:
    return icon.lstrip().startswith("<")


@lru_cache(maxsize=64)
def svg_renderer(icon: str) -> QSvgRenderer | None:
    """The renderer of a pictogram (shipped name or SVG text); None when there is no such icon."""
    if is_svg_text(icon):
        data = icon.encode("utf-8")
    else:
        resource = files("assets").joinpath("icons", f"{icon}.svg")
        if not resource.is_file():
            return None
        data = resource.read_bytes()
    renderer = QSvgRenderer(QByteArray(data))
    if not renderer.isValid():
        return None
    renderer.setAspectRatioMode(Qt.KeepAspectRatio)
    return renderer


@lru_cache(maxsize=256)
def icon_image(icon: str, side: int, tint: str | None) -> QImage | None:
    """The pictogram drawn in a ``side`` x ``side`` square; shipped silhouettes tinted to ``tint``."""
    renderer = svg_renderer(icon)
    if renderer is None or side < 4:
        return None
    image = QImage(side, side, QImage.Format_ARGB32_Premultiplied)
    image.fill(Qt.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.Antialiasing)
    renderer.render(painter, QRectF(0, 0, side, side))
    if tint is not None and (not is_svg_text(icon) or icon in (SPEAKER_SVG, STOP_SVG)):
        painter.setCompositionMode(QPainter.CompositionMode_SourceIn)
        painter.fillRect(image.rect(), QColor(tint))
    painter.end()
    return image
