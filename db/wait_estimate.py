"""The one wait estimate: when will each waiting ticket be called, and how sure is that?

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

Per counter (measured in ``bench/sim_wait_estimate.py``, docs/estimate.md): a call takes
the service's time times the counter's *pace* (its officer's served calls against the
site's, in log terms, shrunk toward the site); the call running now ends as the recent
calls that lasted longer than it did, and while a service has few calls the running ones
count toward its time (``with_running_calls``); a paused counter is counted back after
the typical break (``read_breaks``), unless it has been away far longer; an open counter
that has not taken its break today is expected to lose the break's length at the times of
day earlier days' breaks came (``BreakAhead``).

Uncertainty: each call adds its service's variance to the counter that takes it; a
ticket's spread is that counter's accumulated variance shared over the counters that
could take it, plus a share of the point itself (arrivals of priority tickets and
transfers that nobody can foresee), read as lognormal.  ``WaitEstimate.range_s`` turns it
into a rounded "10-15 min" when that range is wide, and into nothing (one figure) when narrow.
"""

from __future__ import annotations

import bisect
import heapq
import math
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from db import clock, current_site, statuses
from db.models import Counter, CounterService, Event, Service, Site, Ticket

#: recent finished calls per service that make its expected time
SAMPLE = 30
#: one call counts at most this many times the service's median (a ticket left open)
CAP = 6.0
#: a ticket already longer than expected is taken to need at least this share of the mean more
RESIDUAL_SHARE = 0.3
#: a running call's remaining time is read from the recent calls that lasted longer, when at least this many did
CONDITIONAL_MIN = 3
#: an officer's pause between one citizen leaving and calling the next (s)
CALL_GAP_S = 20.0
#: a paused counter is counted on (only for services no open counter serves) after this long
PAUSED_RETURN_S = 600.0
#: a counter paused this long past its expected return is no longer counted on (s), and at least
PAUSE_GIVE_UP_S = 1800.0
#: how far back pauses are read: the site's last this many events (a bounded walk of the event index)
PAUSE_EVENTS = 4000
#: spread that does not come from service times: a share of the estimate itself
MODEL_SHARE = 0.25
#: what the play cannot foresee lengthens every wait: priority tickets and transfers that will
#: arrive ahead, counters that will pause (measured in bench/sim_wait_estimate.py: 1.15 gives the least error;
#: the rates of today's priority tickets and transfers per service, tried instead, were noisier and worse)
UNFORESEEN = 1.15
#: the same once earlier days' breaks are known and the play counts the breaks still to come itself
#: (``read_breaks``): 1.00-1.15 measured, 1.00 gave the least error (docs/estimate.md)
UNFORESEEN_BREAKS_LEARNT = 1.0
#: how many days back breaks are read (within the last ``PAUSE_EVENTS`` events)
BREAK_HISTORY_DAYS = 7
#: how many (log) standard deviations either side the range spans (1.3: meant to hold about 4 waits in 5;
#: bench/sim_wait_estimate.py measures how many it does)
RANGE_Z = 1.3
#: paused counters are counted on coming back, open ones on taking their break (``read_breaks``)
PAUSES = True
#: a counter's own speed is shrunk toward the site's: its served calls count against this many at the site's pace
SPEED_PRIOR_CALLS = 10.0
#: a counter is never read as faster or slower than this factor of the site's pace
SPEED_LIMITS = (0.5, 2.0)


# ---------------------------------------------------------------- plain values

@dataclass(frozen=True)
class ServiceTime:
    """Expected seconds a call of one service occupies a counter, and their variance.

    ``durations`` (capped, ascending) are the calls it was learnt from: they give a
    running call's remaining time from the calls that lasted longer than it so far.
    """

    mean_s: float
    var_s2: float
    durations: tuple[float, ...] = field(default=(), compare=False)

    @classmethod
    def from_durations(cls, durations: Iterable[float]) -> ServiceTime | None:
        values = [d for d in durations if d >= 0]
        if not values:
            return None
        cap = CAP * statistics.median(values)
        capped = sorted(min(d, cap) for d in values)
        mean = statistics.fmean(capped)
        var = statistics.pvariance(capped, mean) if len(capped) > 1 else (0.5 * mean) ** 2
        return cls(mean, var, tuple(capped))

    def scaled(self, speed: float) -> ServiceTime:
        """The same service at a counter whose officer takes ``speed`` times the site's time."""
        if speed == 1.0:
            return self
        return ServiceTime(self.mean_s * speed, self.var_s2 * speed * speed, tuple(d * speed for d in self.durations))

    def remaining(self, elapsed: float) -> tuple[float, float]:
        """Expected remaining seconds (and variance) of a call running for ``elapsed`` s.

        The recent calls that lasted longer than ``elapsed`` say how much longer such a
        call goes on (a long case tends to stay long); with too few of them, the old
        rule: what the mean leaves, at least ``RESIDUAL_SHARE`` of the mean.
        """
        longer = [d - elapsed for d in self.durations if d > elapsed]
        if len(longer) >= CONDITIONAL_MIN:
            mean = statistics.fmean(longer)
            return mean, statistics.pvariance(longer, mean)
        left = max(self.mean_s - elapsed, RESIDUAL_SHARE * self.mean_s)
        return left, self.var_s2 * (RESIDUAL_SHARE if elapsed > self.mean_s else 1.0)


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
class BreakAhead:
    """A break an open counter has not taken yet today: when it may start, how likely it is, how long.

    ``starts`` are earlier days' break starts later in the day than now, moved onto today
    (sorted): each is as likely as the others, and none of them may come (``chance``).
    Counted as an expectation, not as one break at one time: a break at its most likely
    time would close every counter at once in the play, which no site does.
    """

    starts: tuple[float, ...]
    chance: float
    length_s: float

    def lost_by(self, moment: float) -> float:
        """Expected seconds of break the counter will have taken by ``moment`` (its officer leaves between calls)."""
        if not self.starts:
            return 0.0
        return self.chance * self.length_s * bisect.bisect_right(self.starts, moment) / len(self.starts)


@dataclass(frozen=True)
class Desk:
    """A counter as the estimate sees it: what it calls, what it is doing now, how fast its officer is."""

    id: int
    service_ids: frozenset[int]
    paused: bool = False
    busy_service_id: int | None = None    # service of the ticket it holds (called or serving)
    busy_since: float | None = None       # when that ticket was (last) called
    speed: float = 1.0                    # its calls take this many times the site's time
    returns_at: float | None = None       # paused: when it is expected back (None: not counted on)
    break_ahead: BreakAhead | None = None  # open: the break it has not taken yet today (None: not counted)

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
         times: Mapping[int, ServiceTime | None], *, unforeseen: float = UNFORESEEN) -> dict[int, WaitEstimate | None]:
    """Play the queue forward; every waiting ticket's estimate (None: no counter will call it, or unknown).

    ``times`` holds each service's expected time; a service missing or None there
    takes the mean of the known ones.  With no known time at all (a new site's first
    tickets) nothing is estimated: even "0" would be a guess about officers never seen.
    A paused desk with ``returns_at`` is counted on from then; one without, only for
    tickets no other counter calls, after ``PAUSED_RETURN_S``.
    """
    tickets = list(waiting)
    desks = list(desks)
    fallback = _pooled(times)
    result: dict[int, WaitEstimate | None] = dict.fromkeys((t.id for t in tickets), None)
    if fallback is None:
        return result
    _play(now, tickets, [d for d in desks if not d.paused or d.returns_at is not None], times, fallback, result,
          return_s=None, unforeseen=unforeseen)
    left = [t for t in tickets if result[t.id] is None]
    if left and any(d.paused and d.returns_at is None for d in desks):
        # Tickets only a paused counter calls: count on it coming back.
        later: dict[int, WaitEstimate | None] = dict.fromkeys((t.id for t in tickets), None)
        _play(now, tickets, desks, times, fallback, later, return_s=PAUSED_RETURN_S, unforeseen=unforeseen)
        for t in left:
            result[t.id] = later[t.id]
    return result


def _pooled(times: Mapping[int, ServiceTime | None]) -> ServiceTime | None:
    known = [t for t in times.values() if t is not None]
    if not known:
        return None
    return ServiceTime(statistics.fmean(t.mean_s for t in known), statistics.fmean(t.var_s2 for t in known))


def _play(now: float, tickets: list[WaitingTicket], desks: list[Desk], times: Mapping[int, ServiceTime | None],
          fallback: ServiceTime | None, result: dict[int, WaitEstimate | None], *, return_s: float | None,
          unforeseen: float) -> None:
    scaled: dict[tuple[int | None, float], ServiceTime | None] = {}

    def time_of(service_id: int | None, desk: Desk) -> ServiceTime | None:
        key = (service_id, desk.speed)
        if key not in scaled:
            found = times.get(service_id) or fallback
            scaled[key] = found.scaled(desk.speed) if found is not None else None
        return scaled[key]

    heap: list[tuple[float, int]] = []
    variance: dict[int, float] = {}
    for index, desk in enumerate(desks):
        free_at, var = now, 0.0
        if desk.paused and desk.returns_at is not None:
            free_at = max(desk.returns_at, now)
        elif desk.paused:
            free_at = now + (return_s or 0.0)
        elif desk.busy_service_id is not None:
            expected = time_of(desk.busy_service_id, desk)
            if expected is None:
                free_at = math.inf
            else:
                elapsed = max(now - (desk.busy_since if desk.busy_since is not None else now), 0.0)
                left, var = expected.remaining(elapsed)
                free_at = now + left
        variance[index] = var
        heap.append((free_at, index))
    lost = [0.0] * len(desks)

    def after_break(index: int, free_at: float) -> float:
        """``free_at`` pushed back by the expected part of the desk's break that starts before it."""
        ahead = desks[index].break_ahead
        if ahead is None or not math.isfinite(free_at):
            return free_at
        extra = ahead.lost_by(free_at) - lost[index]
        lost[index] += extra
        return free_at + extra

    heap = [(after_break(index, free_at), index) for free_at, index in heap]
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
            result[best.id] = _estimate((free_at - now) * unforeseen,
                                        variance[index] / max(shared, 1))
        expected = time_of(best.service_id, desk)
        if expected is None or not math.isfinite(free_at):
            heapq.heappush(heap, (math.inf, index))
        else:
            variance[index] += expected.var_s2
            heapq.heappush(heap, (after_break(index, free_at + expected.mean_s + CALL_GAP_S), index))


def _estimate(mean_s: float, var_s2: float) -> WaitEstimate:
    """The point and range of a wait whose mean and service-time variance the play gave.

    The point is the mean (the median of the likely waits measured 0.5 points worse in the
    simulation).  A wait is a sum of skewed service times, so the range is read as lognormal:
    ``RANGE_Z`` log-spreads either side of the point, longer above than below, the spread
    being the service times' plus ``MODEL_SHARE`` of the wait for what nobody can foresee.
    """
    if mean_s <= 0:
        return WaitEstimate(0, 0, 0)
    service_cv2 = var_s2 / mean_s ** 2
    point = mean_s
    log_sd = math.sqrt(math.log(1.0 + service_cv2 + MODEL_SHARE ** 2))
    return WaitEstimate(int(round(point)), int(round(point * math.exp(-RANGE_Z * log_sd))),
                        int(round(point * math.exp(RANGE_Z * log_sd))))


# ---------------------------------------------------------------- learning from the calls

@dataclass(frozen=True)
class Call:
    """One finished call: its service, the counter that made it, how long it occupied it, whether served."""

    service_id: int
    counter_id: int | None
    duration_s: float
    served: bool


def counter_speeds(calls: Iterable[Call], times: Mapping[int, ServiceTime | None]) -> dict[int, float]:
    """Each counter's pace against the site's for the same services (1.2 = its calls take 20 % longer).

    Compared in log terms (``log(duration / service mean)``: service times are skewed, and a
    ratio's mean would follow the one long case), served calls only (a no-show's length is the
    citizen's, not the officer's), and shrunk toward the site's pace: a counter's n calls
    count against ``SPEED_PRIOR_CALLS`` calls at exactly the site's pace.
    """
    logs: dict[int, list[float]] = {}
    for call in calls:
        expected = times.get(call.service_id)
        if call.counter_id is None or not call.served or expected is None or call.duration_s <= 0:
            continue
        logs.setdefault(call.counter_id, []).append(math.log(call.duration_s / expected.mean_s))
    if not logs:
        return {}
    # The site's own mean log ratio (a lognormal's log mean is below its mean's log): the reference.
    site = statistics.fmean(v for values in logs.values() for v in values)
    low, high = SPEED_LIMITS
    return {counter: min(max(math.exp(sum(v - site for v in values) / (len(values) + SPEED_PRIOR_CALLS)), low), high)
            for counter, values in logs.items()}


# ---------------------------------------------------------------- reading the database

def _finished_calls(rows: Iterable[tuple]) -> list[Call]:
    """Finished calls (called to done or no-show) from ``(service, counter, status, called, started, finished)``."""
    calls = []
    for service_id, counter_id, status, called, started, finished in rows:
        begun = called if called is not None else started
        if status in (statuses.DONE, statuses.NO_SHOW) and begun is not None and finished is not None:
            calls.append(Call(service_id, counter_id, finished - begun, status == statuses.DONE))
    return calls


def recent_calls(service_ids: Iterable[int], today: Mapping[int, list[Call]] | None = None) -> dict[int, list[Call]]:
    """Each service's last ``SAMPLE`` finished calls: today's (given, newest first), then earlier days'."""
    found: dict[int, list[Call]] = {}
    for service_id in set(service_ids):
        calls = list((today or {}).get(service_id, ()))[:SAMPLE]
        if len(calls) < SAMPLE:
            # No status filter in SQL: it would tempt SQLite into the (status, service_day)
            # index and a scan of every finished ticket in history; walking
            # (service, finished_at) backwards and keeping the called ones stays flat.
            rows = (Ticket.select(Ticket.service, Ticket.counter, Ticket.status, Ticket.last_called_at,
                                  Ticket.started_at, Ticket.finished_at)
                    .where((Ticket.service == service_id) & (Ticket.finished_at.is_null(False)))
                    .order_by(Ticket.finished_at.desc()).limit(SAMPLE * 2).tuples())
            calls = _finished_calls(rows)[:SAMPLE]
        found[service_id] = calls
    return found


def recent_times(service_ids: Iterable[int]) -> dict[int, ServiceTime | None]:
    """Each service's expected time per call, from its last ``SAMPLE`` finished calls."""
    found = recent_calls(service_ids)
    return {s: ServiceTime.from_durations(c.duration_s for c in calls) for s, calls in found.items()}


@dataclass(frozen=True)
class Breaks:
    """Counters' breaks as the site's recent events tell them (``read_breaks``).

    ``returns``: counter number -> when a counter paused now is expected back.
    ``ahead``: counter number -> the break an open counter has not taken yet today, when
    earlier days had breaks later in the day than now.
    ``learnt``: earlier days' breaks were seen (the play then counts breaks to come itself).
    """

    returns: Mapping[int, float] = field(default_factory=dict)
    ahead: Mapping[int, BreakAhead] = field(default_factory=dict)
    learnt: bool = False


def _seconds_of_day(moment: float, tz: str) -> tuple[str, float]:
    """The service day of ``moment`` and its seconds since that day's local midnight."""
    local = clock.local_datetime(moment, tz)
    return local.date().isoformat(), local.hour * 3600 + local.minute * 60 + local.second + local.microsecond / 1e6


class _Days:
    """``_seconds_of_day`` for events read in time order: one time-zone conversion per quarter hour, not per event.

    Midnight and clock changes fall on a UTC quarter hour in every zone, so within one
    the day and the offset hold.
    """

    def __init__(self, tz: str) -> None:
        self.tz = tz
        self.block: tuple[int, str, float] = (-1, "", 0.0)       # UTC quarter hour, its day, its second of the day

    def of(self, moment: float) -> tuple[str, float]:
        block = int(moment // 900)
        if block != self.block[0]:
            self.block = (block, *_seconds_of_day(block * 900.0, self.tz))
        _, day, second = self.block
        return day, second + (moment - block * 900.0)


@dataclass
class _BreakLog:
    """Breaks read from the events, per service day: a pause after the counter's first call of the day."""

    starts: dict[str, list[float]] = field(default_factory=dict)     # day -> break starts (seconds of the day)
    lengths: dict[str, list[float]] = field(default_factory=dict)    # day -> finished breaks' lengths (s)
    openings: dict[str, list[float]] = field(default_factory=dict)   # day -> finished opening pauses' lengths (s)
    opened: dict[str, set[int]] = field(default_factory=dict)        # day -> counters that called that day
    on_break: dict[str, set[int]] = field(default_factory=dict)      # day -> counters that took a break
    paused_since: dict[int, float] = field(default_factory=dict)     # counter -> start of the pause still open
    opening: set[int] = field(default_factory=set)                   # counters whose open pause is an opening


def _break_log(rows: Iterable[tuple], tz: str) -> _BreakLog:
    """Read ``(at, kind, counter)`` events in order into the days' breaks.

    A pause before the counter's first call of the day is its opening (the officer not
    there yet), not a break: it says nothing about when breaks come or how long they last.
    """
    log = _BreakLog()
    days = _Days(tz)
    open_since: dict[int, tuple[str, float, bool]] = {}    # counter -> (day, start, is a break)
    for at, kind, number in rows:
        day, second = days.of(at)
        if kind == "called":
            log.opened.setdefault(day, set()).add(number)
        elif kind == "paused":
            is_break = number in log.opened.get(day, ())
            open_since[number] = (day, at, is_break)
            if is_break:
                log.starts.setdefault(day, []).append(second)
                log.on_break.setdefault(day, set()).add(number)
        elif kind == "resumed" and number in open_since:
            began_day, began, is_break = open_since.pop(number)
            if began_day == day:
                (log.lengths if is_break else log.openings).setdefault(day, []).append(at - began)
    log.paused_since = {number: began for number, (_, began, _) in open_since.items()}
    log.opening = {number for number, (_, _, is_break) in open_since.items() if not is_break}
    return log


def read_breaks(moment: float, tz: str) -> Breaks:
    """When paused counters come back, and which open counters still have their break to come.

    Reads only the site's last ``PAUSE_EVENTS`` events (which hold earlier days' breaks
    too at a small site), so the cost does not grow with history.
    """
    site = current_site.site_id()
    bound = (Event.select(Event.id).where(Event.site_id == site).order_by(Event.id.desc())
             .offset(PAUSE_EVENTS).limit(1).scalar()) or 0
    rows = (Event.select(Event.at, Event.kind, Event.counter_number)
            .where((Event.site_id == site) & (Event.id > bound) & (Event.at > moment - BREAK_HISTORY_DAYS * 86400)
                   & Event.kind.in_(("paused", "resumed", "called")))
            .order_by(Event.id).tuples())
    log = _break_log(rows, tz)
    today, now_second = _seconds_of_day(moment, tz)
    earlier = [day for day in log.opened if day < today]
    lengths = log.lengths.get(today) or [v for day in earlier for v in log.lengths.get(day, ())]
    typical = statistics.median(lengths) if lengths else PAUSED_RETURN_S
    returns = _returns(log, today, moment, typical)
    if not any(log.starts.get(day) for day in earlier):
        return Breaks(returns)
    ahead = _breaks_ahead(log, earlier, today, moment - now_second, now_second, typical)
    return Breaks(returns, ahead, learnt=True)


def _returns(log: _BreakLog, today: str, moment: float, typical: float) -> dict[int, float]:
    """Counter number -> when each paused counter is expected back.

    A break lasts as long as today's finished breaks (else earlier days'); a counter not
    opened yet today as long as today's openings took (``PAUSED_RETURN_S`` before any).
    A counter paused for much longer than that (lunch, the officer gone for the day, a
    counter not opened today) is not counted on.
    """
    openings = log.openings.get(today)
    opening = statistics.median(openings) if openings else PAUSED_RETURN_S
    found = {}
    for number, start in log.paused_since.items():
        expected = opening if number in log.opening else typical
        if moment - start <= max(3 * expected, PAUSE_GIVE_UP_S):
            found[number] = start + expected
    return found


def _breaks_ahead(log: _BreakLog, earlier: list[str], today: str, midnight: float, now_second: float,
                  typical: float) -> dict[int, BreakAhead]:
    """The break each counter open today has not taken yet: earlier days' break times later than now.

    How likely it still comes: of the earlier counter-days that had not had a break by
    this time of day, the share that had one later.  Counters share one expectation:
    a counter's own few days would say little.
    """
    starts = sorted(v for day in earlier for v in log.starts.get(day, ()))
    later = [v for v in starts if v > now_second]
    not_yet = sum(len(log.opened[day]) for day in earlier) - (len(starts) - len(later))
    if not later or not_yet <= 0:
        return {}
    ahead = BreakAhead(tuple(midnight + v for v in later), min(1.0, len(later) / not_yet), typical)
    waiting = log.opened.get(today, set()) - log.on_break.get(today, set()) - set(log.paused_since)
    return dict.fromkeys(waiting, ahead)


def _desks(breaks: Breaks | None = None) -> list[Desk]:
    """The site's active counters: what each calls, the ticket it holds, its break (at the site's pace)."""
    breaks = breaks or Breaks()
    counters = list(current_site.rows(Counter, Counter.id, Counter.paused, Counter.current_ticket_id, Counter.number)
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
    for counter_id, paused, ticket_id, number in counters:
        busy = current.get(ticket_id)
        back = breaks.returns.get(number) if paused else None
        desks.append(Desk(counter_id, frozenset(links.get(counter_id, ())), bool(paused),
                          busy[0] if busy else None, busy[1] if busy else None, 1.0, back,
                          None if paused else breaks.ahead.get(number)))
    return desks


@dataclass
class _Today:
    """What today's tickets of the site say: who waits, and the calls finished (per service, newest first)."""

    waiting: list[WaitingTicket]
    calls: dict[int, list[Call]]


def _today(today: str) -> _Today:
    service_ids = [s for (s,) in current_site.rows(Service, Service.id).tuples()]
    rows = (Ticket.select(Ticket.id, Ticket.service, Ticket.priority, Ticket.queue_at, Ticket.slot_at,
                          Ticket.target_counter, Ticket.status, Ticket.counter, Ticket.last_called_at,
                          Ticket.started_at, Ticket.finished_at)
            # issued_service, not service: a ticket never leaves its site, so the rows are the same, and
            # (service_day, issued_service) is the numbering index - a province database reads this
            # site's ~2,000 rows of the day, not the whole province's 240,000 (docs/performance.md).
            .where((Ticket.service_day == today) & Ticket.issued_service.in_(service_ids or [0])).tuples())
    waiting, finished = [], []
    for tid, service, priority, queue_at, slot_at, target, status, counter, called, started, done in rows:
        if status == statuses.WAITING:
            waiting.append(WaitingTicket(tid, service, bool(priority), queue_at, slot_at, target))
        elif done is not None:
            finished.append((done, (service, counter, status, called, started, done)))
    finished.sort(key=lambda item: item[0], reverse=True)
    calls: dict[int, list[Call]] = {}
    for call in _finished_calls(row for _, row in finished):
        calls.setdefault(call.service_id, []).append(call)
    return _Today(waiting, calls)


def with_running_calls(moment: float, times: Mapping[int, ServiceTime | None], calls: Mapping[int, list[Call]],
                       desks: Iterable[Desk]) -> dict[int, ServiceTime | None]:
    """Service times that also count the calls running now, each as long as it is expected to last.

    Finished calls alone are the short ones early in the day (a long call is still running
    when the short ones after it are done), so a service learnt from a handful of calls was
    read too short.  A running call counts as its elapsed time plus its expected remaining
    time.  Only services read from fewer than ``SAMPLE`` calls (today's and earlier days')
    are changed, and nothing is learnt from running calls alone before any call has
    finished at the site (a new site still shows no estimate).
    """
    fallback = _pooled(times)
    found = dict(times)
    if fallback is None:
        return found
    running: dict[int, list[float]] = {}
    for desk in desks:
        if desk.busy_service_id is None or desk.busy_since is None:
            continue
        elapsed = max(moment - desk.busy_since, 0.0)
        expected = times.get(desk.busy_service_id) or fallback
        running.setdefault(desk.busy_service_id, []).append(elapsed + expected.remaining(elapsed)[0])
    for service_id, extra in running.items():
        known = calls.get(service_id)
        if known is not None and len(known) < SAMPLE:      # a service not read here keeps its history (below)
            found[service_id] = ServiceTime.from_durations([c.duration_s for c in known] + extra)
    return found


def estimates(now: float | None = None) -> dict[int, WaitEstimate | None]:
    """The estimate of every ticket waiting today at this site (call inside ``with_retry``)."""
    moment = clock.now_epoch(now)
    site = Site.get_by_id(current_site.site_id())
    day = _today(clock.service_day(moment, site.timezone))
    if not day.waiting:
        return {}
    served = set(day.calls) | {t.service_id for t in day.waiting}
    calls = recent_calls(served, day.calls)
    times = {s: ServiceTime.from_durations(c.duration_s for c in found) for s, found in calls.items()}
    breaks = read_breaks(moment, site.timezone) if PAUSES else Breaks()
    desks = _desks(breaks)
    times = with_running_calls(moment, times, calls, desks)
    speeds = counter_speeds((c for found in calls.values() for c in found), times)
    desks = [replace(d, speed=speeds.get(d.id, 1.0)) for d in desks]
    for d in desks:
        if d.busy_service_id is not None and d.busy_service_id not in times:
            times.update({d.busy_service_id: recent_times([d.busy_service_id])[d.busy_service_id]})
    return plan(moment, day.waiting, desks, times, unforeseen=UNFORESEEN_BREAKS_LEARNT if breaks.learnt else UNFORESEEN)


def estimate(ticket_id: int, now: float | None = None) -> WaitEstimate | None:
    """One waiting ticket's estimate (None when it is not waiting or nothing is known)."""
    return estimates(now).get(ticket_id)


__all__ = ["BreakAhead", "Breaks", "Call", "Desk", "ServiceTime", "WaitEstimate", "WaitingTicket", "counter_speeds",
           "display_range", "estimate", "estimates", "plan", "read_breaks", "recent_calls", "recent_times",
           "with_running_calls"]
