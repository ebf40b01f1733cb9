"""The login screen and the inactivity lock screen.

Both only collect input and show the engine's answer; the PIN check, the
lockout after five wrong PINs and the seating rule are ``db.officers``'.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from db.values import CounterInfo
from ui_common import theme
from ui_common.i18n import LanguageButton, Retranslating, _, site_text


def _card() -> tuple[QFrame, QVBoxLayout]:
    card = QFrame()
    card.setObjectName("card")
    card.setStyleSheet(f"#card {{ background:{theme.WHITE}; border:1px solid #cfd8dc; border-radius:10px; }}")
    card.setMinimumWidth(640)
    layout = QVBoxLayout(card)
    layout.setContentsMargins(36, 28, 36, 28)
    layout.setSpacing(16)
    return card, layout


def _centred(card: QFrame, parent: QWidget) -> None:
    outer = QVBoxLayout(parent)
    outer.addStretch(1)
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(card)
    row.addStretch(1)
    outer.addLayout(row)
    outer.addStretch(2)


def _card_header(layout: QVBoxLayout, title: str, line: str, *, name: str, px: int) -> tuple[QLabel, QLabel]:
    """The card's navy title and, under it, a wrapped line the page fills in (both returned)."""
    heading = QLabel(title)
    heading.setFont(theme.font(30, bold=True))
    heading.setStyleSheet(f"color:{theme.NAVY};")
    label = QLabel(line)
    label.setObjectName(name)
    label.setFont(theme.font(px))
    label.setWordWrap(True)
    layout.addWidget(heading)
    layout.addWidget(label)
    return heading, label


def _message_label(name: str) -> QLabel:
    label = QLabel("")
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setFont(theme.font(16, bold=True))
    label.setStyleSheet(f"color:{theme.RED};")
    return label


class LoginPage(Retranslating, QWidget):
    """Username + PIN (masked) + counter; emits ``submitted(username, pin, counter)``."""

    submitted = Signal(str, str, int)

    def __init__(self, fixed_counter: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fixed_counter = fixed_counter
        self.setObjectName("login_page")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(f"#login_page {{ background:{theme.LIGHT}; }}")
        card, layout = _card()
        self.language = LanguageButton("onestop-counter")
        self.language.setFont(theme.font(15, bold=True))
        self.language.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        corner = QHBoxLayout()
        corner.addStretch(1)
        corner.addWidget(self.language)
        layout.addLayout(corner)

        self.title, self.site = _card_header(layout, "", "", name="login_site", px=17)
        self.site.setStyleSheet(f"color:{theme.GREY};")
        self.site_name: tuple[str, str] | None = None
        self.missing_counter = False

        form = QFormLayout()
        form.setSpacing(12)
        self.username = QLineEdit()
        self.username.setObjectName("username")
        self.pin = QLineEdit()
        self.pin.setObjectName("pin")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(32)
        self.counter = QComboBox()
        self.counter.setObjectName("counter")
        self.counter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.counter_fixed = QLabel("")
        self.counter_fixed_name: str | None = None
        self.counter_fixed.setObjectName("counter_fixed")
        for field in (self.username, self.pin, self.counter, self.counter_fixed):
            field.setFont(theme.font(22))
            field.setMinimumHeight(46)
        self.labels = [self._form_label(), self._form_label(), self._form_label()]
        form.addRow(self.labels[0], self.username)
        form.addRow(self.labels[1], self.pin)
        form.addRow(self.labels[2], self.counter_fixed if fixed_counter else self.counter)
        self.counter.setVisible(fixed_counter is None)
        self.counter_fixed.setVisible(fixed_counter is not None)
        layout.addLayout(form)

        self.message = _message_label("login_message")
        layout.addWidget(self.message)
        self.button = QPushButton()
        self.button.setObjectName("login")
        self.button.setFont(theme.font(22, bold=True))
        self.button.setMinimumHeight(56)
        self.button.setStyleSheet(f"QPushButton {{ background:{theme.NAVY}; color:white; border-radius:6px; }}"
                                  f"QPushButton:disabled {{ background:{theme.GREY}; }}")
        layout.addWidget(self.button)
        _centred(card, self)

        self.button.clicked.connect(self._submit)
        self.username.returnPressed.connect(self.pin.setFocus)
        self.pin.returnPressed.connect(self._submit)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(_("Đăng nhập quầy giao dịch"))
        self.site.setText(site_text(*self.site_name) if self.site_name else _("Bộ phận Một cửa"))
        self.username.setPlaceholderText(_("vd: lan"))
        for label, text in zip(self.labels, (_("Tên đăng nhập"), _("Mã PIN"), _("Quầy")), strict=True):
            label.setText(text)
        self.button.setText(_("Đăng nhập"))
        if self.fixed_counter:
            self.counter_fixed.setText(self.counter_fixed_name or _("Quầy {n}", n=self.fixed_counter))
        if self.missing_counter:
            self.message.setText(_("Không có quầy số {n}", n=self.fixed_counter))

    @staticmethod
    def _form_label() -> QLabel:
        label = QLabel()
        label.setFont(theme.font(18))
        label.setMinimumHeight(46)   # centred on its field, not stuck to the field's top edge
        label.setAlignment(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft)
        return label

    def _submit(self) -> None:
        if not self.button.isEnabled():
            return
        counter = self.fixed_counter or (self.counter.currentData() or 0)
        self.message.setText("")
        self.submitted.emit(self.username.text(), self.pin.text(), int(counter))

    @Slot(list)
    def set_counters(self, counters: list[CounterInfo]) -> None:
        chosen = self.counter.currentData()
        self.counter.clear()
        for info in counters:
            seated = f"  ·  {info.officer_name}" if info.officer_name else ""
            self.counter.addItem(f"{info.name}{seated}", info.number)
        index = self.counter.findData(chosen)
        if index >= 0:
            self.counter.setCurrentIndex(index)
        self.missing_counter = bool(self.fixed_counter) and not any(c.number == self.fixed_counter for c in counters)
        if self.missing_counter:
            self.show_error(_("Không có quầy số {n}", n=self.fixed_counter))
        elif self.fixed_counter:
            self.counter_fixed_name = next(c.name for c in counters if c.number == self.fixed_counter)
            self.counter_fixed.setText(self.counter_fixed_name)

    @Slot(str)
    def show_error(self, text: str) -> None:
        self.message.setText(text)
        self.pin.clear()
        self.pin.setFocus()

    @Slot(str, str)
    def set_site_name(self, name: str, name_en: str = "") -> None:
        self.site_name = (name, name_en)
        self.site.setText(site_text(name, name_en))

    @Slot(bool)
    def set_busy(self, busy: bool) -> None:
        self.button.setEnabled(not busy)

    def reset(self) -> None:
        self.pin.clear()
        self.message.setText("")
        (self.pin if self.username.text() else self.username).setFocus()


class LockPage(Retranslating, QWidget):
    """Shown after inactivity: the same officer's PIN unlocks; logging out frees the counter."""

    unlock_requested = Signal(str)
    logout_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lock_page")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(f"#lock_page {{ background:{theme.NAVY}; }}")
        card, layout = _card()
        self.title, self.who = _card_header(layout, "", "", name="lock_who", px=18)
        self.identity = ("", "", "")
        self.pin = QLineEdit()
        self.pin.setObjectName("unlock_pin")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setFont(theme.font(22))
        self.pin.setMinimumHeight(46)
        self.message = _message_label("unlock_message")
        buttons = QHBoxLayout()
        self.unlock_button = QPushButton()
        self.unlock_button.setObjectName("unlock")
        self.logout_button = QPushButton()
        self.logout_button.setObjectName("lock_logout")
        for button in (self.unlock_button, self.logout_button):
            button.setFont(theme.font(20, bold=True))
            button.setMinimumHeight(52)
        self.unlock_button.setStyleSheet(f"QPushButton {{ background:{theme.NAVY}; color:white; border-radius:6px; }}")
        buttons.addWidget(self.unlock_button, 2)
        buttons.addWidget(self.logout_button, 1)
        layout.addWidget(self.pin)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        _centred(card, self)
        self.unlock_button.clicked.connect(self._submit)
        self.pin.returnPressed.connect(self._submit)
        self.logout_button.clicked.connect(self.logout_requested)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(_("Màn hình đã khoá"))
        self.pin.setPlaceholderText(_("Nhập mã PIN để mở khoá"))
        self.unlock_button.setText(_("Mở khoá"))
        self.logout_button.setText(_("Đăng xuất"))
        if self.identity[0] or self.identity[1]:
            full_name, username, counter_name = self.identity
            self.who.setText(f"{full_name} ({username}) - {counter_name}\n"
                             + _("Đã khoá do không thao tác. Nhập lại mã PIN để tiếp tục."))

    def _submit(self) -> None:
        if self.unlock_button.isEnabled():
            self.message.setText("")
            self.unlock_requested.emit(self.pin.text())

    def prepare(self, full_name: str, username: str, counter_name: str) -> None:
        self.identity = (full_name, username, counter_name)
        self.retranslate()
        self.pin.clear()
        self.message.setText("")
        self.pin.setFocus()

    @Slot(str)
    def show_error(self, text: str) -> None:
        self.message.setText(text)
        self.pin.clear()
        self.pin.setFocus()

    @Slot(bool)
    def set_busy(self, busy: bool) -> None:
        self.unlock_button.setEnabled(not busy)
