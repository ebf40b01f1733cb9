"""Which ticket a press belongs to, debounce, and what is stored (SQLite and PostgreSQL)."""

from __future__ import annotations

import json

import pytest
from keypad_helpers import SITE_WITH_ADDRESSES

from db import queue
from db.errors import InvalidInput, NotFound
from db.models import Event, Rating
from db.ratings import (
    counter_for_keypad_address,
    keypad_address_conflicts,
    keypad_addresses,
    latest_rating,
    record_press,
)
from db.values import RatingInfo


def serve(counter: int, at: float, *, officer: str | None = None, start: bool = True):
    """Issue a TP ticket and have ``counter`` call (and start) it, all at ``at``."""
    ticket = queue.issue_ticket("TP", now=at - 60)
    called = queue.call_next(counter, officer=officer, now=at)
    assert called is not None and called.id == ticket.id
    if start:
        queue.start_service(counter, now=at + 1)
    return ticket


def rows() -> list[Rating]:
    return list(Rating.select().order_by(Rating.id))


# ---------------------------------------------------------------- attachment

def test_press_attaches_to_the_ticket_being_served(site_db, clock):
    ticket = serve(1, clock(9, 0))
    info = record_press(1, 3, now=clock(9, 5))
    assert isinstance(info, RatingInfo)
    assert (info.ticket_id, info.ticket_code, info.counter, info.value) == (ticket.id, ticket.code, 1, 3)
    assert info.attached and info.counted and info.source == "keypad"


def test_press_attaches_to_the_ticket_called_but_not_started(site_db, clock):
    ticket = serve(1, clock(9, 0), start=False)
    assert record_press(1, 2, now=clock(9, 1)).ticket_id == ticket.id


def test_press_after_done_inside_the_window_attaches_to_the_finished_ticket(site_db, clock):
    ticket = serve(1, clock(9, 0))
    queue.finish_service(1, now=clock(9, 10))
    info = record_press(1, 3, now=clock(9, 10) + 119)  # window_s = 120
    assert info.ticket_id == ticket.id


def test_press_after_the_window_is_stored_unattached(site_db, clock):
    serve(1, clock(9, 0))
    queue.finish_service(1, now=clock(9, 10))
    info = record_press(1, 3, now=clock(9, 12, 1))
    assert info.ticket_id is None and not info.attached
    assert [(r.ticket_id, r.value, r.counted) for r in rows()] == [(None, 3, True)]


def test_press_with_no_ticket_ever_is_stored_unattached(site_db, clock):
    info = record_press(2, 1, now=clock(8, 0))
    assert info.ticket_id is None
    assert len(rows()) == 1


def test_press_goes_to_the_counter_own_ticket_not_another_counter(site_db, clock):
    ticket = serve(1, clock(9, 0))
    assert record_press(2, 3, now=clock(9, 2)).ticket_id is None
    assert record_press(1, 3, now=clock(9, 2)).ticket_id == ticket.id


def test_press_after_the_next_call_goes_to_the_new_ticket(site_db, clock):
    first = serve(1, clock(9, 0))
    queue.finish_service(1, now=clock(9, 10))
    second = serve(1, clock(9, 11))
    assert record_press(1, 3, now=clock(9, 11, 30)).ticket_id == second.id != first.id


def test_press_right_after_done_goes_to_the_leaving_citizen_even_if_the_next_is_called(site_db, clock):
    first = serve(1, clock(9, 0))
    queue.finish_service(1, now=clock(9, 10))
    second = serve(1, clock(9, 10, 2), start=False)  # officer called the next number at once
    assert record_press(1, 3, now=clock(9, 10, 8)).ticket_id == first.id
    # once the leaving citizen's window is over, the called citizen's presses are theirs
    assert record_press(1, 2, now=clock(9, 13)).ticket_id == second.id


def test_no_show_and_transferred_tickets_are_not_rated(site_db, clock):
    serve(1, clock(9, 0), start=False)
    queue.mark_no_show(1, now=clock(9, 3))
    assert record_press(1, 3, now=clock(9, 3, 10)).ticket_id is None
    serve(1, clock(9, 5))
    queue.transfer(1, to_service="DD", now=clock(9, 6))
    assert record_press(1, 2, now=clock(9, 6, 10)).ticket_id is None


def test_ticket_keeps_every_press_and_its_latest_counted_one_is_its_rating(site_db, clock):
    ticket = serve(1, clock(9, 0))
    record_press(1, 1, now=clock(9, 5))
    queue.finish_service(1, now=clock(9, 6))
    record_press(1, 3, now=clock(9, 6, 30))
    stored = [(r.ticket_id, r.value, r.counted) for r in rows()]
    assert stored == [(ticket.id, 1, True), (ticket.id, 3, True)]
    latest = (Rating.select().where((Rating.ticket == ticket.id) & (Rating.counted == True))  # noqa: E712
              .order_by(Rating.pressed_at.desc()).first())
    assert latest.value == 3


def test_officer_of_the_served_ticket_is_recorded(site_db, clock):
    serve(1, clock(9, 0), officer="lan")
    info = record_press(1, 3, now=clock(9, 2))
    assert info.officer == "lan"
    assert rows()[0].officer.username == "lan"


def test_window_comes_from_the_site_file(site_db, clock, import_site_text):
    import_site_text(SITE_WITH_ADDRESSES)  # window_s = 60
    serve(1, clock(9, 0))
    queue.finish_service(1, now=clock(9, 10))
    assert record_press(1, 5, now=clock(9, 10) + 59).attached
    assert not record_press(1, 4, now=clock(9, 11, 1)).attached


# ---------------------------------------------------------------- debounce

def test_same_value_again_within_2_s_is_stored_but_not_counted(site_db, clock):
    ticket = serve(1, clock(9, 0))
    first = record_press(1, 3, now=clock(9, 5))
    again = record_press(1, 3, now=clock(9, 5, 1.5))
    assert first.counted and not again.counted
    assert [(r.ticket_id, r.counted) for r in rows()] == [(ticket.id, True), (ticket.id, False)]


def test_mashing_one_key_for_ten_seconds_counts_once(site_db, clock):
    serve(1, clock(9, 0))
    results = [record_press(1, 3, now=clock(9, 5) + 0.5 * i) for i in range(20)]
    assert [r.counted for r in results] == [True] + [False] * 19


def test_same_value_after_2_s_counts_again(site_db, clock):
    serve(1, clock(9, 0))
    record_press(1, 3, now=clock(9, 5))
    assert record_press(1, 3, now=clock(9, 5, 2.0)).counted


def test_different_value_within_2_s_counts(site_db, clock):
    serve(1, clock(9, 0))
    record_press(1, 3, now=clock(9, 5))
    assert record_press(1, 1, now=clock(9, 5, 0.5)).counted


def test_same_value_at_another_counter_counts(site_db, clock):
    record_press(1, 3, now=clock(9, 5))
    assert record_press(2, 3, now=clock(9, 5, 0.5)).counted


def test_debounce_comes_from_the_site_file(site_db, clock, import_site_text):
    import_site_text(SITE_WITH_ADDRESSES)  # debounce_s = 5
    record_press(1, 5, now=clock(9, 5))
    assert not record_press(1, 5, now=clock(9, 5, 4)).counted
    assert record_press(1, 5, now=clock(9, 5, 9.5)).counted


# ---------------------------------------------------------------- refusals, event, screen

@pytest.mark.parametrize("value", [0, 4, 9, -1])
def test_value_outside_the_levels_is_refused_and_nothing_stored(site_db, clock, value):
    with pytest.raises(InvalidInput):
        record_press(1, value, now=clock(9, 0))
    assert rows() == []


def test_unknown_counter_is_refused(site_db, clock):
    with pytest.raises(NotFound):
        record_press(99, 3, now=clock(9, 0))
    assert rows() == []


def test_each_press_writes_a_rated_event(site_db, clock):
    ticket = serve(1, clock(9, 0))
    info = record_press(1, 2, now=clock(9, 5))
    event = Event.select().where(Event.kind == "rated").order_by(Event.id.desc()).first()
    data = json.loads(event.data)
    assert (event.counter_number, event.ticket_id, event.code) == (1, ticket.id, ticket.code)
    assert data["value"] == 2 and data["attached"] is True and data["rating_id"] == info.id
    record_press(3, 1, now=clock(9, 6))
    unattached = json.loads(Event.select().where(Event.kind == "rated").order_by(Event.id.desc()).first().data)
    assert unattached["attached"] is False


def test_latest_rating_is_the_counter_last_counted_press_of_today(site_db, clock):
    assert latest_rating(1, now=clock(9, 0)) is None
    serve(1, clock(9, 0))
    record_press(1, 2, now=clock(9, 5))
    record_press(1, 2, now=clock(9, 5, 1))   # repeat: not counted
    latest = latest_rating(1, now=clock(9, 6))
    assert (latest.value, latest.label, latest.counted) == (2, "Hài lòng", True)
    assert latest.pressed_at.timestamp() == clock(9, 5)
    assert latest_rating(1, now=clock(9, 0, day=26)) is None  # next morning starts clean


# ---------------------------------------------------------------- bus addresses

def test_bus_addresses_default_to_counter_numbers(site_db):
    assert keypad_addresses() == {1: 1, 2: 2, 3: 3, 4: 4}
    assert counter_for_keypad_address(3) == 3
    assert counter_for_keypad_address(9) is None


def test_keypad_address_from_the_site_file_and_shared_address_is_refused(site_db, import_site_text):
    import_site_text(SITE_WITH_ADDRESSES)
    assert counter_for_keypad_address(1) == 1
    assert counter_for_keypad_address(17) == 2
    assert counter_for_keypad_address(2) is None        # counter 2 answers to 17 now
    assert counter_for_keypad_address(5) is None        # counters 3 and 5 both claim 5: never guess
    assert keypad_address_conflicts() == {5: [3, 5]}
