"""Booking rules: slots, capacity, limits and refusals, on both engines (clock injected).

2026-11-25 is a Wednesday; the site opens 07:30-11:30 and 13:30-17:00 on weekdays.
TP: slots of 15 minutes, 2 places; KS: 30 minutes, 1 place; DD takes no bookings.
"""

from __future__ import annotations

import json
import re

import pytest

from db import bookings
from db.errors import BookingRefused, InvalidInput, LimitReached, NotFound, ServiceClosed
from db.models import Booking, BookingSlot, Site


def book(at_text: str, phone: str = "0912345678", *, service: str = "TP", now: float, **kw):
    return bookings.book(service, at_text, "Nguyễn Văn An", phone, now=now, **kw)


def refusal(exc_info) -> str:
    return exc_info.value.details.get("reason")


# ---------------------------------------------------------------- slots

def test_slots_start_at_each_opening_span_and_lie_inside_it(booking_db, clock):
    slots = bookings.open_slots("KS", "2026-11-26", now=clock(9, 0))
    starts = [s.start.strftime("%H:%M") for s in slots]
    # 07:30-11:30 -> 8 half-hour slots from 07:30; 13:30-17:00 -> 7 from 13:30; none crosses a span's end
    assert starts[:3] == ["07:30", "08:00", "08:30"] and starts[7] == "11:00" and starts[8] == "13:30"
    assert starts[-1] == "16:30" and len(starts) == 15
    assert all(s.places_left == 1 and s.capacity == 1 for s in slots)
    assert slots[0].start.isoformat() == "2026-11-26T07:30:00+07:00"
    assert slots[0].end.isoformat() == "2026-11-26T08:00:00+07:00"


def test_open_slots_hide_the_past_and_count_places_left(booking_db, clock):
    book("2026-11-25T10:00", now=clock(9, 0))
    slots = {s.start.strftime("%H:%M"): s for s in bookings.open_slots("TP", "2026-11-25", now=clock(9, 20))}
    assert "09:00" not in slots           # started more than grace_min (15) ago
    assert "09:15" in slots               # started 5 minutes ago: still bookable
    assert slots["10:00"].places_left == 1 and slots["10:15"].places_left == 2
    assert bookings.open_slots("TP", "2026-11-28", now=clock(9, 0)) == []   # Saturday: closed
    assert bookings.open_slots("TP", "2026-12-03", now=clock(9, 0)) == []   # beyond days_ahead
    assert bookings.open_slots("TP", "2026-11-24", now=clock(9, 0)) == []   # yesterday


def test_booking_days_are_open_days_up_to_days_ahead(booking_db, clock):
    days = [d.isoformat() for d in bookings.booking_days(now=clock(9, 0))]
    assert days == ["2026-11-25", "2026-11-26", "2026-11-27", "2026-11-30", "2026-12-01", "2026-12-02"]


def test_bookable_services_are_those_with_a_booking_table(booking_db):
    assert [(s.code, s.slot_min, s.per_slot) for s in bookings.bookable_services()] == [("TP", 15, 2), ("KS", 30, 1)]


# ---------------------------------------------------------------- booking

def test_booking_returns_code_slot_status_and_no_manage_url_without_public_url(booking_db, clock):
    made = book("2026-11-26T09:00", "+84 912 345 678", now=clock(15, 0))
    document = made.to_json()
    assert set(document) >= {"code", "service", "slot_start", "status", "manage_url"}
    assert document["service"] == "TP" and document["status"] == "booked"
    assert document["slot_start"] == "2026-11-26T09:00:00+07:00"
    assert document["manage_url"] is None
    assert document["phone"] == "0912345678"
    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{6}", made.code)
    public = made.to_public_json()
    assert "name" not in public and "phone" not in public and "0912345678" not in json.dumps(public)


def test_manage_url_is_public_url_plus_an_unguessable_token(booking_db, clock):
    site = Site.get()
    site.settings = json.dumps({**json.loads(site.settings), "web": {"public_url": "https://hen.quangkim.gov.vn/"}})
    site.save()
    first = book("2026-11-26T09:00", now=clock(15, 0))
    second = book("2026-11-26T09:00", "0987654321", now=clock(15, 0))
    assert first.manage_url.startswith("https://hen.quangkim.gov.vn/b/")
    token = first.manage_url.rsplit("/", 1)[-1]
    assert len(token) >= 22 and first.code not in token        # >= 128 random bits, not derived from the code
    assert token != second.manage_url.rsplit("/", 1)[-1]
    # the kiosk's scanner reads the whole URL; the code and the token find it too
    assert bookings.find(first.manage_url).code == first.code
    assert bookings.find(token).code == first.code
    assert bookings.find(first.code.lower()).code == first.code
    with pytest.raises(NotFound):
        bookings.find(first.manage_url[:-1] + ("A" if token[-1] != "A" else "B"))


def test_codes_are_short_unambiguous_unique_and_random(booking_db, clock):
    codes = []
    for minute in range(0, 240, 15):
        for place in range(2):
            hh, mm = divmod(7 * 60 + 30 + minute, 60)
            codes.append(book(f"2026-11-27T{hh:02d}:{mm:02d}", f"09120{minute:03d}{place:02d}", now=clock(9, 0)).code)
    assert len(codes) == len(set(codes)) == 32
    assert all(len(c) == 6 and not set(c) & set("01OI") for c in codes)
    # random, not a counter: consecutive codes share no long prefix
    assert sum(a[:3] == b[:3] for a, b in zip(codes, codes[1:])) <= 2


def test_a_full_slot_is_refused_and_a_cancel_gives_the_place_back(booking_db, clock):
    book("2026-11-26T09:00", "0912000001", now=clock(9, 0))
    second = book("2026-11-26T09:00", "0912000002", now=clock(9, 0))
    with pytest.raises(LimitReached) as exc:
        book("2026-11-26T09:00", "0912000003", now=clock(9, 0))
    assert refusal(exc) == "full" and exc.value.exit_code == 3
    assert "đã đủ chỗ" in exc.value.message("vi") and "is full" in exc.value.message("en")
    assert bookings.cancel(second.code, now=clock(9, 5)).status == "cancelled"
    assert bookings.cancel(second.code, now=clock(9, 6)).status == "cancelled"   # twice: harmless, counted once
    assert BookingSlot.get().booked == 1
    book("2026-11-26T09:00", "0912000003", now=clock(9, 10))
    assert Booking.select().where(Booking.status == "booked").count() == 2


@pytest.mark.parametrize("at_text, reason, kind", [
    ("2026-11-25T08:00", "past", BookingRefused),             # started 60 min ago (> grace 15)
    ("2026-12-03T09:00", "too_far", BookingRefused),          # 8 days ahead
    ("2026-11-25T12:00", "outside_hours", ServiceClosed),      # lunch break
    ("2026-11-25T11:30", "outside_hours", ServiceClosed),      # closing time: no slot starts there
    ("2026-11-28T09:00", "outside_hours", ServiceClosed),      # Saturday
    ("2026-11-25T09:07", "not_a_slot", BookingRefused),
])
def test_refusals_exit_3_with_a_one_line_reason(booking_db, clock, at_text, reason, kind):
    with pytest.raises(kind) as exc:
        book(at_text, now=clock(9, 0))
    assert refusal(exc) == reason and exc.value.exit_code == 3
    assert "\n" not in str(exc.value) and exc.value.message("vi") != exc.value.message("en")


def test_a_slot_started_less_than_grace_ago_can_still_be_booked(booking_db, clock):
    assert book("2026-11-25T09:00", now=clock(9, 15)).status == "booked"
    with pytest.raises(BookingRefused):
        book("2026-11-25T09:00", "0912000009", now=clock(9, 15, 1))


def test_a_service_without_booking_table_refuses(booking_db, clock):
    with pytest.raises(BookingRefused) as exc:
        book("2026-11-26T09:00", service="DD", now=clock(9, 0))
    assert refusal(exc) == "no_booking"


def test_one_phone_holds_at_most_max_per_phone_per_day(booking_db, clock):
    book("2026-11-26T09:00", "0912345678", now=clock(9, 0))
    second = book("2026-11-26T10:00", "+84912345678", now=clock(9, 0))    # the same number written otherwise
    with pytest.raises(LimitReached) as exc:
        book("2026-11-26T11:00", "84912345678", service="KS", now=clock(9, 0))
    assert refusal(exc) == "phone_limit"
    assert book("2026-11-27T09:00", "0912345678", now=clock(9, 0)).status == "booked"   # another day
    bookings.cancel(second.code, now=clock(9, 1))
    assert book("2026-11-26T11:00", "0912345678", now=clock(9, 2)).status == "booked"
    # the refused attempt took nothing: 09:00, 11:00 (KS refused, TP ok) hold one place each
    assert {s.start.strftime("%H:%M"): s.places_left for s in bookings.open_slots("TP", "2026-11-26", now=clock(9, 3))
            if s.start.hour in (9, 10, 11) and s.start.minute == 0} == {"09:00": 1, "10:00": 2, "11:00": 1}


def test_one_client_address_makes_at_most_max_per_client_per_day(booking_db, clock):
    for n in range(3):
        book(f"2026-11-26T0{7 + n}:30", f"091200000{n}", client="203.0.113.9", now=clock(9, 0))
    with pytest.raises(LimitReached) as exc:
        book("2026-11-26T10:30", "0912000005", client="203.0.113.9", now=clock(9, 0))
    assert refusal(exc) == "client_limit"
    assert book("2026-11-26T10:30", "0912000005", client="198.51.100.7", now=clock(9, 0)).status == "booked"
    assert book("2026-11-26T10:45", "0912000006", client="203.0.113.9", now=clock(9, 0, day=26)).status == "booked"


@pytest.mark.parametrize("phone", ["0212345678", "091234567", "09123456789", "+8491234567", "abc", "", "+1 555 0100"])
def test_malformed_phone_exits_2(booking_db, clock, phone):
    with pytest.raises(InvalidInput) as exc:
        book("2026-11-26T09:00", phone, now=clock(9, 0))
    assert exc.value.exit_code == 2
    assert Booking.select().count() == 0 and BookingSlot.select().count() == 0


@pytest.mark.parametrize("phone, normal", [("0912345678", "0912345678"), ("+84 912 345 678", "0912345678"),
                                           ("84-912-345-678", "0912345678"), ("0397.123.456", "0397123456")])
def test_phone_numbers_are_normalized(phone, normal):
    assert bookings.normalize_phone(phone) == normal


@pytest.mark.parametrize("at_text", ["2026-11-26", "26/11/2026 09:00", "2026-11-26T9:00", "2026-13-01T09:00", "tomorrow"])
def test_malformed_time_exits_2(booking_db, clock, at_text):
    with pytest.raises(InvalidInput) as exc:
        book(at_text, now=clock(9, 0))
    assert exc.value.exit_code == 2


def test_empty_name_exits_2(booking_db, clock):
    with pytest.raises(InvalidInput):
        bookings.book("TP", "2026-11-26T09:00", "   ", "0912345678", now=clock(9, 0))


def test_list_bookings_of_a_day_in_slot_order_and_no_show_after_grace(booking_db, clock):
    late = book("2026-11-25T10:00", "0912000001", now=clock(9, 0))
    early = book("2026-11-25T09:30", "0912000002", now=clock(9, 0))
    book("2026-11-26T09:30", "0912000003", now=clock(9, 0))
    listed = bookings.list_bookings("2026-11-25", now=clock(9, 40))
    assert [b.code for b in listed] == [early.code, late.code]
    assert [b.status for b in listed] == ["booked", "booked"]
    assert [b.status for b in bookings.list_bookings("2026-11-25", now=clock(9, 46))] == ["no_show", "booked"]
    assert [b.code for b in bookings.list_bookings(now=clock(9, 0))] == [early.code, late.code]   # default today
    with pytest.raises(BookingRefused) as exc:
        bookings.cancel(early.code, now=clock(9, 46))
    assert refusal(exc) == "past"


def test_booking_writes_events_without_personal_data(booking_db, clock):
    from db.events import events_after

    made = book("2026-11-26T09:00", now=clock(9, 0))
    bookings.cancel(made.code, now=clock(9, 1))
    events = [e for e in events_after(0) if e.kind in ("booked", "booking_cancelled")]
    assert [(e.kind, e.code, e.service) for e in events] == [("booked", made.code, "TP"),
                                                             ("booking_cancelled", made.code, "TP")]
    text = json.dumps([e.data for e in events], ensure_ascii=False)
    assert "0912345678" not in text and "Nguyễn" not in text
