"""The admin program's "Lịch hẹn / Bookings" tab, driven with pytest-qt on both engines.

The window is the real one, logged in as the built-in supervisor; the tab's
data comes from the same domain calls the CLI uses, and follows the event feed.
"""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from site_clock import at

from admin_app.bookings_view import mask_phone
from admin_app.window import AdminWindow
from db import audit, bookings
from db.models import Service
from db.officers import authenticate
from db.site import load_site

NOW = at(10, 0)                      # Wednesday 25/11/2026; tomorrow is the 26th
TOMORROW = date(2026, 11, 26)


@pytest.fixture
def open_window(qtbot):
    def make(username: str = "quang") -> AdminWindow:
        officer = authenticate(username, "1234", roles=("supervisor", "admin"), now=NOW)
        window = AdminWindow(officer, load_site(), now=lambda: NOW)
        qtbot.addWidget(window)
        window.resize(1366, 768)
        window.show()
        window.start()
        qtbot.waitUntil(lambda: window.bookings.shown_day is not None and not window.work.busy, timeout=10_000)
        window.tabs.setCurrentWidget(window.bookings)
        return window

    return make


def _rows(table) -> list[list[str]]:
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]


def test_phone_numbers_keep_their_last_three_digits_only():
    assert mask_phone("0912345678") == "•••••••678"


def test_tomorrows_bookings_are_listed_masked_and_follow_the_feed(booking_site_db, open_window, qtbot):
    bookings.book("TP", "2026-11-26T09:15", "Trịnh Văn Nam", "0912345678", now=at(8, 0))
    first = bookings.book("KS", "2026-11-26T08:00", "Lê Thị Hoa", "0987654321", now=at(8, 0))
    bookings.book("TP", "2026-11-25T11:00", "Phạm Văn Cường", "0911222333", now=at(8, 0))   # today's
    window = open_window()
    tab = window.bookings
    assert tab.selected_day() == TOMORROW and tab.shown_day == TOMORROW
    assert _rows(tab.table) == [
        ["08:00", "Đăng ký khai sinh, kết hôn, khai tử", first.code, "Lê Thị Hoa", "•••••••321", "Đã đặt", ""],
        ["09:15", "Chứng thực, hộ tịch", tab.bookings[1].code, "Trịnh Văn Nam", "•••••••678", "Đã đặt", ""],
    ]
    assert "0912345678" not in " ".join(" ".join(r) for r in _rows(tab.table))
    assert tab.summary.text().startswith("26/11/2026: 2 lịch hẹn")

    reads = tab.reads
    made = bookings.book("TP", "2026-11-26T10:30", "Đỗ Minh Tâm", "0933444555", now=NOW)   # the web, say
    qtbot.waitUntil(lambda: tab.table.rowCount() == 3, timeout=10_000)
    assert tab.reads > reads and tab.table.item(2, 2).text() == made.code
    bookings.cancel(made.code, now=NOW)
    qtbot.waitUntil(lambda: tab.table.item(2, 5).text() == "Đã huỷ", timeout=10_000)

    qtbot.mouseClick(tab.today_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: tab.shown_day == date(2026, 11, 25), timeout=10_000)
    assert [r[3] for r in _rows(tab.table)] == ["Phạm Văn Cường"]


def test_a_supervisor_sets_a_services_slots_from_the_tab(booking_site_db, open_window, qtbot):
    window = open_window("quang")
    tab = window.bookings
    codes = [tab.services.item(r, 0).text() for r in range(tab.services.rowCount())]
    assert codes[:3] == ["TP", "KS", "DD"]
    assert [tab.services.item(r, 2).text() for r in range(3)] == ["15 phút", "30 phút", "–"]
    tab.services.selectRow(codes.index("DD"))
    assert not tab.takes.isChecked() and not tab.slot_min.isEnabled()
    qtbot.mouseClick(tab.takes, Qt.LeftButton)
    assert tab.slot_min.isEnabled()
    tab.slot_min.setValue(20)
    tab.per_slot.setValue(3)
    assert tab.save_button.isEnabled()
    qtbot.mouseClick(tab.save_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: tab.message.text().startswith("Đã lưu"), timeout=10_000)
    qtbot.waitUntil(lambda: tab.services.item(codes.index("DD"), 2).text() == "20 phút", timeout=10_000)
    row = Service.get(Service.code == "DD")
    assert (row.booking_slot_min, row.booking_per_slot) == (20, 3)
    assert [e["actor"] for e in audit.entries() if e["action"] == "booking_capacity"] == ["quang"]

    # a slot length under upcoming bookings is refused, and said so on the tab
    bookings.book("TP", "2026-11-26T09:00", "Trịnh Văn Nam", "0912345678", now=NOW)
    qtbot.waitUntil(lambda: tab.services.item(0, 4).text() == "1", timeout=10_000)
    tab.services.selectRow(0)
    tab.slot_min.setValue(30)
    qtbot.mouseClick(tab.save_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: "lịch hẹn sắp tới" in tab.message.text(), timeout=10_000)
    assert Service.get(Service.code == "TP").booking_slot_min == 15
