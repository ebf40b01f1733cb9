"""Bookings tab: each service's appointment slots, and the bookings of a day (tomorrow by default).

A supervisor sets how many minutes a slot lasts and how many bookings it
takes (``db.admin_ops.set_booking_capacity``: the domain checks the role and
writes the audit entry; this tab only asks).  The day's list follows the
event feed like the overview: a booking made on the web, cancelled, or
checked in at the kiosk re-reads it (one read at a time; events arriving
meanwhile cost one more read, never a pile-up).  Phone numbers are shown
masked but for their last three digits: enough to tell two callers apart on
the phone, not a list of numbers to copy.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, timedelta

from PySide6.QtCore import QDate, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from admin_app.widgets import Message, admin_button, fill_table, make_table, selected_key
from db import admin_ops, bookings, clock, statuses
from db.admin_ops import PER_SLOT_RANGE, SLOT_MIN_RANGE, BookingCapacity
from db.officers import OfficerInfo
from db.permissions import Action, allowed
from db.values import BookingInfo
from ui_common import theme
from ui_common.errors import error_text
from ui_common.feed import FeedWatcher
from ui_common.i18n import N_, _, language
from ui_common.tasks import Lane

#: events after which the tab reads again
BOOKING_EVENTS = frozenset({"booked", "booking_cancelled", "checked_in", "booking_capacity_changed", "site_imported"})
SLOW_READ_MS = 60_000     # a booking becomes a no-show by the clock alone: read now and then anyway
STATUS_TEXT = {
    statuses.BOOKED: N_("Đã đặt"),
    statuses.CHECKED_IN: N_("Đã đến"),
    statuses.BOOKING_CANCELLED: N_("Đã huỷ"),
    statuses.BOOKING_NO_SHOW: N_("Không đến"),
}
STATUS_COLOUR = {statuses.CHECKED_IN: theme.GREEN, statuses.BOOKING_CANCELLED: theme.GREY,
                 statuses.BOOKING_NO_SHOW: theme.RED}
SHOWN_DIGITS = 3


def mask_phone(phone: str) -> str:
    """``0912345678`` -> ``•••••••678``: only the last three digits."""
    digits = str(phone or "")
    return "•" * max(0, len(digits) - SHOWN_DIGITS) + digits[-SHOWN_DIGITS:]


class BookingsTab(QWidget):
    def __init__(self, lane: Lane, actor: OfficerInfo, *, timezone: str = "Asia/Ho_Chi_Minh",
                 now: Callable[[], float] = time.time) -> None:
        super().__init__()
        self._lane = lane
        self.actor = actor
        self._timezone = timezone
        self._now = now
        self._reading = False
        self._dirty = False
        self.reads = 0                                  # database reads so far (tests, diagnostics)
        self.capacities: list[BookingCapacity] = []
        self.bookings: list[BookingInfo] = []
        self.shown_day: date | None = None              # the day whose bookings the table holds
        may = allowed(actor, Action.MANAGE_BOOKINGS)

        self.services = make_table([_("Mã"), _("Dịch vụ"), _("Độ dài khung"),
                                    _("Chỗ mỗi khung"), _("Lịch hẹn sắp tới")], stretch=1)
        self.takes = QCheckBox(_("Nhận đặt lịch hẹn"))
        self.slot_min = QSpinBox()
        self.slot_min.setRange(*SLOT_MIN_RANGE)
        self.slot_min.setSingleStep(5)
        self.slot_min.setSuffix(_("phút"))
        self.slot_min.setValue(15)
        self.per_slot = QSpinBox()
        self.per_slot.setRange(*PER_SLOT_RANGE)
        self.per_slot.setValue(2)
        self.save_button = admin_button(_("Lưu"), may)
        editor = QHBoxLayout()
        editor.addWidget(self.takes)
        editor.addSpacing(12)
        editor.addWidget(QLabel(_("Mỗi khung")))
        editor.addWidget(self.slot_min)
        editor.addWidget(QLabel(_("Số chỗ")))
        editor.addWidget(self.per_slot)
        editor.addStretch(1)
        editor.addWidget(self.save_button)
        hint = QLabel(_("Phần thời gian còn lại của quầy dành cho người đến trực tiếp."))
        hint.setStyleSheet(f"color:{theme.GREY};")
        slots_box = QGroupBox(_("Khung giờ hẹn theo dịch vụ"))
        column = QVBoxLayout(slots_box)
        column.addWidget(self.services, 1)
        column.addLayout(editor)
        column.addWidget(hint)

        self.day = QDateEdit()
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("dd/MM/yyyy")
        self.today_button = QPushButton(_("Hôm nay"))
        self.tomorrow_button = QPushButton(_("Ngày mai"))
        self.summary = QLabel("")
        self.summary.setStyleSheet(f"color:{theme.NAVY}; font-weight:bold;")
        picker = QHBoxLayout()
        picker.addWidget(QLabel(_("Ngày")))
        picker.addWidget(self.day)
        picker.addWidget(self.today_button)
        picker.addWidget(self.tomorrow_button)
        picker.addSpacing(16)
        picker.addWidget(self.summary, 1)
        self.table = make_table([_("Giờ"), _("Dịch vụ"), _("Mã lịch hẹn"), _("Họ tên"),
                                 _("Điện thoại"), _("Trạng thái"), _("Số")], stretch=3)
        list_box = QGroupBox(_("Lịch hẹn trong ngày"))
        column = QVBoxLayout(list_box)
        column.addLayout(picker)
        column.addWidget(self.table, 1)

        self.message = Message()
        layout = QVBoxLayout(self)
        layout.addWidget(slots_box, 2)
        layout.addWidget(list_box, 3)
        layout.addWidget(self.message)

        self.set_day(self.tomorrow())
        self.services.itemSelectionChanged.connect(self._edit_selected)
        self.takes.toggled.connect(self._editor_enabled)
        self.save_button.clicked.connect(self.save)
        self.day.dateChanged.connect(lambda _d: self.refresh())
        self.today_button.clicked.connect(lambda: self.set_day(self.today()))
        self.tomorrow_button.clicked.connect(lambda: self.set_day(self.tomorrow()))
        self.slow_timer = QTimer(self)
        self.slow_timer.setInterval(SLOW_READ_MS)
        self.slow_timer.timeout.connect(self.refresh)
        self._editor_enabled(self.takes.isChecked())

    # ---------------------------------------------------------------- days
    def today(self) -> date:
        return clock.local_datetime(self._now(), self._timezone).date()

    def tomorrow(self) -> date:
        return self.today() + timedelta(days=1)

    def selected_day(self) -> date:
        return self.day.date().toPython()

    def set_day(self, day: date) -> None:
        """Show ``day`` (the picker's change reads it)."""
        if self.selected_day() == day:
            self.refresh()
        else:
            self.day.setDate(QDate(day.year, day.month, day.day))

    # ---------------------------------------------------------------- data
    def start(self, feed: FeedWatcher) -> None:
        """Follow ``feed`` (the window's, already started by the overview) and read once."""
        feed.events.connect(self._on_events)
        feed.online_changed.connect(lambda online: online and self.refresh())
        self.slow_timer.start()
        self.refresh()

    def stop(self) -> None:
        self.slow_timer.stop()

    def _on_events(self, events: list) -> None:
        if any(getattr(e, "kind", "") in BOOKING_EVENTS for e in events):
            self.refresh()

    def refresh(self) -> None:
        """Read the slots and the chosen day's bookings; while a read runs, one more is owed instead."""
        if self._reading:
            self._dirty = True
            return
        self._reading, self._dirty = True, False
        self.reads += 1
        day, moment = self.selected_day(), self._now()

        def read():
            return day, admin_ops.booking_capacities(now=moment), bookings.list_bookings(day, now=moment)

        self._lane.run(read, self._read_done, self._read_failed)

    def _read_failed(self, exc: BaseException) -> None:
        self._reading = False
        self.message.error(error_text(exc, language()))
        if self._dirty:
            self.refresh()

    def _read_done(self, result) -> None:
        self._reading = False
        day, capacities, rows = result
        self.capacities, self.bookings, self.shown_day = capacities, rows, day
        self._show()
        if self._dirty or day != self.selected_day():
            self.refresh()

    def _show(self) -> None:
        keep = selected_key(self.services)
        fill_table(self.services, [
            [c.code, c.name if c.active else _("{name} (ngừng)", name=c.name),
             _("{m} phút", m=c.slot_min) if c.bookable else "–", c.per_slot if c.bookable else "–",
             c.upcoming if c.bookable else ""]
            for c in self.capacities], numeric={3, 4},
            colours={(r, 2): theme.GREY for r, c in enumerate(self.capacities) if not c.bookable})
        if keep is None and self.capacities:
            first = next((r for r, c in enumerate(self.capacities) if c.bookable), 0)
            self.services.selectRow(first)
        rows, colours = [], {}
        for r, b in enumerate(self.bookings):
            rows.append([f"{b.slot_start:%H:%M}", b.service_name, b.code, b.name, mask_phone(b.phone),
                         _(STATUS_TEXT[b.status]) if b.status in STATUS_TEXT else b.status, b.ticket_code or ""])
            if b.status in STATUS_COLOUR:
                colours[(r, 5)] = STATUS_COLOUR[b.status]
        fill_table(self.table, rows, colours=colours)
        count = {s: sum(1 for b in self.bookings if b.status == s) for s in STATUS_TEXT}
        day = self.shown_day
        self.summary.setText(
            _("{day}: {n} lịch hẹn · đã đến {arrived} · không đến {no_show} · huỷ {cancelled}", day=f"{day:%d/%m/%Y}",
              n=len(self.bookings), arrived=count[statuses.CHECKED_IN], no_show=count[statuses.BOOKING_NO_SHOW],
              cancelled=count[statuses.BOOKING_CANCELLED]) if day is not None else "")

    # ---------------------------------------------------------------- editing the slots
    def selected_capacity(self) -> BookingCapacity | None:
        code = selected_key(self.services)
        return next((c for c in self.capacities if c.code == code), None)

    def _edit_selected(self) -> None:
        capacity = self.selected_capacity()
        if capacity is None:
            return
        self.takes.setChecked(capacity.bookable)
        if capacity.bookable:
            self.slot_min.setValue(capacity.slot_min)
            self.per_slot.setValue(capacity.per_slot)
        self._editor_enabled(capacity.bookable)

    def _editor_enabled(self, on: bool) -> None:
        self.slot_min.setEnabled(on)
        self.per_slot.setEnabled(on)

    def save(self) -> None:
        capacity = self.selected_capacity()
        if capacity is None:
            self.message.error(_("Chọn một dịch vụ trước"))
            return
        code, moment = capacity.code, self._now()
        slot_min, per_slot = (self.slot_min.value(), self.per_slot.value()) if self.takes.isChecked() else (None, None)

        def done(result: BookingCapacity) -> None:
            if result.bookable:
                self.message.ok(_("Đã lưu {code}: {m} phút, {n} chỗ mỗi khung", code=code, m=result.slot_min,
                                  n=result.per_slot))
            else:
                self.message.ok(_("{code}: không nhận đặt lịch mới", code=code))
            self.refresh()

        self._lane.run(lambda: admin_ops.set_booking_capacity(code, slot_min, per_slot, actor=self.actor,
                                                                   now=moment),
                       done, lambda exc: self.message.error(error_text(exc, language())))
