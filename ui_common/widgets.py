"""Small widgets every program uses: the offline banner and full-screen placement."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QWidget

from ui_common import theme


class OfflineBanner(QLabel):
    """A red strip shown while the database is unreachable; hidden otherwise."""

    TEXT = "Mất kết nối cơ sở dữ liệu - đang kết nối lại… / Database offline - reconnecting…"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.TEXT, parent)
        self.setAlignment(Qt.AlignCenter)
        self.setStyleSheet(f"background:{theme.RED}; color:white; padding:6px; font-weight:bold;")
        self.setFont(theme.font(18, bold=True))
        self.hide()

    def set_online(self, online: bool) -> None:
        self.setVisible(not online)


def place_fullscreen(window: QWidget, screen_index: int | None = None, *, frameless: bool = True) -> None:
    """Full screen that also works with no window manager (kiosk PCs).

    ``showFullScreen()`` alone leaves the window at its natural size when no
    window manager runs, so the geometry is set to the screen's first.
    """
    screens = QGuiApplication.screens()
    screen = screens[screen_index] if screen_index is not None and 0 <= screen_index < len(screens) else QGuiApplication.primaryScreen()
    if frameless:
        window.setWindowFlag(Qt.FramelessWindowHint, True)
    if screen is not None:
        window.setGeometry(screen.geometry())
    window.showFullScreen()
