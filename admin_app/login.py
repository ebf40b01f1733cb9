"""The admin program's login: supervisors and administrators only.

The role check is ``db.officers.authenticate(..., roles=("supervisor", "admin"))``
so an officer's account is refused by the same code (and counted in the same
lockout) as a wrong PIN; the window never opens for them.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout

from db.officers import OfficerInfo, authenticate
from ui_common import theme
from ui_common.errors import error_text
from ui_common.i18n import LanguageButton, Retranslating, _, language, site_text
from ui_common.tasks import Lane

ROLES = ("supervisor", "admin")


class LoginDialog(Retranslating, QDialog):
    def __init__(self, site_name: str = "", parent=None, *, site_name_en: str = "") -> None:
        super().__init__(parent)
        self.officer: OfficerInfo | None = None
        self._lane = Lane("admin-login")
        self.setMinimumWidth(460)

        self.language = LanguageButton("onestop-admin")
        self.title = title = QLabel()
        title.setFont(theme.font(22, bold=True))
        title.setStyleSheet(f"color:{theme.NAVY};")
        self.site_names = (site_name, site_name_en)
        self.site = site = QLabel()
        site.setWordWrap(True)
        site.setStyleSheet(f"color:{theme.GREY};")

        self.username = QLineEdit()
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.Password)
        self.pin.setMaxLength(12)
        self.login_button = QPushButton()
        self.login_button.setDefault(True)
        self.login_button.setStyleSheet(f"background:{theme.NAVY}; color:white; padding:8px; font-weight:bold;")
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(f"color:{theme.RED}; font-weight:bold;")
        self.note = note = QLabel()
        note.setStyleSheet(f"color:{theme.GREY};")

        form = QFormLayout()
        self.username_label, self.pin_label = QLabel(), QLabel()
        form.addRow(self.username_label, self.username)
        form.addRow(self.pin_label, self.pin)
        layout = QVBoxLayout(self)
        corner = QHBoxLayout()
        corner.addStretch(1)
        corner.addWidget(self.language)
        layout.addLayout(corner)
        layout.addWidget(title)
        layout.addWidget(site)
        layout.addSpacing(8)
        layout.addLayout(form)
        layout.addWidget(self.login_button)
        layout.addWidget(self.message)
        layout.addWidget(note)

        self.login_button.clicked.connect(self.try_login)
        self.pin.returnPressed.connect(self.try_login)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Đăng nhập quản trị"))
        self.title.setText(_("Quản trị hệ thống xếp hàng"))
        self.site.setText(site_text(*self.site_names))
        self.username.setPlaceholderText(_("vd. quang"))
        self.login_button.setText(_("Đăng nhập"))
        self.note.setText(_("Chỉ dành cho giám sát viên và quản trị viên."))
        self.username_label.setText(_("Tên đăng nhập"))
        self.pin_label.setText(_("Mã PIN"))
        self.message.setText("")

    def try_login(self) -> None:
        username, pin = self.username.text().strip(), self.pin.text().strip()
        if not username or not pin:
            self.message.setText(_("Nhập tên đăng nhập và mã PIN"))
            return
        if self._lane.busy:
            return  # a second press while checking does nothing
        self.login_button.setEnabled(False)
        self.message.setText("")
        self._lane.run(lambda: authenticate(username, pin, roles=ROLES), self._accepted, self._refused)

    def _accepted(self, officer: OfficerInfo) -> None:
        self.officer = officer
        self.login_button.setEnabled(True)
        self.accept()

    def _refused(self, exc: BaseException) -> None:
        self.login_button.setEnabled(True)
        self.pin.clear()
        self.pin.setFocus(Qt.OtherFocusReason)
        self.message.setText(error_text(exc, language()))

    def done(self, result: int) -> None:
        self._lane.close()
        super().done(result)
