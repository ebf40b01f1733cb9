"""Settings tab: the display's notice line, opening hours, the site TOML file, backups.

Every change is one ``db.admin_ops`` call made as the signed-in officer, and
the domain decides who may do what (``db.permissions``: supervisors change
the notice line and the opening hours, administrators also import a site
file and back up); this tab only greys out what the domain would refuse.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QCheckBox, QFileDialog, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from admin_app.widgets import Message, admin_button
from db import admin_ops
from db.backup import BackupNotSupported
from db.clock import DAY_NAMES, DAY_NAMES_VI
from db.officers import OfficerInfo
from db.permissions import Action, allowed
from db.site import load_site
from db.site_config import load_site_file
from ui_common import theme
from ui_common.errors import error_text
from ui_common.i18n import _, language
from ui_common.tasks import Lane


class SettingsTab(QWidget):
    def __init__(self, lane: Lane, actor: OfficerInfo) -> None:
        super().__init__()
        self._lane = lane
        self.actor = actor

        self.notice = QLineEdit()
        self.notice.setPlaceholderText(_("vd. Chiều thứ Sáu tạm nghỉ để họp cơ quan"))
        self.notice_button = admin_button(_("Lưu"), allowed(actor, Action.SET_NOTICE))
        notice_box = QGroupBox(_("Dòng thông báo trên màn hình sảnh"))
        row = QHBoxLayout(notice_box)
        row.addWidget(self.notice, 1)
        row.addWidget(self.notice_button)

        self.hours = QLineEdit()
        self.hours.setPlaceholderText("07:30-11:30, 13:30-17:00")
        self.days = {name: QCheckBox(_(vi)) for name, vi in zip(DAY_NAMES, DAY_NAMES_VI, strict=True)}
        self.hours_button = admin_button(_("Lưu"), allowed(actor, Action.SET_OPENING_HOURS))
        hours_box = QGroupBox(_("Giờ phát số"))
        column = QVBoxLayout(hours_box)
        first = QHBoxLayout()
        first.addWidget(self.hours, 1)
        first.addWidget(self.hours_button)
        days = QHBoxLayout()
        for box in self.days.values():
            days.addWidget(box)
        days.addStretch(1)
        column.addLayout(first)
        column.addLayout(days)

        self.import_button = admin_button(_("Nhập cấu hình từ tệp TOML…"),
                                          allowed(actor, Action.IMPORT_SITE))
        self.export_button = admin_button(_("Xuất cấu hình ra tệp TOML…"),
                                          allowed(actor, Action.EXPORT_SITE))
        site_box = QGroupBox(_("Cấu hình đơn vị"))
        row = QHBoxLayout(site_box)
        row.addWidget(self.import_button)
        row.addWidget(self.export_button)
        row.addStretch(1)

        self.backup_button = admin_button(_("Sao lưu cơ sở dữ liệu…"), allowed(actor, Action.BACKUP))
        self.backup_command = QLineEdit()
        self.backup_command.setReadOnly(True)
        self.backup_command.hide()
        backup_box = QGroupBox(_("Sao lưu"))
        column2 = QVBoxLayout(backup_box)
        hint = QLabel(_("SQLite: sao chép an toàn khi hệ thống đang chạy. "
                        "PostgreSQL: dùng lệnh pg_dump hiển thị bên dưới."))
        hint.setStyleSheet(f"color:{theme.GREY};")
        column2.addWidget(hint)
        row = QHBoxLayout()
        row.addWidget(self.backup_button)
        row.addStretch(1)
        column2.addLayout(row)
        column2.addWidget(self.backup_command)

        self.message = Message()
        layout = QVBoxLayout(self)
        for box in (notice_box, hours_box, site_box, backup_box):
            layout.addWidget(box)
        layout.addWidget(self.message)
        layout.addStretch(1)

        self.notice_button.clicked.connect(self.save_notice)
        self.hours_button.clicked.connect(self.save_hours)
        self.import_button.clicked.connect(lambda: self.import_file())
        self.export_button.clicked.connect(lambda: self.export_file())
        self.backup_button.clicked.connect(lambda: self.backup())

    def refresh(self) -> None:
        self._lane.run(load_site, self._show, lambda exc: self.message.error(error_text(exc, language())))

    def _show(self, site) -> None:
        self.notice.setText(site.notice)
        self.hours.setText(", ".join(site.opening_hours))
        for name, box in self.days.items():
            box.setChecked(name in site.days)

    def _run(self, operation, done_text: str, *, reload: bool = False) -> None:
        def ok(_result) -> None:
            self.message.ok(done_text)
            if reload:
                self.refresh()

        self._lane.run(operation, ok, lambda exc: self.message.error(error_text(exc, language())))

    def save_notice(self) -> None:
        text = self.notice.text().strip()
        self._run(lambda: admin_ops.set_notice(text, actor=self.actor), _("Đã cập nhật dòng thông báo"))

    def save_hours(self) -> None:
        spans = [s.strip() for s in self.hours.text().replace(";", ",").split(",") if s.strip()]
        days = [name for name, box in self.days.items() if box.isChecked()]
        self._run(lambda: admin_ops.set_opening_hours(spans, days, actor=self.actor),
                  _("Đã lưu giờ làm việc"), reload=True)

    def _path(self, save: bool, title: str, suggested: str, filters: str) -> str:
        if save:
            return QFileDialog.getSaveFileName(self, title, suggested, filters)[0]
        return QFileDialog.getOpenFileName(self, title, "", filters)[0]

    def import_file(self, path: str | Path | None = None) -> None:
        path = path or self._path(False, _("Nhập cấu hình"), "", "TOML (*.toml)")
        if not path:
            return

        def operation() -> dict:
            # checked whole first: a bad file changes nothing
            return admin_ops.import_site(load_site_file(path), actor=self.actor)

        def ok(summary: dict) -> None:
            self.message.ok(_("Đã nhập {path}: {services} dịch vụ, {counters} quầy, {officers} cán bộ", path=path,
                              services=summary["services"], counters=summary["counters"], officers=summary["officers"]))
            self.refresh()

        self._lane.run(operation, ok, lambda exc: self.message.error(error_text(exc, language())))

    def export_file(self, path: str | Path | None = None) -> None:
        path = path or self._path(True, _("Xuất cấu hình"), "site.toml", "TOML (*.toml)")
        if path:
            self._run(lambda: admin_ops.export_site(path, actor=self.actor), _("Đã xuất: {path}", path=path))

    def backup(self, path: str | Path | None = None) -> None:
        path = path or self._path(True, _("Sao lưu"), "onestop-backup.db", "SQLite (*.db)")
        if not path:
            return

        def failed(exc: BaseException) -> None:
            if isinstance(exc, BackupNotSupported):
                self.backup_command.setText(exc.command)
                self.backup_command.show()
            self.message.error(error_text(exc, language()))

        self._lane.run(lambda: admin_ops.backup(path, actor=self.actor),
                       lambda r: self.message.ok(_("Đã sao lưu: {path} ({size} MB)", path=r.path,
                                                   size=f"{r.size_bytes / 1e6:.1f}")),
                       failed)
