"""FROZEN COPY of db/wait_estimate.py before the per-counter estimate (commit 3945f67): the baseline the
bench measures the new estimator against, in the same run (error and cost).  Not used by any program.

Original docstring:

The one wait estimate: when will each waiting ticket be called, and how sure is that?

Used by the kiosk ticket, the printed ticket, ``onestop issue``, a booking's check-in
and the citizen's tracking page, so a citizen never reads two different figures.

Method (docs/estimate.md has the measurements that chose it): the queue is played
forward from the present with the rules of ``db.queue.call_next``.  Every open (not
paused) counter becomes free when its current ticket is expected to finish; a free
counter takes the first waiting ticket it may call (its services, or transferred to it)
in ``call_order``; a ticket occupies it for the service's expected time per call.  The
moment a ticket is taken is its estimate.  This counts, with no special case, what
the older ``people ahead x median / counters`` formula missed: priority tickets ahead,
counters shared between services (the land counter also takes feedback), tickets sent
to one counter, services of different lengths, and a counter busy with a long case.

Expected time per call: the mean of the service's recent calls (called to done or
no-show: a no-show frees the counter sooner, and it is part of the mix), the last
``SAMPLE`` finished ones, today's first and earlier days' when today has few.  The
mean, not the median: the wait is a *sum* of service times, and the sum of skewed
(lognormal-like) times grows with their mean.  Each time is capped at ``CAP`` x the
median so that one ticket an officer forgot to close does not swell every estimate.

Uncertainty: each call adds its service's variance to the counter that takes it; a
ticket's spread is that counter's accumulated variance shared over the counters that
could take it, plus a share of the point itself (arrivals of priority tickets and
transfers that nobody can foresee).  ``WaitEstimate.range_s`` turns it into a rounded
"10-15 min" when that range is wide, and into nothing (show one figure) when narrow.
"""

from __future__ import annotations

import heapq
import math
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from db import clock, current_site, statuses
from db.models import Counter, CounterService, Service, Site, Ticket

#: recent finished calls per service that make its expected time
SAMPLE = 30
#: one call counts at most this many times the service's median (a ticket left open)
CAP = 6.0
#: a ticket already longer than expected is taken to need at least this share of the mean more
RESIDUAL_SHARE = 0.3
#: an officer's pause between one citizen leaving and calling the next (s)
CALL_GAP_S = 20.0
#: a paused counter is counted on (only for services no open counter serves) after this long
PAUSED_RETURN_S = 600.0
#: spread that does not come from service times: a share of the estimate itself
MODEL_SHARE = 0.25
#: what the play cannot foresee lengthens every wait: priority tickets and transfers that will
#: arrive ahead, counters that will pause (measured in bench/sim_wait_estimate.py: -13..-16 % bias without it)
UNFORESEEN = 1.15
#: how many standard deviations either side the range spans
RANGE_Z = 1.0


# ---------------------------------------------------------------- plain values

@dataclass(frozen=True)
class ServiceTime:
    """Expected seconds a call of one service occupies a counter, and their variance."""

    mean_s: float
    var_s2: float

    @classmethod
    def from_durations(cls, durations: Iterable[float]) -> ServiceTime | None:
        values = [d for d in durations if d >= 0]
        if not values:
            return None
        cap = CAP * statistics.median(values)
        capped = [min(d, cap) for d in values]
        mean = statistics.fmean(capped)
        var = statistics.pvariance(capped, mean) if len(capped) > 1 else (0.5 * mean) ** 2
        return cls(mean, var)


@dataclass(frozen=True)
class WaitingTicket:
    id: int
    service_id: int
    priority: bool
    queue_at: float
    slot_at: float | None = None
    target_counter_id: int | None = None

    def order_key(self, moment: float) -> tuple:
        """``db.queue.call_order_key`` at ``moment`` (an appointment's place changes when its slot starts)."""
        due = self.slot_at is not None and self.slot_at <= moment
        return (0 if self.priority else 1, 0 if due else 1, self.slot_at if due else self.queue_at, self.id)


@dataclass(frozen=True)
class Desk:
    """A counter as the estimate sees it: what it calls and what it is doing now."""

    id: int
    service_ids: frozenset[int]
    paused: bool = False
    busy_service_id: int | None = None    # service of the ticket it holds (called or serving)
    busy_since: float | None = None       # when that ticket was (last) called

    def may_call(self, ticket: WaitingTicket) -> bool:
        if ticket.target_counter_id is not None:
            return ticket.target_counter_id == self.id
        return ticket.service_id in self.service_ids


@dataclass(frozen=True)
class WaitEstimate:
    """Seconds until a ticket is expected to be called: the point and a plausible range."""

    point_s: int
    low_s: int
    high_s: int

    @property
    def range_s(self) -> tuple[int, int] | None:
        """The range worth showing, rounded (``(600, 900)`` = "10-15 min"); None when one figure says it."""
        low, high = display_range(self.low_s, self.high_s)
        return None if low == high else (low, high)


def display_range(low_s: float, high_s: float) -> tuple[int, int]:
    """Round a range to what a person reads: whole minutes below 10 min, 5 minutes above.

    Equal ends mean the range is narrow and one figure is shown.  Below 3 minutes
    of width a range is not worth the words.
    """
    step = 300 if high_s >= 900 else 60
    low = int(round(low_s / step) * step)
    high = int(round(high_s / step) * step)
    if high - low < 180 or high <= 60:
        middle = (low_s + high_s) / 2
        one = int(round(middle / 60) * 60)
        return one, one
    return max(low, 0), high


# ---------------------------------------------------------------- the plan

def plan(now: float, waiting: Iterable[WaitingTicket], desks: Iterable[Desk],
         times: Mapping[int, ServiceTime | None]) -> dict[int, WaitEstimate | None]:
    """Play the queue forward; every waiting ticket's estimate (None: no counter will call it, or unknown).

    ``times`` holds each service's expected time; a service missing or None there
    takes the mean of the known ones.  With no known time at all (a new site's first
    tickets) nothing is estimated: even "0" would be a guess about officers never seen.
    """
    tickets = list(waiting)
    desks = list(desks)
    fallback = _pooled(times)
    result: dict[int, WaitEstimate | None] = dict.fromkeys((t.id for t in tickets), None)
    if fallback is None:
        return result
    _play(now, tickets, [d for d in desks if not d.paused], times, fallback, result, return_s=None)
    left = [t for t in tickets if result[t.id] is None]
    if left and any(d.paused for d in desks):
        # Tickets only a paused counter calls: count on it coming back.
        later: dict[int, WaitEstimate | None] = dict.fromkeys((t.id for t in tickets), None)
        _play(now, tickets, desks, times, fallback, later, return_s=PAUSED_RETURN_S)
        for t in left:
            result[t.id] = later[t.id]
    return result


def _pooled(times: Mapping[int, ServiceTime | None]) -> ServiceTime | None:
    known = [t for t in times.values() if t is not None]
    if not known:
        return None
    return ServiceTime(statistics.fmean(t.mean_s for t in known), statistics.fmean(t.var_s2 for t in known))


def _play(now: float, tickets: list[WaitingTicket], desks: list[Desk], times: Mapping[int, ServiceTime | None],
          fallback: ServiceTime | None, result: dict[int, WaitEstimate | None], *, return_s: float | None) -> None:
    def time_of(service_id: int | None) -> ServiceTime | None:
        return times.get(service_id) or fallback

    heap: list[tuple[float, int]] = []
    variance: dict[int, float] = {}
    for index, desk in enumerate(desks):
        free_at, var = now, 0.0
        if desk.paused:
            free_at = now + (return_s or 0.0)
        elif desk.busy_service_id is not None:
            expected = time_of(desk.busy_service_id)
            if expected is None:
                free_at = math.inf
            else:
                elapsed = now - (desk.busy_since if desk.busy_since is not None else now)
                free_at = now + max(expected.mean_s - elapsed, RESIDUAL_SHARE * expected.mean_s)
                var = expected.var_s2 * (RESIDUAL_SHARE if elapsed > expected.mean_s else 1.0)
        variance[index] = var
        heap.append((free_at, index))
    heapq.heapify(heap)
    # Sorted once by the order at ``now``; appointments whose slot starts later are re-keyed per pick.
    pending = sorted(tickets, key=lambda t: t.order_key(now))
    moving = any(t.slot_at is not None and t.slot_at > now for t in tickets)
    servers = {t.service_id: sum(1 for d in desks if d.may_call(t)) for t in tickets if t.target_counter_id is None}
    while heap and pending:
        free_at, index = heapq.heappop(heap)
        desk = desks[index]
        if moving:
            choices = [t for t in pending if desk.may_call(t)]
            best = min(choices, key=lambda t: t.order_key(free_at), default=None)
        else:
            best = next((t for t in pending if desk.may_call(t)), None)
        if best is None:
            continue            # nothing left this counter may call: it drops out
        pending.remove(best)
        if math.isfinite(free_at):
            shared = servers.get(best.service_id, 1) if best.target_counter_id is None else 1
            point = (free_at - now) * UNFORESEEN
            spread = math.sqrt(variance[index] / max(shared, 1) + (MODEL_SHARE * point) ** 2)
            result[best.id] = WaitEstimate(int(round(point)), int(round(max(point - RANGE_Z * spread, 0))),
                                           int(round(point + RANGE_Z * spread)))
        expected = time_of(best.service_id)
        if expected is None or not math.isfinite(free_at):
            heapq.heappush(heap, (math.inf, index))
        else:
            variance[index] += expected.var_s2
            heapq.heappush(heap, (free_at + expected.mean_s + CALL_GAP_S, index))


# ---------------------------------------------------------------- reading the database

def recent_times(service_ids: Iterable[int]) -> dict[int, ServiceTime | None]:
    """Each service's expected time per call, from its last ``SAMPLE`` finished calls."""
    found: dict[int, ServiceTime | None] = {}
    for service_id in set(service_ids):
        # No status filter in SQL: it would tempt SQLite into the (status, service_day)
        # index and a scan of every finished ticket in history; walking
        # (service, finished_at) backwards and keeping the called ones stays flat.
        rows = (Ticket.select(Ticket.status, Ticket.last_called_at, Ticket.started_at, Ticket.finished_at)
                .where((Ticket.service == service_id) & (Ticket.finished_at.is_null(False)))
                .order_by(Ticket.finished_at.desc()).limit(SAMPLE * 2).tuples())
        durations = [finished - (called if called is not None else started)
                     for status, called, started, finished in rows
                     if status in (statuses.DONE, statuses.NO_SHOW) and (called or started) is not None][:SAMPLE]
        found[service_id] = ServiceTime.from_durations(durations)
    return found


def _desks() -> list[Desk]:
    counters = list(current_site.rows(Counter, Counter.id, Counter.paused, Counter.current_ticket_id)
                    .where(Counter.active == True).tuples())  # noqa: E712
    links: dict[int, set[int]] = {}
    ids = [c[0] for c in counters]
    for counter_id, service_id in (CounterService.select(CounterService.counter, CounterService.service)
                                   .where(CounterService.counter.in_(ids or [0])).tuples()):
        links.setdefault(counter_id, set()).add(service_id)
    holding = [c[2] for c in counters if c[2] is not None]
    current = {tid: (sid, called) for tid, sid, status, called in
               Ticket.select(Ticket.id, Ticket.service, Ticket.status, Ticket.last_called_at)
               .where(Ticket.id.in_(holding or [0])).tuples() if status in statuses.AT_COUNTER}
    desks = []
    for counter_id, paused, ticket_id in counters:
        busy = current.get(ticket_id)
        desks.append(Desk(counter_id, frozenset(links.get(counter_id, ())), bool(paused),
                          busy[0] if busy else None, busy[1] if busy else None))
    return desks


def _waiting(today: str) -> list[WaitingTicket]:
    service_ids = [s for (s,) in current_site.rows(Service, Service.id).tuples()]
    rows = (Ticket.select(Ticket.id, Ticket.service, Ticket.priority, Ticket.queue_at, Ticket.slot_at,
                          Ticket.target_counter)
            .where((Ticket.status == statuses.WAITING) & (Ticket.service_day == today)
                   & Ticket.service.in_(service_ids or [0])).tuples())
    return [WaitingTicket(i, s, bool(p), q, slot, target) for i, s, p, q, slot, target in rows]


def estimates(now: float | None = None) -> dict[int, WaitEstimate | None]:
    """The estimate of every ticket waiting today at this site (call inside ``with_retry``)."""
    moment = clock.now_epoch(now)
    site = Site.get_by_id(current_site.site_id())
    today = clock.service_day(moment, site.timezone)
    waiting = _waiting(today)
    if not waiting:
        return {}
    desks = _desks()
    used = {t.service_id for t in waiting} | {d.busy_service_id for d in desks if d.busy_service_id is not None}
    return plan(moment, waiting, desks, recent_times(used))


def estimate(ticket_id: int, now: float | None = None) -> WaitEstimate | None:
    """One waiting ticket's estimate (None when it is not waiting or nothing is known)."""
    return estimates(now).get(ticket_id)


__all__ = ["Desk", "ServiceTime", "WaitEstimate", "WaitingTicket", "display_range", "estimate", "estimates",
           "plan", "recent_times"]
