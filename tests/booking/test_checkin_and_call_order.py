"""Check-in windows and the call order of appointments beside walk-ins, on both engines.

The "done means" day: booked for 09:00, arrives 08:50, checks in, is called at
09:00 ahead of walk-ins who came earlier; the report shows the booking as
checked in.
"""

from __future__ import annotations

import random

import pytest

from db import bookings, queue
from db.errors import BookingRefused
from db.models import Ticket
from db.status import hall_status, waiting_tickets


def book(at_text: str, phone: str = "0912345678", *, service: str = "TP", now: float):
    return bookings.book(service, at_text, "Trần Thị Bình", phone, now=now)


def test_citizen_booked_for_nine_checked_in_at_ten_to_is_called_at_nine_before_earlier_walk_ins(booking_db, clock):
    from db.reports import build_report

    made = book("2026-11-25T09:00", now=clock(16, 0, day=24))           # booked the day before
    walk_ins = [queue.issue_ticket("TP", now=clock(8, 40 + n)) for n in range(3)]
    ticket = bookings.check_in(made.manage_url or made.code, now=clock(8, 50))
    document = ticket.to_json()
    assert document["appointment"] is True and document["slot_start"] == "2026-11-25T09:00:00+07:00"
    assert document["booking"] == made.code and document["status"] == "waiting"
    assert ticket.ahead == 3                      # before 09:00 it waits like a walk-in issued at 08:50
    assert queue.call_next(1, now=clock(8, 55)).code == walk_ins[0].code
    queue.finish_service(1, now=clock(8, 59))
    called = queue.call_next(1, now=clock(9, 0))
    assert called.code == ticket.code and called.to_json()["appointment"] is True
    queue.finish_service(1, now=clock(9, 5))
    assert queue.call_next(1, now=clock(9, 6)).code == walk_ins[1].code
    assert bookings.find(made.code, now=clock(9, 10)).status == "checked_in"
    figures = build_report("2026-11-25", "2026-11-25", now=clock(18, 0))["totals"]["bookings"]
    assert figures == {"made": 1, "checked_in": 1, "no_show": 0, "cancelled": 0}


def test_check_in_window_is_early_min_before_to_grace_min_after(booking_db, clock):
    made = book("2026-11-25T09:00", now=clock(7, 0))
    with pytest.raises(BookingRefused) as exc:
        bookings.check_in(made.code, now=clock(8, 29, 59))
    assert exc.value.details["reason"] == "too_early" and "08:30" in str(exc.value)
    assert bookings.check_in(made.code, now=clock(8, 30)).appointment
    late = book("2026-11-25T09:30", "0912000002", now=clock(7, 0))
    with pytest.raises(BookingRefused) as exc:
        bookings.check_in(late.code, now=clock(9, 45, 1))
    assert exc.value.details["reason"] == "too_late" and exc.value.exit_code == 3
    assert "số thứ tự thông thường" in exc.value.message("vi") and "ordinary ticket" in exc.value.message("en")
    on_time = book("2026-11-25T09:30", "0912000003", now=clock(7, 0))
    assert bookings.check_in(on_time.code, now=clock(9, 45)).appointment     # the last second of grace


def test_check_in_before_the_doors_open_is_allowed_within_the_window(booking_db, clock):
    made = book("2026-11-25T07:30", now=clock(16, 0, day=24))
    ticket = bookings.check_in(made.code, now=clock(7, 5))
    assert ticket.status == "waiting" and ticket.appointment


def test_checking_in_twice_gives_the_same_ticket(booking_db, clock):
    made = book("2026-11-25T09:00", now=clock(8, 0))
    first = bookings.check_in(made.code, now=clock(8, 50))
    again = bookings.check_in(made.code.lower(), now=clock(8, 51))
    later = bookings.check_in(made.code, now=clock(11, 0))      # even after the window: the ticket it got
    assert first.id == again.id == later.id
    assert Ticket.select().count() == 1


def test_a_cancelled_booking_cannot_check_in_and_a_checked_in_one_cannot_be_cancelled(booking_db, clock):
    gone = book("2026-11-25T09:00", now=clock(8, 0))
    bookings.cancel(gone.code, now=clock(8, 10))
    with pytest.raises(BookingRefused) as exc:
        bookings.check_in(gone.code, now=clock(8, 50))
    assert exc.value.details["reason"] == "cancelled"
    kept = book("2026-11-25T09:00", "0912000002", now=clock(8, 0))
    bookings.check_in(kept.code, now=clock(8, 50))
    with pytest.raises(BookingRefused) as exc:
        bookings.cancel(kept.code, now=clock(8, 55))
    assert exc.value.details["reason"] == "checked_in"


def test_priority_keeps_precedence_over_started_appointments(booking_db, clock):
    made = book("2026-11-25T09:00", now=clock(8, 0))
    appointment = bookings.check_in(made.code, now=clock(8, 50))
    walk_in = queue.issue_ticket("TP", now=clock(8, 45))
    priority = queue.issue_ticket("TP", priority=True, now=clock(9, 1))
    assert queue.find_ticket(appointment.id, now=clock(9, 2)).ahead == 1      # only the priority ticket
    assert queue.find_ticket(walk_in.id, now=clock(9, 2)).ahead == 2
    codes = []
    for minute in range(3):
        codes.append(queue.call_next(1, now=clock(9, 2 + minute)).code)
        queue.finish_service(1, now=clock(9, 2 + minute, 30))
    assert codes == [priority.code, appointment.code, walk_in.code]


def test_started_appointments_go_in_slot_order_and_late_check_in_goes_straight_to_the_front(booking_db, clock):
    nine = book("2026-11-25T09:00", "0912000001", now=clock(8, 0))
    quarter = book("2026-11-25T09:15", "0912000002", now=clock(8, 0))
    walk_in = queue.issue_ticket("TP", now=clock(8, 45))
    t_quarter = bookings.check_in(quarter.code, now=clock(8, 50))
    t_nine = bookings.check_in(nine.code, now=clock(9, 10))       # 10 minutes late, within grace
    # 09:11: the 09:00 appointment has started; the 09:15 one still waits as if issued at 08:50
    assert [t.code for t in waiting_tickets(1, now=clock(9, 11))] == [t_nine.code, walk_in.code, t_quarter.code]
    assert [t.code for t in waiting_tickets(1, now=clock(9, 16))] == [t_nine.code, t_quarter.code, walk_in.code]
    next_up = waiting_tickets(1, now=clock(9, 16))
    assert [t.appointment for t in next_up] == [True, True, False]
    assert next_up[0].slot_start.strftime("%H:%M") == "09:00"


def test_next_codes_people_ahead_and_call_next_follow_one_order(booking_db, clock):
    """Random walk-ins, priority tickets and appointments: every view agrees with call-next."""
    rng = random.Random(15)
    slots = [f"2026-11-25T{h:02d}:{m:02d}" for h in (8, 9) for m in (0, 15, 30, 45)]
    for n in range(12):
        kind = rng.choice(["walk", "walk", "priority", "appointment"])
        moment = clock(8, 0) + 150 * n
        if kind == "appointment" and slots:
            made = book(slots.pop(rng.randrange(len(slots))), f"09120000{n:02d}", now=clock(7, 0))
            try:
                bookings.check_in(made.code, now=moment)
            except BookingRefused:
                pass                                    # too early for a late slot: a walk-in instead
            else:
                continue
        queue.issue_ticket("TP", priority=kind == "priority", now=moment)
    look_at = clock(8, 50)
    expected = [t.code for t in waiting_tickets(1, now=look_at)]
    assert len(expected) >= 8
    assert list(hall_status(now=look_at, next_count=len(expected)).services[0].next_codes) == expected
    for position, code in enumerate(expected):
        row = Ticket.get(Ticket.code == code)
        assert queue.find_ticket(row.id, now=look_at).ahead == position
    called = []
    for _ in expected:
        called.append(queue.call_next(1, now=look_at).code)
        queue.finish_service(1, now=look_at)
    assert called == expected


def test_display_next_codes_mark_appointments(booking_db, clock):
    made = book("2026-11-25T09:00", now=clock(8, 0))
    walk_in = queue.issue_ticket("TP", now=clock(8, 40))
    ticket = bookings.check_in(made.code, now=clock(8, 50))
    tp = hall_status(now=clock(9, 0)).services[0]
    assert tp.next_codes == (ticket.code, walk_in.code) and tp.next_appointments == (ticket.code,)
    assert hall_status(now=clock(9, 0)).to_json()["services"][0]["next_appointments"] == [ticket.code]


def test_walk_in_tickets_say_they_are_not_appointments(booking_db, clock):
    document = queue.issue_ticket("TP", now=clock(9, 0)).to_json()
    assert document["appointment"] is False and document["slot_start"] is None
