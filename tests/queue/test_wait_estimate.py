"""The one wait estimate (db/wait_estimate.py): small constructed queues, and a tiny simulated morning."""

from __future__ import annotations

import statistics

from db import queue, wait_estimate
from db.wait_estimate import BreakAhead, Desk, ServiceTime, WaitEstimate, WaitingTicket, display_range, plan

U = wait_estimate.UNFORESEEN
U_LEARNT = wait_estimate.UNFORESEEN_BREAKS_LEARNT
TZ = "Asia/Ho_Chi_Minh"
GAP = wait_estimate.CALL_GAP_S


def test_a_priority_ticket_issued_later_is_taken_first():
    times = {1: ServiceTime(300, 0)}
    waiting = [WaitingTicket(1, 1, False, 0.0), WaitingTicket(2, 1, True, 50.0)]
    got = plan(100.0, waiting, [Desk(10, frozenset({1}), busy_service_id=1, busy_since=100.0)], times)
    assert got[2].point_s == round(300 * U)
    assert got[1].point_s == round((300 + 300 + GAP) * U)


def test_a_counter_shared_with_another_service_is_counted_once():
    # Counter 10 calls services 1 and 2; the older ticket of service 2 goes first.
    times = {1: ServiceTime(600, 0), 2: ServiceTime(600, 0)}
    waiting = [WaitingTicket(1, 2, False, 0.0), WaitingTicket(2, 1, False, 10.0)]
    got = plan(100.0, waiting, [Desk(10, frozenset({1, 2}))], times)
    assert got[1].point_s == 0
    assert got[2].point_s == round((600 + GAP) * U)


def test_a_ticket_only_a_paused_counter_calls_counts_on_it_coming_back():
    times = {1: ServiceTime(300, 0)}
    got = plan(0.0, [WaitingTicket(1, 1, False, 0.0)], [Desk(10, frozenset({1}), paused=True)], times)
    assert got[1].point_s == round(wait_estimate.PAUSED_RETURN_S * U)


def test_nothing_is_estimated_before_any_call_has_finished():
    assert plan(0.0, [WaitingTicket(1, 1, False, 0.0)], [Desk(10, frozenset({1}))], {1: None}) == {1: None}


def test_a_narrow_range_is_one_figure_and_a_wide_one_is_rounded_to_five_minutes():
    assert WaitEstimate(600, 570, 630).range_s is None
    assert WaitEstimate(750, 560, 940).range_s == (600, 900)
    assert display_range(60, 100) == (60, 60)


def test_issue_gives_the_played_forward_estimate_and_range(site_db, clock):
    # KD is served at counter 4 only; two calls of 10 min each are history.
    for minute in (0, 20):
        queue.issue_ticket("KD", now=clock(8, minute))
        queue.call_next(4, now=clock(8, minute))
        queue.finish_service(4, now=clock(8, minute + 10))
    queue.issue_ticket("KD", now=clock(9, 0))
    queue.call_next(4, now=clock(9, 0))                   # counter 4 busy since 09:00
    ticket = queue.issue_ticket("KD", now=clock(9, 5))  # 5 min left of the current call
    assert ticket.ahead == 0
    assert ticket.estimated_wait_s == round(300 * U)
    assert ticket.estimated_wait_range_s is None or ticket.estimated_wait_range_s[0] <= ticket.estimated_wait_s


def test_a_small_simulated_morning_beats_the_old_formula(tmp_path):
    from bench.sim_wait_estimate import figures, run

    records, _ = run("commune", 1, 7, tmp_path)
    new, old = figures(records, "new"), figures(records, "old")
    assert new["n_5min"] > 30 and old["n_5min"] > 30
    assert new["mdape_5min_pct"] < old["mdape_5min_pct"]


# ---------------------------------------------------------------- the per-counter rules


def test_a_paused_counter_expected_back_is_counted_on_even_when_another_counter_serves_the_service():
    times = {1: ServiceTime(600, 0)}
    waiting = [WaitingTicket(1, 1, False, 0.0), WaitingTicket(2, 1, False, 1.0)]
    desks = [Desk(10, frozenset({1}), busy_service_id=1, busy_since=0.0),
             Desk(11, frozenset({1}), paused=True, returns_at=120.0)]
    got = plan(0.0, waiting, desks, times)
    assert got[1].point_s == round(120 * U)        # the paused counter, back at 120 s, is free first
    assert got[2].point_s == round(600 * U)        # then the busy one


def test_a_slower_officer_takes_longer_per_call():
    times = {1: ServiceTime(300, 0)}
    waiting = [WaitingTicket(1, 1, False, 0.0), WaitingTicket(2, 1, False, 1.0)]
    got = plan(0.0, waiting, [Desk(10, frozenset({1}), speed=2.0)], times)
    assert got[1].point_s == 0
    assert got[2].point_s == round((600 + GAP) * U)


def test_counter_pace_is_compared_in_log_terms_and_shrunk_toward_the_site():
    calls = ([wait_estimate.Call(1, 10, 600.0, True) for _ in range(10)]
             + [wait_estimate.Call(1, 11, 300.0, True) for _ in range(10)]
             + [wait_estimate.Call(1, 11, 30.0, False) for _ in range(5)])       # no-shows: not the officer's pace
    speeds = wait_estimate.counter_speeds(calls, {1: ServiceTime(450, 0)})
    assert 1.0 < speeds[10] < 2 ** 0.5 and 2 ** -0.5 < speeds[11] < 1.0
    assert abs(speeds[10] * speeds[11] - 1.0) < 1e-9                          # same number of calls each side


def test_a_running_call_s_remaining_time_comes_from_the_calls_that_lasted_longer():
    service = ServiceTime.from_durations([100, 200, 300, 400, 800, 900])
    assert service.remaining(350) == (statistics.fmean([50, 450, 550]), statistics.pvariance([50, 450, 550]))
    mean = service.mean_s
    assert service.remaining(850)[0] == wait_estimate.RESIDUAL_SHARE * mean   # too few longer: the old rule


def test_the_range_is_longer_above_than_below():
    wide = wait_estimate._estimate(1800.0, 600.0 ** 2)
    assert wide.low_s < wide.point_s < wide.high_s
    assert wide.high_s - wide.point_s > wide.point_s - wide.low_s


def test_a_counter_on_a_break_is_expected_back_after_today_s_typical_break(site_db, clock):
    # TP is called at counters 1 and 2; calls of 5 min at counter 1.
    for minute in (0, 10):
        queue.issue_ticket("TP", now=clock(8, minute))
        queue.call_next(1, now=clock(8, minute))
        queue.finish_service(1, now=clock(8, minute + 5))
    queue.set_paused(2, True, now=clock(7, 0))            # counter 2 not opened today: not counted on
    queue.set_paused(1, True, now=clock(8, 30))           # a 10-minute break ...
    queue.set_paused(1, False, now=clock(8, 40))
    queue.set_paused(1, True, now=clock(9, 0))            # ... and another one from 09:00
    assert wait_estimate.read_breaks(clock(9, 5), TZ).returns == {1: clock(9, 10)}
    ticket = queue.issue_ticket("TP", now=clock(9, 5))
    assert ticket.estimated_wait_s == round(300 * U)      # 5 min until 09:10, not the 10 min of a blind guess


# ---------------------------------------------------------------- breaks to come, calls running now


def test_a_break_to_come_delays_the_calls_after_it_by_its_expected_part():
    # Half a chance of a 10-minute break, starting at 400 s or at 1000 s: each call that ends
    # past one of the two starts is pushed back by its share (1/2 x 1/2 x 600 s).
    ahead = BreakAhead((400.0, 1000.0), 0.5, 600.0)
    times = {1: ServiceTime(300, 0)}
    waiting = [WaitingTicket(i, 1, False, float(i)) for i in range(1, 5)]
    got = plan(0.0, waiting, [Desk(10, frozenset({1}), break_ahead=ahead)], times)
    assert [got[i].point_s for i in range(1, 5)] == [0, round(320 * U), round(790 * U), round(1260 * U)]


def _morning_of_kd(clock, day: int) -> None:
    """Counter 4 (the only KD counter) opens at 07:40 after a pause since 07:00, then two 10-minute KD calls."""
    queue.set_paused(4, True, now=clock(7, 0, day=day))
    queue.set_paused(4, False, now=clock(7, 40, day=day))
    for minute in (0, 20):
        queue.issue_ticket("KD", now=clock(8, minute, day=day))
        queue.call_next(4, now=clock(8, minute, day=day))
        queue.finish_service(4, now=clock(8, minute + 10, day=day))


def test_a_counter_expected_to_take_its_break_later_makes_the_waits_after_it_longer(site_db, clock):
    # Yesterday counter 4 took a 20-minute break at 09:30 (its 40-minute wait for the officer at
    # 07:00-07:40 is its opening, not a break).  Today at 09:00 it has not taken it yet.
    _morning_of_kd(clock, 24)
    queue.set_paused(4, True, now=clock(9, 30, day=24))
    queue.set_paused(4, False, now=clock(9, 50, day=24))
    _morning_of_kd(clock, 25)
    tickets = [queue.issue_ticket("KD", now=clock(9, 0)).id for _ in range(4)]
    breaks = wait_estimate.read_breaks(clock(9, 0), TZ)
    assert breaks.learnt and breaks.ahead[4] == BreakAhead((clock(9, 30),), 1.0, 1200.0)
    got = wait_estimate.estimates(clock(9, 0))
    call = 600 + GAP
    assert [got[t].point_s for t in tickets[:3]] == [0, round(call * U_LEARNT), round(2 * call * U_LEARNT)]
    assert got[tickets[3]].point_s == round((3 * call + 1200) * U_LEARNT)     # called after the break


def test_a_counter_that_has_taken_its_break_today_is_not_expected_to_take_another(site_db, clock):
    _morning_of_kd(clock, 24)
    queue.set_paused(4, True, now=clock(9, 30, day=24))
    queue.set_paused(4, False, now=clock(9, 50, day=24))
    _morning_of_kd(clock, 25)
    queue.set_paused(4, True, now=clock(8, 35))         # today's break came early
    queue.set_paused(4, False, now=clock(8, 50))
    assert wait_estimate.read_breaks(clock(9, 0), TZ).ahead == {}
    tickets = [queue.issue_ticket("KD", now=clock(9, 0)).id for _ in range(4)]
    got = wait_estimate.estimates(clock(9, 0))
    assert got[tickets[3]].point_s == round(3 * (600 + GAP) * U_LEARNT)


def test_a_long_call_running_now_counts_toward_a_service_learnt_from_few_calls(site_db, clock):
    # One finished KD call of 5 min; the next has been running at counter 4 for 40 min.  Read from
    # the finished call alone, KD "takes 5 min" and the running call is nearly over.
    queue.issue_ticket("KD", now=clock(8, 0))
    queue.call_next(4, now=clock(8, 0))
    queue.finish_service(4, now=clock(8, 5))
    queue.issue_ticket("KD", now=clock(8, 10))
    queue.call_next(4, now=clock(8, 10))
    ticket = queue.issue_ticket("KD", now=clock(8, 50))
    running = 2400 + wait_estimate.RESIDUAL_SHARE * 300          # elapsed + what the 5-min service still leaves
    mean = (300 + running) / 2
    assert ticket.estimated_wait_s == round(wait_estimate.RESIDUAL_SHARE * mean * U)
