"""The admin program's login: supervisors and administrators only.

The role check is ``db.officers.authenticate(..., roles=("supervisor", "admin"))``
so an officer's account is refused by the same code (and counted in the same
lockout) as a wrong PIN; the window never opens for them.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout

from db.officers import OfficerInfo, authenticate
from ui_common import theme
from ui_common.errors import error_text
from ui_common.tasks import Lane

ROLES = ("supervisor", "admin")


class LoginDialog(QDialog):
    def __init__(self, site_name: str = "", parent=None) -> None:
        super().__init__(parent)
        self.officer: OfficerInfo | None = None
        self._lane = Lane("admin-login")
        self.setWindowTitle("Đăng nhập quản trị / Admin login")
        self.setMinimumWidth(460)

        title = QLabel("Quản trị hệ thống xếp hàng\nQueue administration")
        title.setFont(theme.font(22, bold=True))
        title.setStyleSheet(f"color:{theme.NAVY};")
        site = QLabel(site_name)
        site.setWordWrap(True)
        site.setStyleSheet(f"color:{theme.GREY};")

        self.username = QLineEdit()
        self.username.setPlaceholderText("vd. quang")
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.Password)
        self.pin.setMaxLength(12)
        self.login_button = QPushButton("Đăng nhập / Log in")
        self.login_button.setDefault(True)
        self.login_button.setStyleSheet(f"background:{theme.NAVY}; color:white; padding:8px; font-weight:bold;")
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(f"color:{theme.RED}; font-weight:bold;")
        note = QLabel("Chỉ dành cho giám sát viên và quản trị viên.\nSupervisors and administrators only.")
        note.setStyleSheet(f"color:{theme.GREY};")

        form = QFormLayout()
        form.addRow("Tên đăng nhập / Username", self.username)
        form.addRow("Mã PIN / PIN", self.pin)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(site)
        layout.addSpacing(8)
        layout.addLayout(form)
        layout.addWidget(self.login_button)
        layout.addWidget(self.message)
        layout.addWidget(note)

        self.login_button.clicked.connect(self.try_login)
        self.pin.returnPressed.connect(self.try_login)

    def try_login(self) -> None:
        username, pin = self.username.text().strip(), self.pin.text().strip()
        if not username or not pin:
            self.message.setText("Nhập tên đăng nhập và mã PIN / Enter your username and PIN")
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
        self.message.setText(error_text(exc, None))

    def done(self, result: int) -> None:
        self._lane.close()
        super().done(result)
