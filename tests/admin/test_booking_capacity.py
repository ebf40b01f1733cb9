"""``db.admin_ops.set_booking_capacity``: who may set a service's appointment slots, within which rules."""

from __future__ import annotations

import pytest
from site_clock import at

from db import admin_ops, audit, bookings
from db.errors import Forbidden, InvalidInput, NotAllowed
from db.feed import EventFollower
from db.models import Service
from db.permissions import LOCAL_ADMIN, Actor

SUPERVISOR = Actor("quang", "supervisor")


def _slots(code: str) -> tuple[int | None, int | None]:
    row = Service.get(Service.code == code)
    return row.booking_slot_min, row.booking_per_slot


def test_a_supervisor_sets_the_slots_with_an_audit_entry_and_an_event(booking_site_db):
    follower = EventFollower()
    result = admin_ops.set_booking_capacity("dd", 20, 3, actor=SUPERVISOR, now=at(9, 0))
    assert (result.code, result.slot_min, result.per_slot, result.bookable) == ("DD", 20, 3, True)
    assert _slots("DD") == (20, 3)
    entry = [e for e in audit.entries() if e["action"] == "booking_capacity"][-1]
    assert entry["actor"] == "quang" and entry["target"] == "DD"
    assert entry["before"] == {"slot_min": None, "per_slot": None} and entry["after"] == {"slot_min": 20, "per_slot": 3}
    events = [e for e in follower.poll() if e.kind == "booking_capacity_changed"]
    follower.close()
    assert [(e.service, e.officer, e.data) for e in events] == [("DD", "quang", {"slot_min": 20, "per_slot": 3})]
    assert "DD" in [s.code for s in bookings.bookable_services()]
    assert len(bookings.open_slots("DD", "2026-11-25", now=at(9, 0))) > 0


def test_an_officer_is_refused_and_nothing_changes(booking_site_db):
    with pytest.raises(Forbidden):
        admin_ops.set_booking_capacity("TP", 30, 5, actor=Actor("lan", "officer"))
    assert _slots("TP") == (15, 2)
    assert not [e for e in audit.entries() if e["action"] == "booking_capacity"]


def test_the_toml_rules_apply(booking_site_db):
    for slot_min, per_slot in ((4, 2), (241, 2), (15, 0), (15, 101), (15, None)):
        with pytest.raises(InvalidInput):
            admin_ops.set_booking_capacity("TP", slot_min, per_slot, actor=LOCAL_ADMIN)
    assert _slots("TP") == (15, 2)


def test_places_may_change_under_bookings_but_the_slot_length_may_not(booking_site_db):
    made = bookings.book("TP", "2026-11-25T10:00", "Trịnh Văn Nam", "0912345678", now=at(9, 0))
    admin_ops.set_booking_capacity("TP", 15, 1, actor=SUPERVISOR, now=at(9, 5))
    assert _slots("TP") == (15, 1)
    with pytest.raises(NotAllowed, match="1 upcoming"):
        admin_ops.set_booking_capacity("TP", 30, 1, actor=SUPERVISOR, now=at(9, 5))
    assert _slots("TP") == (15, 1)
    admin_ops.set_booking_capacity("TP", None, None, actor=SUPERVISOR, now=at(9, 10))    # no new bookings ...
    assert "TP" not in [s.code for s in bookings.bookable_services()]
    assert bookings.check_in(made.code, now=at(9, 50)).appointment                      # ... the made one holds
    assert [c.upcoming for c in admin_ops.booking_capacities(now=at(9, 10)) if c.code == "KS"] == [0]
