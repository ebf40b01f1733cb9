"""Small widgets every program uses: the offline and clock banners, full-screen placement."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QWidget

from db import clock
from services.translations import SOURCE_LANG, in_language
from ui_common import i18n, theme
from ui_common.i18n import Retranslating, _


class OfflineBanner(Retranslating, QLabel):
    """A red strip shown while the database is unreachable; hidden otherwise (officers' programs)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.retranslate()
        self.setAlignment(Qt.AlignCenter)
        self.setStyleSheet(f"background:{theme.RED}; color:white; padding:6px; font-weight:bold;")
        self.setFont(theme.font(18, bold=True))
        self.hide()

    def retranslate(self) -> None:
        self.setText(_("Mất kết nối cơ sở dữ liệu - đang kết nối lại…"))

    def set_online(self, online: bool) -> None:
        self.setVisible(not online)


class ClockSkewBanner(Retranslating, QLabel):
    """A gold strip while this PC's clock is far from the database server's (PostgreSQL only).

    Stored times come from the server whatever this PC says, but the clock in
    the corner of the screen, printed slips of other software and the people
    reading them do not: the strip tells the officer to get the PC's time
    synchronisation fixed.  It reads the skew ``db.connection`` measured on
    its last server-time reading (every write transaction, and every minute
    for programs that only read), so it costs no round trip of its own.  In Vietnamese it
    carries the English too (the kiosk and the hall display are read by everyone); a program
    switched to another language shows that one.
    """

    POLL_MS = 5000

    def __init__(self, parent: QWidget | None = None, *, poll_ms: int = POLL_MS) -> None:
        super().__init__(parent)
        self.setObjectName("clock-skew-banner")
        self.setAlignment(Qt.AlignCenter)
        self.setWordWrap(True)
        self.setStyleSheet(f"background:{theme.GOLD}; color:{theme.TEXT}; padding:6px; font-weight:bold;")
        self.setFont(theme.font(14, bold=True))
        self.hide()
        self._timer = QTimer(self)
        self._timer.setInterval(poll_ms)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()

    def retranslate(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        warning = clock.skew_warning()
        if warning is None:
            self.hide()
            return
        lang = i18n.language()
        self.setText(f"{warning[0]} / {warning[1]}" if lang == SOURCE_LANG else in_language(*warning, lang))
        self.show()


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
