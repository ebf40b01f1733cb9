"""The demo's stand-in for hardware: on-screen rating keypads and the ticket printer's tray.

Each keypad's buttons send the bytes a real button box sends, down a
virtual serial line to the counter program's real keypad reader; the tray
shows the latest ticket the ``preview://`` printer produced, exactly as the
thermal printer would have printed it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from db.values import RatingLevel
from ui_common import theme

#: button colours by rating value (green = best)
LEVEL_COLOURS = {3: "#2e7d32", 2: "#1565c0", 1: "#c62828"}


class RatingKeypad(QGroupBox):
    """Three (or the site's number of) big buttons for one counter."""

    pressed = Signal(int, int)  # counter, value

    def __init__(self, counter: int, levels: tuple[RatingLevel, ...], parent: QWidget | None = None) -> None:
        super().__init__(f"Quầy {counter} - bàn phím đánh giá / rating keypad", parent)
        self.counter = counter
        self.buttons: dict[int, QPushButton] = {}
        row = QHBoxLayout(self)
        for level in levels:
            button = QPushButton(f"{level.label}\n{level.label_en}")
            button.setObjectName(f"rate-{counter}-{level.value}")
            button.setMinimumHeight(56)
            colour = LEVEL_COLOURS.get(level.value, theme.GREY)
            button.setStyleSheet(f"QPushButton {{ background:{colour}; color:white; font-weight:bold;"
                                 f" border-radius:8px; padding:6px; }}")
            button.clicked.connect(lambda _=False, v=level.value: self.pressed.emit(self.counter, v))
            row.addWidget(button)
            self.buttons[level.value] = button


class TicketTray(QLabel):
    """The latest printed ticket (the ``latest.png`` the preview printer keeps up to date)."""

    def __init__(self, folder: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.folder = folder
        self.setAlignment(Qt.AlignCenter)
        self.setMinimumSize(260, 360)
        self.setStyleSheet("background:#fafafa; border:1px solid #ccc;")
        self.setText("Chưa in phiếu nào\nNo ticket printed yet")

    @Slot()
    def refresh(self) -> None:
        latest = self.folder / "latest.png"
        if not latest.exists():
            return
        pixmap = QPixmap(str(latest))
        if not pixmap.isNull():
            self.setPixmap(pixmap.scaled(self.width() - 8, self.height() - 8, Qt.KeepAspectRatio,
                                         Qt.SmoothTransformation))


class ControlPanel(QWidget):
    """One window: the printer tray beside a rating keypad per demo counter."""

    def __init__(self, folder: Path, counters: list[int], levels: tuple[RatingLevel, ...],
                 press: Callable[[int, int], object], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("onestop demo - phần cứng mô phỏng / simulated hardware")
        layout = QHBoxLayout(self)
        tray_box = QGroupBox("Máy in phiếu / ticket printer (preview://)")
        self.tray = TicketTray(folder)
        QVBoxLayout(tray_box).addWidget(self.tray)
        layout.addWidget(tray_box, 1)
        keypads = QVBoxLayout()
        self.keypads: dict[int, RatingKeypad] = {}
        for number in counters:
            keypad = RatingKeypad(number, levels)
            keypad.pressed.connect(lambda counter, value: press(counter, value))
            keypads.addWidget(keypad)
            self.keypads[number] = keypad
        keypads.addStretch(1)
        layout.addLayout(keypads, 2)
