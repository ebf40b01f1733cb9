"""The queue rules, proven on SQLite and PostgreSQL (``site_db`` is parametrized)."""

from __future__ import annotations

import pytest

from db import queue, wait_estimate
from db.errors import InvalidInput, LimitReached, NotAllowed, NotFound, ServiceClosed
from db.events import events_after
from db.models import Ticket


def test_numbers_are_consecutive_per_service_with_prefix(site_db, clock):
    codes = [queue.issue_ticket("TP", now=clock(9, 0, i)).code for i in range(3)]
    other = queue.issue_ticket("DD", now=clock(9, 1)).code
    assert codes == ["A001", "A002", "A003"]
    assert other == "C001"


def test_issue_returns_people_ahead(site_db, clock):
    queue.issue_ticket("TP", now=clock(9, 0))
    queue.issue_ticket("TP", now=clock(9, 1))
    third = queue.issue_ticket("TP", now=clock(9, 2))
    assert third.ahead == 2
    assert third.estimated_wait_s is None  # no service history yet


def test_estimated_wait_plays_the_queue_forward_with_recent_service_times(site_db, clock):
    # Two tickets served at counter 1, each occupying it 310 s (call to done).
    for minute in (0, 10):
        queue.issue_ticket("TP", now=clock(8, minute))
        queue.call_next(1, now=clock(8, minute, 10))
        queue.start_service(1, now=clock(8, minute, 20))
        queue.finish_service(1, now=clock(8, minute + 5, 20))
    queue.issue_ticket("TP", now=clock(9, 0))
    queue.issue_ticket("TP", now=clock(9, 0, 1))
    ticket = queue.issue_ticket("TP", now=clock(9, 0, 2))
    # counters 1 and 2 (both call TP) take the two ahead now; the first is free after 310 s + the call gap,
    # lengthened for what cannot be foreseen
    assert ticket.ahead == 2
    assert ticket.estimated_wait_s == round(330 * wait_estimate.UNFORESEEN)


def test_priority_ticket_is_called_before_older_normal_ticket(site_db, clock):
    normal = queue.issue_ticket("TP", now=clock(9, 0))
    urgent = queue.issue_ticket("TP", priority=True, now=clock(9, 5))
    assert urgent.ahead == 0
    assert queue.call_next(1, now=clock(9, 6)).code == urgent.code
    queue.finish_service(1, now=clock(9, 7))
    assert queue.call_next(1, now=clock(9, 8)).code == normal.code


def test_oldest_ticket_across_the_counters_services_is_called_first(site_db, clock):
    ks = queue.issue_ticket("KS", now=clock(9, 0))
    queue.issue_ticket("TP", now=clock(9, 1))
    assert queue.call_next(1, now=clock(9, 2)).code == ks.code  # counter 1 calls TP then KS


def test_counter_only_calls_its_own_services(site_db, clock):
    queue.issue_ticket("DD", now=clock(9, 0))
    assert queue.call_next(1, now=clock(9, 1)) is None
    assert queue.call_next(3, now=clock(9, 1)).service == "DD"


def test_counter_holding_a_ticket_must_finish_it_first(site_db, clock):
    queue.issue_ticket("TP", now=clock(9, 0))
    queue.issue_ticket("TP", now=clock(9, 0, 1))
    queue.call_next(1, now=clock(9, 1))
    with pytest.raises(NotAllowed):
        queue.call_next(1, now=clock(9, 2))
    queue.mark_no_show(1, now=clock(9, 3))
    assert queue.call_next(1, now=clock(9, 4)).code == "A002"


def test_call_on_empty_queue_returns_none(site_db, clock):
    assert queue.call_next(1, now=clock(9, 0)) is None


def test_full_service_cycle_records_times_and_events(site_db, clock):
    issued = queue.issue_ticket("TP", now=clock(9, 0))
    called = queue.call_next(1, officer="lan", now=clock(9, 2))
    assert called.status == "called" and called.counter == 1 and called.officer == "lan"
    recalled = queue.recall(1, now=clock(9, 3))
    assert recalled.status == "called"
    assert queue.start_service(1, now=clock(9, 4)).status == "serving"
    done = queue.finish_service(1, now=clock(9, 10))
    assert done.status == "done"
    assert (done.finished_at - done.started_at).total_seconds() == 360
    assert (done.called_at - issued.issued_at).total_seconds() == 120  # first call, not the recall
    kinds = [e.kind for e in events_after(0) if e.ticket_id == issued.id]
    assert kinds == ["issued", "called", "recalled", "started", "done"]


def test_done_without_start_counts_service_from_last_call(site_db, clock):
    queue.issue_ticket("TP", now=clock(9, 0))
    queue.call_next(1, now=clock(9, 1))
    done = queue.finish_service(1, now=clock(9, 4))
    assert (done.finished_at - done.started_at).total_seconds() == 180


def test_actions_are_refused_in_the_wrong_state(site_db, clock):
    with pytest.raises(NotAllowed):
        queue.recall(1, now=clock(9, 0))
    with pytest.raises(NotAllowed):
        queue.finish_service(1, now=clock(9, 0))
    queue.issue_ticket("TP", now=clock(9, 0))
    queue.call_next(1, now=clock(9, 1))
    queue.start_service(1, now=clock(9, 2))
    with pytest.raises(NotAllowed):
        queue.mark_no_show(1, now=clock(9, 3))  # the citizen is here
    with pytest.raises(NotAllowed):
        queue.start_service(1, now=clock(9, 3))


def test_transfer_to_service_keeps_code_and_place_by_original_issue_time(site_db, clock):
    first = queue.issue_ticket("TP", now=clock(9, 0))
    later_dd = queue.issue_ticket("DD", now=clock(9, 5))
    queue.call_next(1, now=clock(9, 6))
    moved = queue.transfer(1, to_service="DD", note="hồ sơ đất", now=clock(9, 7))
    assert moved.code == first.code and moved.status == "waiting" and moved.service == "DD"
    assert moved.issued_service == "TP"
    # counter 3 calls DD: the transferred ticket (issued 9:00) goes before the 9:05 one
    assert queue.call_next(3, now=clock(9, 8)).code == first.code
    queue.finish_service(3, now=clock(9, 9))
    assert queue.call_next(3, now=clock(9, 10)).code == later_dd.code
    row = Ticket.get_by_id(first.id)
    assert row.transfers == 1 and row.note == "hồ sơ đất"


def test_transfer_to_counter_is_called_only_there(site_db, clock):
    ticket = queue.issue_ticket("TP", now=clock(9, 0))
    queue.call_next(1, now=clock(9, 1))
    moved = queue.transfer(1, to_counter=4, now=clock(9, 2))
    assert moved.target_counter == 4
    assert queue.call_next(2, now=clock(9, 3)) is None  # counter 2 also serves TP, but not this one
    assert queue.call_next(4, now=clock(9, 3)).code == ticket.code  # counter 4 does not serve TP


def test_transfer_needs_exactly_one_target(site_db, clock):
    with pytest.raises(InvalidInput):
        queue.transfer(1, now=clock(9, 0))


def test_paused_counter_cannot_call_and_cannot_pause_holding_a_ticket(site_db, clock):
    queue.issue_ticket("TP", now=clock(9, 0))
    queue.set_paused(1, True, now=clock(9, 1))
    with pytest.raises(NotAllowed):
        queue.call_next(1, now=clock(9, 2))
    queue.set_paused(1, False, now=clock(9, 3))
    queue.call_next(1, now=clock(9, 4))
    with pytest.raises(NotAllowed):
        queue.set_paused(1, True, now=clock(9, 5))


def test_cancelled_ticket_is_never_called(site_db, clock):
    ticket = queue.issue_ticket("TP", now=clock(9, 0))
    cancelled = queue.cancel_ticket(ticket.id, reason="print_failed", now=clock(9, 0, 1))
    assert cancelled.status == "cancelled" and cancelled.cancel_reason == "print_failed"
    assert queue.call_next(1, now=clock(9, 1)) is None


def test_call_specific_ticket_by_code(site_db, clock):
    queue.issue_ticket("TP", now=clock(9, 0))
    second = queue.issue_ticket("TP", now=clock(9, 1))
    called = queue.call_ticket(1, "a002", now=clock(9, 2))
    assert called.id == second.id
    queue.finish_service(1, now=clock(9, 3))
    with pytest.raises(NotAllowed):
        queue.call_ticket(1, "A002", now=clock(9, 4))  # already served
    with pytest.raises(NotFound):
        queue.call_ticket(1, "Z999", now=clock(9, 4))


def test_day_rollover_restarts_numbers_and_closes_yesterdays_tickets(site_db, clock):
    queue.issue_ticket("TP", now=clock(16, 0))
    queue.issue_ticket("TP", now=clock(16, 1))
    queue.call_next(1, now=clock(16, 2))  # held over midnight
    tomorrow = clock(8, 0, day=26)
    fresh = queue.issue_ticket("TP", now=tomorrow)
    assert fresh.code == "A001"
    statuses = {t.code: (t.status, t.cancel_reason) for t in Ticket.select().where(Ticket.service_day == "2026-11-25")}
    assert statuses == {"A001": ("cancelled", "day_closed"), "A002": ("cancelled", "day_closed")}
    # yesterday's unfinished ticket no longer blocks counter 1, and is never called again
    assert queue.call_next(1, now=clock(8, 1, day=26)).id == fresh.id


def test_daily_limit_and_number_range_are_refused_with_a_reason(site_db, clock):
    from db.models import Service

    Service.update(daily_limit=2).where(Service.code == "TP").execute()
    Service.update(end=2).where(Service.code == "KS").execute()
    for i in range(2):
        queue.issue_ticket("TP", now=clock(9, i))
        queue.issue_ticket("KS", now=clock(9, i))
    with pytest.raises(LimitReached) as limit:
        queue.issue_ticket("TP", now=clock(9, 5))
    assert "2" in limit.value.message_vi
    assert queue.issue_check("TP", now=clock(9, 5)) == "limit"
    with pytest.raises(LimitReached):
        queue.issue_ticket("KS", now=clock(9, 5))
    assert queue.issue_check("KS", now=clock(9, 5)) == "range"
    assert Ticket.select().count() == 4  # refusals leave no ticket behind


def test_opening_hours_and_days_are_enforced_in_site_time(site_db, clock):
    from pathlib import Path

    from db.site import import_site
    from db.site_config import load_site_file

    import_site(load_site_file(Path(__file__).parents[2] / "examples" / "commune.toml"))
    assert queue.issue_ticket("TP", now=clock(7, 30)).code == "A001"
    with pytest.raises(ServiceClosed) as lunch:
        queue.issue_ticket("TP", now=clock(12, 0))
    assert "13:30" in lunch.value.message_vi
    with pytest.raises(ServiceClosed):
        queue.issue_ticket("TP", now=clock(17, 0))  # [start, end)
    with pytest.raises(ServiceClosed) as weekend:
        queue.issue_ticket("TP", now=clock(9, 0, day=28))  # Saturday
    assert "07:30" in weekend.value.message_vi
    assert queue.issue_check("TP", now=clock(9, 0, day=28)) == "closed"


def test_events_follow_in_order_after_an_id(site_db, clock):
    start = max([e.id for e in events_after(0)] or [0])
    queue.issue_ticket("TP", now=clock(9, 0))
    queue.call_next(1, now=clock(9, 1))
    batch = events_after(start)
    assert [e.kind for e in batch] == ["issued", "called"]
    assert batch[1].counter == 1 and batch[1].code == "A001"
    assert events_after(batch[-1].id) == []
