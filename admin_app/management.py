"""Management tab: services, counters and officers: create, deactivate, reset PIN, seat officers.

Every change is one ``db.admin_ops`` call on the work lane, made as the
signed-in officer; the lists are read back afterwards.  Who may do what is
the domain's decision (``db.permissions``): this tab only greys out the
buttons the domain would refuse, by asking ``permissions.allowed``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QTabWidget, QVBoxLayout, QWidget

from admin_app import forms
from admin_app.widgets import Message, admin_button, fill_table, make_table, selected_key
from db import admin_ops
from db.officers import OfficerInfo
from db.permissions import Action, allowed
from db.site import list_counters, list_services
from ui_common.errors import error_text
from ui_common.i18n import N_, _, _p, language, site_text
from ui_common.tasks import Lane

ROLE_TEXT = {"officer": N_("Cán bộ"), "supervisor": N_("Giám sát"), "admin": N_("Quản trị")}
ACTIVE_TEXT = {True: N_("Hoạt động"), False: N_("Ngừng")}


def _codes(text: str) -> list[str]:
    return [c.strip().upper() for c in text.replace(";", ",").split(",") if c.strip()]


class ManagementTab(QWidget):
    def __init__(self, lane: Lane, actor: OfficerInfo) -> None:
        super().__init__()
        self._lane = lane
        self.actor = actor
        services_ok = allowed(actor, Action.MANAGE_SERVICES)
        counters_ok = allowed(actor, Action.MANAGE_COUNTERS)
        officers_ok = allowed(actor, Action.MANAGE_OFFICERS)
        self.services_data: list = []
        self.counters_data: list = []
        self.officers_data: list = []

        self.services = make_table([_("Mã"), _("Tên dịch vụ"), _("Tiền tố"), _("Mục tiêu chờ"),
                                    _("Giới hạn/ngày"), _("Quầy"), _("Trạng thái")], stretch=1)
        self.add_service_button = admin_button(_("Thêm dịch vụ…"), services_ok)
        self.toggle_service_button = admin_button(_("Ngừng / mở lại"), services_ok)

        self.counters = make_table([_p("quầy", "Số"), _("Tên quầy"), _("Dịch vụ (thứ tự gọi)"),
                                    _("Cán bộ"), _("Trạng thái")], stretch=1)
        self.add_counter_button = admin_button(_("Thêm quầy…"), counters_ok)
        self.counter_services_button = admin_button(_("Đổi dịch vụ…"), counters_ok)
        self.seat_button = admin_button(_("Xếp cán bộ…"), allowed(actor, Action.SEAT_OFFICERS))
        self.toggle_counter_button = admin_button(_("Đóng / mở lại"), counters_ok)

        self.officers = make_table([_("Tài khoản"), _("Họ tên"), _("Vai trò"), _("Đang ở quầy"),
                                    _("Trạng thái")], stretch=1)
        self.add_officer_button = admin_button(_("Thêm cán bộ…"), officers_ok)
        self.reset_pin_button = admin_button(_("Đặt lại PIN…"), officers_ok)
        self.toggle_officer_button = admin_button(_("Khoá / mở khoá"), officers_ok)

        self.pages = QTabWidget()
        self.pages.addTab(self._page(self.services, [self.add_service_button, self.toggle_service_button]),
                          _p("nhóm", "Dịch vụ"))
        self.pages.addTab(self._page(self.counters, [self.add_counter_button, self.counter_services_button,
                                                     self.seat_button, self.toggle_counter_button]), _p("nhóm", "Quầy"))
        self.pages.addTab(self._page(self.officers, [self.add_officer_button, self.reset_pin_button,
                                                     self.toggle_officer_button]), _p("nhóm", "Cán bộ"))
        self.message = Message()
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.message)

        self.add_service_button.clicked.connect(lambda: self.add_service())
        self.toggle_service_button.clicked.connect(self.toggle_service)
        self.add_counter_button.clicked.connect(lambda: self.add_counter())
        self.counter_services_button.clicked.connect(lambda: self.change_counter_services())
        self.seat_button.clicked.connect(lambda: self.seat_officer())
        self.toggle_counter_button.clicked.connect(self.toggle_counter)
        self.add_officer_button.clicked.connect(lambda: self.add_officer())
        self.reset_pin_button.clicked.connect(lambda: self.reset_pin())
        self.toggle_officer_button.clicked.connect(self.toggle_officer)

    @staticmethod
    def _page(table, buttons: list[QPushButton]) -> QWidget:
        page = QWidget()
        row = QHBoxLayout()
        for button in buttons:
            row.addWidget(button)
        row.addStretch(1)
        layout = QVBoxLayout(page)
        layout.addWidget(table, 1)
        layout.addLayout(row)
        return page

    # ---------------------------------------------------------------- reading
    def refresh(self) -> None:
        self._lane.run(lambda: (list_services(include_inactive=True), list_counters(include_inactive=True),
                                admin_ops.list_officers()), self._show,
                       lambda exc: self.message.error(error_text(exc, language())))

    def _show(self, result) -> None:
        self.services_data, self.counters_data, self.officers_data = result
        fill_table(self.services, [
            [s.code, site_text(s.name, s.name_en), s.prefix,
             _("{m} phút", m=s.target_wait_min) if s.target_wait_min else "",
             s.daily_limit or "", ", ".join(str(c) for c in s.counters), _(ACTIVE_TEXT[bool(s.active)])]
            for s in self.services_data])
        fill_table(self.counters, [
            [c.number, c.name, ", ".join(c.services), c.officer_name or "",
             _("Tạm dừng") if c.paused and c.active else _(ACTIVE_TEXT[bool(c.active)])]
            for c in self.counters_data], numeric={0})
        fill_table(self.officers, [
            [o.username, o.full_name, _(ROLE_TEXT.get(o.role, o.role)), o.counter or "",
             _("Tạm khoá (sai PIN)") if o.locked and o.active else _(ACTIVE_TEXT[bool(o.active)])]
            for o in self.officers_data])

    # ---------------------------------------------------------------- writing
    def _do(self, operation: Callable[[], Any], done_text: str) -> None:
        def ok(_result: Any) -> None:
            self.message.ok(done_text)
            self.refresh()

        self._lane.run(operation, ok, lambda exc: self.message.error(error_text(exc, language())))

    def _selected(self, table, data: list, key: Callable[[Any], str]):
        wanted = selected_key(table)
        found = next((item for item in data if str(key(item)) == wanted), None)
        if found is None:
            self.message.error(_("Hãy chọn một dòng trước"))
        return found

    def add_service(self, values: dict | None = None) -> None:
        if values is None:
            values = forms.FormDialog(_("Thêm dịch vụ"), [
                ("code", _("Mã (A-Z, 0-9)"), forms.line(placeholder="TP")),
                ("name", _("Tên"), forms.line()),
                ("name_en", _("Tên tiếng Anh"), forms.line()),
                ("prefix", _("Tiền tố số phiếu"), forms.line(placeholder="A")),
                ("target_wait_min", _("Mục tiêu chờ (phút)"), forms.number(0, 0, 600, none_below=True)),
                ("daily_limit", _("Giới hạn mỗi ngày"), forms.number(0, 0, 9999, none_below=True)),
            ], self).ask()
            if values is None:
                return
        self._do(lambda: admin_ops.create_service(
            values["code"], values["name"], values["prefix"], name_en=values.get("name_en", ""),
            target_wait_min=values.get("target_wait_min"), daily_limit=values.get("daily_limit"),
            actor=self.actor), _("Đã thêm dịch vụ: {code}", code=values["code"].upper()))

    def toggle_service(self) -> None:
        service = self._selected(self.services, self.services_data, lambda s: s.code)
        if service is not None:
            self._do(lambda: admin_ops.set_service_active(service.code, not service.active, actor=self.actor),
                     f"{service.code}: {_(ACTIVE_TEXT[not service.active])}")

    def add_counter(self, values: dict | None = None) -> None:
        if values is None:
            next_number = max((c.number for c in self.counters_data), default=0) + 1
            values = forms.FormDialog(_("Thêm quầy"), [
                ("number", _("Số quầy"), forms.number(next_number, 1, 999)),
                ("name", _("Tên"), forms.line(_("Quầy {n}", n=next_number))),
                ("services", _("Dịch vụ (mã, theo thứ tự)"), forms.line(placeholder="TP, KS")),
            ], self).ask()
            if values is None:
                return
        services = values["services"] if isinstance(values["services"], list) else _codes(values["services"])
        self._do(lambda: admin_ops.create_counter(values["number"], values["name"], services,
                                                  actor=self.actor),
                 _("Đã thêm quầy: {n}", n=values["number"]))

    def change_counter_services(self, services: list[str] | None = None) -> None:
        counter = self._selected(self.counters, self.counters_data, lambda c: c.number)
        if counter is None:
            return
        if services is None:
            values = forms.FormDialog(_("Dịch vụ của quầy {n}", n=counter.number), [
                ("services", _("Mã dịch vụ theo thứ tự"), forms.line(", ".join(counter.services))),
            ], self).ask()
            if values is None:
                return
            services = _codes(values["services"])
        self._do(lambda: admin_ops.set_counter_services(counter.number, services, actor=self.actor),
                 _("Quầy {n}: {services}", n=counter.number, services=", ".join(services)))

    def seat_officer(self, username: str | None = "", counter_number: int | None = None) -> None:
        """Seat an officer at the selected counter (``None`` = nobody: sign the counter out)."""
        if counter_number is None:
            counter = self._selected(self.counters, self.counters_data, lambda c: c.number)
            if counter is None:
                return
            counter_number = counter.number
        if username == "":
            choices = [(_("— không ai —"), None)] + [
                (f"{o.full_name} ({o.username})", o.username) for o in self.officers_data if o.active]
            values = forms.FormDialog(_("Xếp cán bộ vào quầy {n}", n=counter_number), [
                ("username", _("Cán bộ"), forms.choice(choices)),
            ], self).ask()
            if values is None:
                return
            username = values["username"]
        done_text = (_("Quầy {n}: trống", n=counter_number) if username is None
                     else _("{username} → quầy {n}", username=username, n=counter_number))
        self._do(lambda: admin_ops.seat_officer(username, counter_number, actor=self.actor), done_text)

    def toggle_counter(self) -> None:
        counter = self._selected(self.counters, self.counters_data, lambda c: c.number)
        if counter is not None:
            self._do(lambda: admin_ops.set_counter_active(counter.number, not counter.active, actor=self.actor),
                     _("Quầy {n}: {state}", n=counter.number, state=_(ACTIVE_TEXT[not counter.active])))

    def add_officer(self, values: dict | None = None) -> None:
        if values is None:
            values = forms.FormDialog(_("Thêm cán bộ"), [
                ("username", _("Tên đăng nhập"), forms.line()),
                ("full_name", _("Họ tên"), forms.line()),
                ("role", _("Vai trò"), forms.choice([(_(t), r) for r, t in ROLE_TEXT.items()], "officer")),
                ("pin", _("Mã PIN (4-12 số)"), forms.line(password=True)),
            ], self).ask()
            if values is None:
                return
        self._do(lambda: admin_ops.create_officer(values["username"], values["full_name"], values["role"],
                                                  values["pin"], actor=self.actor),
                 _("Đã thêm cán bộ: {username}", username=values["username"]))

    def reset_pin(self, new_pin: str | None = None) -> None:
        officer = self._selected(self.officers, self.officers_data, lambda o: o.username)
        if officer is None:
            return
        if new_pin is None:
            values = forms.FormDialog(_("Đặt lại PIN cho {name}", name=officer.full_name), [
                ("pin", _("Mã PIN mới (4-12 số)"), forms.line(password=True)),
            ], self).ask()
            if values is None:
                return
            new_pin = values["pin"]
        self._do(lambda: admin_ops.reset_pin(officer.username, new_pin, actor=self.actor),
                 _("Đã đặt lại PIN: {username}", username=officer.username))

    def toggle_officer(self) -> None:
        officer = self._selected(self.officers, self.officers_data, lambda o: o.username)
        if officer is not None:
            self._do(lambda: admin_ops.set_officer_active(officer.username, not officer.active,
                                                          actor=self.actor),
                     f"{officer.username}: {_(ACTIVE_TEXT[not officer.active])}")
