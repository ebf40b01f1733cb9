"""Look shared by the kiosk, counter, display and admin programs.

Sizes are given relative to the screen height so that one layout reads well
from 1280x720 to 3840x2160; colours have strong contrast for a bright hall.
"""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication

NAVY = "#0b2e59"
RED = "#c62828"
GOLD = "#f9a825"
GREEN = "#2e7d32"
GREY = "#607d8b"
LIGHT = "#f4f6f8"
WHITE = "#ffffff"
TEXT = "#1a1a1a"

#: colour per service field on the kiosk (cycled when there are more fields)
FIELD_COLOURS = ["#1565c0", "#2e7d32", "#6a1b9a", "#ef6c00", "#00838f", "#ad1457", "#4e342e", "#283593"]

_PREFERRED_FAMILIES = ("Noto Sans", "DejaVu Sans", "Segoe UI", "Arial")


def ui_family() -> str:
    """A family that renders Vietnamese diacritics well (Noto Sans / DejaVu Sans)."""
    available = set(QFontDatabase.families())
    for family in _PREFERRED_FAMILIES:
        if family in available:
            return family
    return QGuiApplication.font().family()


def font(px: float, *, bold: bool = False) -> QFont:
    f = QFont(ui_family())
    f.setPixelSize(max(8, int(px)))
    f.setBold(bold)
    return f


def scaled(fraction_of_height: float, height: int) -> int:
    """A pixel size as a fraction of the screen (window) height."""
    return max(8, int(fraction_of_height * height))


def apply_app_font(app) -> None:
    app.setFont(font(16))
