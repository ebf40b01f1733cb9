"""Kiosk "Tôi có lịch hẹn / I have an appointment": scan or type the booking, get its ticket once.

Real window, real database on both engines, the printer simulator on TCP; the
booking rules themselves (window, idempotence) are db.bookings' and are tested
in tests/booking; these tests prove the kiosk path: what the citizen taps,
scans and sees, and that the one ticket of a booking is printed once.
"""

from __future__ import annotations

import pytest
from kiosk_helpers import SITE_TOML, click, tap
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from site_clock import at

from db import bookings, statuses
from db.models import Booking, Ticket
from kiosk_app.controller import Screen

PUBLIC_URL = "https://motcua.example.vn"
NOW = at(9, 50)                       # Wednesday 25/11/2026, the kiosk's clock


def booking_site_text() -> str:
    """The built-in commune where TP and KS take bookings (15 min, 2 a slot) and the web has a public address."""
    text = SITE_TOML.replace('code = "TP"\n', 'code = "TP"\nbooking = { slot_min = 15, per_slot = 2 }\n', 1)
    text = text.replace('code = "KS"\n', 'code = "KS"\nbooking = { slot_min = 30, per_slot = 1 }\n', 1)
    return text + f'\n[web]\npublic_url = "{PUBLIC_URL}"\n'


@pytest.fixture
def booking_db(db_url, tmp_path):
    """The booking commune on SQLite and PostgreSQL."""
    from site_setup import connect_with_site

    from db.connection import close

    path = tmp_path / "booking-kiosk.toml"
    path.write_text(booking_site_text(), encoding="utf-8")
    yield connect_with_site(db_url, str(path))
    close()


def book(hour: int, minute: int = 0, *, service: str = "TP", phone: str = "0912345678"):
    return bookings.book(service, f"2026-11-25T{hour:02d}:{minute:02d}", "Trịnh Văn Nam", phone, now=at(7, 0))


def scan(harness, text: str) -> None:
    """A USB scanner: the characters, then Enter, as key events to the kiosk window."""
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch)
            QApplication.sendEvent(harness.window, event)
    QTest.keyClick(harness.window, Qt.Key_Return)


def open_checkin(harness) -> None:
    harness.pass_guards()
    harness.click(harness.window.home.extras.buttons["booking"])
    harness.wait_for(lambda s: s.screen is Screen.CODE_ENTRY and s.code_entry.purpose == "booking")


def test_scanning_the_booking_qr_prints_its_ticket_marked_as_an_appointment(booking_db, make_kiosk, simulator):
    made = book(10, 0)
    assert made.manage_url.startswith(f"{PUBLIC_URL}/b/")
    k = make_kiosk(simulator.url, epoch=NOW)
    assert [e.key for e in k.state.extras] == ["booking"]
    assert k.window.home.extras.buttons["booking"].text() == "Tôi có lịch hẹn"
    open_checkin(k)
    assert k.window.code_entry.prompt.text().startswith("Đưa mã QR của lịch hẹn")

    scan(k, made.manage_url)                       # the QR holds the manage_url, case and all
    state = k.wait_for(lambda s: s.screen is Screen.TICKET, timeout=10)
    job = simulator.wait_for_jobs(1)[0]
    assert job.printed and job.cut
    ticket = Ticket.get(Ticket.code == state.ticket.code)
    assert ticket.slot_at is not None and ticket.kiosk == "test-kiosk"
    assert state.ticket.printed and state.ticket.appointment == "10:00" and not state.ticket.repeat
    page = k.window.ticket
    assert page.appointment.isVisible()
    assert page.appointment.text() == "Lịch hẹn 10:00 / Appointment 10:00"
    assert page.headline.text() == "Vui lòng nhận phiếu"
    assert Booking.get(Booking.code == made.code).status == statuses.CHECKED_IN
    k.pass_guards()
    click_page = k.window.ticket
    k.click(click_page)
    k.wait_for(lambda s: s.screen is Screen.HOME)


def test_typing_the_code_on_the_on_screen_keys(booking_db, make_kiosk, simulator, qtbot):
    made = book(10, 0, service="KS")
    k = make_kiosk(simulator.url, epoch=NOW)
    open_checkin(k)
    keys = k.window.code_entry.keys
    assert not any(keys[ch].isEnabled() for ch in "01OI./-")      # no booking code has them
    assert all(keys[ch].isEnabled() for ch in bookings.CODE_ALPHABET)
    assert k.window.code_entry.display.text() == "______"           # six places to fill
    for ch in made.code.lower():                                   # the keys' values are the characters
        click(qtbot, keys[ch.upper()])
        if len(k.state.code_entry.text) == 2:
            assert k.window.code_entry.display.text() == made.code[:2] + "____"
    click(qtbot, keys["2"])                                        # a seventh character is not taken
    state = k.wait_for(lambda s: s.code_entry.text == made.code)
    assert k.window.code_entry.display.text() == made.code and state.code_entry.text == made.code
    k.pass_guards()
    click(qtbot, k.window.code_entry.ok_button)
    state = k.wait_for(lambda s: s.screen is Screen.TICKET, timeout=10)
    assert state.ticket.appointment == "10:00" and state.ticket.printed
    assert state.ticket.service.vi == "Đăng ký khai sinh, kết hôn, khai tử"
    assert len(simulator.wait_for_jobs(1)) == 1


def test_a_second_scan_shows_the_same_ticket_and_prints_nothing(booking_db, make_kiosk, simulator, qtbot):
    made = book(10, 0)
    k = make_kiosk(simulator.url, epoch=NOW)
    open_checkin(k)
    scan(k, made.manage_url)
    first = k.wait_for(lambda s: s.screen is Screen.TICKET, timeout=10).ticket
    first_job = simulator.wait_for_jobs(1)[0]
    k.pass_guards()
    k.click(k.window.ticket)
    k.wait_for(lambda s: s.screen is Screen.HOME)

    open_checkin(k)
    for ch in made.code:                                           # this time the code, typed
        click(qtbot, k.window.code_entry.keys[ch])
    k.pass_guards()
    click(qtbot, k.window.code_entry.ok_button)
    again = k.wait_for(lambda s: s.screen is Screen.TICKET, timeout=10).ticket
    assert again.code == first.code and again.repeat and not again.printed
    assert again.appointment == "10:00"
    page = k.window.ticket
    assert page.headline.text().startswith("Lịch hẹn này đã được cấp số")
    assert page.qr.isVisible() and page.done_button.isVisible()   # to note or photograph, as when unprinted
    simulator.wait_idle()
    assert simulator.jobs == [first_job]                           # one slip for one number
    assert Ticket.select().count() == 1
    assert k.state.printer_banner is None                          # a repeat is not a printer fault
    k.pass_guards()
    click(qtbot, page.done_button)
    k.wait_for(lambda s: s.screen is Screen.HOME)


def test_too_early_says_from_when(booking_db, make_kiosk, simulator):
    made = book(11, 0)                                             # check-in opens at 10:30
    k = make_kiosk(simulator.url, epoch=NOW)
    open_checkin(k)
    scan(k, made.manage_url)
    state = k.wait_for(lambda s: s.screen is Screen.MESSAGE, timeout=10)
    assert state.message.title.vi == "Chưa đến giờ nhận số cho lịch hẹn"
    assert "10:30" in state.message.body.vi and "10:30" in state.message.body.en
    assert state.message.action is None and not k.window.message.action_button.isVisible()
    assert k.window.message.body.text() == state.message.body.vi
    assert Ticket.select().count() == 0
    assert Booking.get(Booking.code == made.code).status == statuses.BOOKED


def test_too_late_sends_the_citizen_to_an_ordinary_ticket(booking_db, make_kiosk, simulator, qtbot):
    made = book(9, 15)                                             # grace 15 min: until 09:30
    k = make_kiosk(simulator.url, epoch=NOW)
    open_checkin(k)
    for ch in made.code:
        click(qtbot, k.window.code_entry.keys[ch])
    k.pass_guards()
    click(qtbot, k.window.code_entry.ok_button)
    state = k.wait_for(lambda s: s.screen is Screen.MESSAGE, timeout=10)
    assert state.message.title.vi == "Đã quá giờ hẹn"
    assert "mời lấy số thứ tự thông thường" in state.message.body.vi
    button = k.window.message.action_button
    assert button.isVisible() and button.text() == "Lấy số thông thường / Take an ordinary ticket"
    assert Ticket.select().count() == 0
    k.pass_guards()
    tap(qtbot, button, k.window.message_action)
    state = k.wait_for(lambda s: s.screen is Screen.HOME)
    assert state.tiles and all(t.enabled for t in state.tiles)    # the services, ready to take a walk-in ticket
    k.pass_guards()
    k.tap_tile("service:KN")
    state = k.wait_for(lambda s: s.screen is Screen.TICKET, timeout=10)
    assert state.ticket.appointment is None
    assert not k.window.ticket.appointment.isVisible()


def test_cancelled_and_unknown_bookings(booking_db, make_kiosk, simulator, qtbot):
    made = book(10, 0)
    bookings.cancel(made.code, now=at(8, 0))
    k = make_kiosk(simulator.url, epoch=NOW)
    open_checkin(k)
    for ch in "ABCDEF":                                            # no such booking: said on the same screen
        click(qtbot, k.window.code_entry.keys[ch])
    k.pass_guards()
    click(qtbot, k.window.code_entry.ok_button)
    state = k.wait_for(lambda s: s.code_entry is not None and s.code_entry.error is not None, timeout=10)
    assert state.screen is Screen.CODE_ENTRY and "Không tìm thấy lịch hẹn" in state.code_entry.error.vi
    assert "Không tìm thấy lịch hẹn" in k.window.code_entry.error.text()
    scan(k, made.manage_url)
    state = k.wait_for(lambda s: s.screen is Screen.MESSAGE, timeout=10)
    assert state.message.title.vi == "Lịch hẹn đã bị huỷ" and made.code in state.message.body.vi
    assert Ticket.select().count() == 0


def test_no_appointment_button_without_bookable_services(kiosk, simulator):
    k = kiosk(simulator.url, epoch=NOW)
    assert "booking" not in [e.key for e in k.state.extras]
