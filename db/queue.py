"""The queue rules: issuing, calling and serving tickets.

Every public function here is one write transaction (``write_transaction``:
``BEGIN IMMEDIATE`` on SQLite; row locks on PostgreSQL), writes its event in
the same transaction, and returns a frozen ``TicketInfo``.  The clock is the
``now`` parameter (epoch seconds) so tests can cross midnight without sleeping.

Why it cannot hand out a number twice or call a ticket twice:
* numbers come from one ``number_sequence`` row per (service, day), bumped by
  an ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING`` that holds the row's
  write lock until commit;
* on SQLite every write transaction holds the database write lock from its
  first statement; on PostgreSQL call-next locks the counter row, picks the
  candidate with ``FOR UPDATE SKIP LOCKED`` and moves it only
  ``WHERE status = 'waiting'``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from typing import TypeVar

import peewee as pw

from db import clock, current_site, inputs, replica, statuses, wait_estimate
from db.connection import is_postgres, with_retry, write_transaction
from db.errors import InvalidInput, LimitReached, NotAllowed, NotFound, ServiceClosed
from db.events import record_event
from db.models import Counter, CounterService, NumberSequence, Officer, Service, Site, Ticket
from db.requests import Earlier, claim, new_request_id, settle
from db.site import site_info
from db.tracking import split_reference, track_url, verify
from db.values import SiteInfo, TicketInfo
from db.wait_estimate import WaitEstimate

T = TypeVar("T")

OPEN_STATUSES = statuses.OPEN

_rolled_over: set[tuple[int, int, str]] = set()   # (connection generation, site id, service day)


# ---------------------------------------------------------------- helpers

def _run(operation: Callable[[float], T], now: float | None = None, *, roll_over: bool = False) -> T:
    """One queue operation = one write transaction, retried on a lost connection.

    ``operation`` gets the transaction's moment: ``now`` when given, else the
    database server's clock read at the start of the transaction (PostgreSQL)
    or this PC's (SQLite).  With ``roll_over`` (issuing, calling the next
    ticket) a new service day is closed first, in a transaction of its own.
    """

    def attempt() -> T:
        if roll_over:
            _roll_over_if_new_day(now)
        with write_transaction():
            return operation(clock.now_epoch(now))

    return with_retry(attempt)


def _run_once(request_id: str | None, name: str, now: float | None,
              operation: Callable[[float], TicketInfo | None], *, roll_over: bool = False) -> TicketInfo | None:
    """``_run`` for an operation with an identity: a repeat returns the first outcome.

    ``request_id`` is made here when the caller has none, so at least the
    retries inside ``with_retry`` (a COMMIT whose answer was lost) act once;
    callers that retry on their own pass the id of the user action.
    """
    rid = request_id or new_request_id()

    def once(moment: float) -> TicketInfo | None:
        earlier = claim(rid, name, now=moment)
        if earlier is not None:
            return _replay(earlier)
        result = operation(moment)
        settle(rid, result.id if result is not None else None)
        return result

    return _run(once, now, roll_over=roll_over)


def _replay(earlier: Earlier) -> TicketInfo | None:
    """The ticket an earlier attempt acted on, as it is now."""
    if earlier.ref_id is None:
        return None
    row = Ticket.get_by_id(earlier.ref_id)
    return to_info(row, _site().timezone, ahead=_people_ahead(row) if row.status == statuses.WAITING else 0)


def _site() -> SiteInfo:
    return site_info(Site.get_by_id(current_site.site_id()))


def _site_for_change() -> SiteInfo:
    """``_site()`` for issuing and calling: a synced copy of a site refuses them (db/replica.py)."""
    row = Site.get_by_id(current_site.site_id())
    replica.refuse_if_replica(row.code)
    return site_info(row)


def _locked(query: pw.Select, *, skip_locked: bool = False) -> pw.Select:
    """Row locks where the engine has them (SQLite already holds the write lock)."""
    if is_postgres():
        return query.for_update(skip_locked=skip_locked or None)
    return query


def _counter(number: int, *, lock: bool = True) -> Counter:
    number = inputs.COUNTER_NUMBER.check(number)
    query = Counter.select().where((Counter.site == current_site.site_id()) & (Counter.number == number))
    row = (_locked(query) if lock else query).first()
    if row is None or not row.active:
        raise NotFound(f"Không có quầy số {number}", f"No counter number {number}")
    return row


def _service(code: str) -> Service:
    inputs.SERVICE_CODE.check(code)
    row = Service.get_or_none((Service.site == current_site.site_id()) & (Service.code == str(code).upper()))
    if row is None:
        raise NotFound(f"Không có dịch vụ {code}", f"No service {code}")
    return row


def _roll_over_if_new_day(now: float | None) -> None:
    """Close earlier days' open tickets once per process and service day, before an operation.

    The cheap check (is this day already closed here?) uses the corrected PC
    clock; the closing itself runs in its own write transaction whose moment
    is the server's, so a PC whose clock is ahead never closes a day the
    server has not reached.
    """
    from db.connection import generation

    tz = _names.timezone()
    if tz is None:
        return
    if (generation(), current_site.site_id(), clock.service_day(clock.now_epoch(now), tz)) in _rolled_over:
        return
    with write_transaction():
        moment = clock.now_epoch(now)
        _roll_over(clock.service_day(moment, tz), moment)


def _roll_over(today: str, moment: float) -> None:
    """Close yesterday's unserved tickets (kept for reports, never called again).

    Its own transaction, never inside an operation's: it locks the counters
    holding a stale ticket, then the tickets, then the event chain, the order
    every operation takes them in (counter -> ticket -> event; numbering
    never waits for the event chain), so it cannot deadlock with them
    (docs/deployment.md, "Time").
    """
    from db.connection import generation

    key = (generation(), current_site.site_id(), today)
    if key in _rolled_over:
        return
    # This site's tickets only: in a province database another site has its own day (and a
    # synced site's copy is read-only); each site closes its own days.
    own_services = Service.select(Service.id).where(current_site.here(Service))
    stale = Ticket.select(Ticket.id).where(Ticket.status.in_(OPEN_STATUSES) & (Ticket.service_day < today)
                                           & Ticket.service.in_(own_services))
    stale_ids = [t.id for t in stale]
    if stale_ids:
        holders = Counter.select(Counter.id).where(Counter.current_ticket_id.in_(stale_ids)).order_by(Counter.id)
        list(_locked(holders))
        list(_locked(Ticket.select(Ticket.id).where(Ticket.id.in_(stale_ids)).order_by(Ticket.id)))
        # Another PC may have closed some meanwhile: only still-open ones change.
        closed = (Ticket.update(status=statuses.CANCELLED, cancel_reason="day_closed", finished_at=moment)
                  .where(Ticket.id.in_(stale_ids) & Ticket.status.in_(OPEN_STATUSES)).execute())
        Counter.update(current_ticket_id=None).where(Counter.current_ticket_id.in_(stale_ids)).execute()
        if closed:
            record_event("day_closed", at=moment, data={"closed": closed, "day": today})
    from db import rollup

    rollup.close_days_before(today)
    _rolled_over.add(key)
    if len({day for *_, day in _rolled_over}) > 1:  # a program running for days: yesterday's history counts too
        from db.schema import refresh_planner_statistics

        refresh_planner_statistics(force=True)


def _officer_username(officer_id: int | None) -> str | None:
    return _names.officer(officer_id)


class _NameCache:
    """Service names and counter numbers by id, re-read every few seconds.

    ``to_info`` needs them for every ticket it describes; they change only
    when an admin edits the site, so a short-lived cache saves several round
    trips per operation on PostgreSQL.
    """

    TTL_S = 5.0

    def __init__(self) -> None:
        self._loaded_at = -1e9
        self._key: int | None = None
        self.services: dict[int, tuple[str, str, str]] = {}
        self.counters: dict[int, int] = {}
        self.officers: dict[int, str] = {}
        self.tz: str | None = None

    def _fresh(self) -> None:
        from db.connection import generation

        key = generation()
        if self._key == key and time.monotonic() - self._loaded_at < self.TTL_S:
            return
        self.services = {r.id: (r.code, r.name, r.name_en or r.name) for r in Service.select()}
        self.counters = dict(Counter.select(Counter.id, Counter.number).tuples())
        self.officers = dict(Officer.select(Officer.id, Officer.username).tuples())
        site = Site.get_or_none(Site.id == current_site.site_id_or_none())
        self.tz = site_info(site).timezone if site is not None else None
        self._key, self._loaded_at = key, time.monotonic()

    def timezone(self) -> str | None:
        """The site's time zone (None before ``onestop init``)."""
        self._fresh()
        if self.tz is None:
            self._loaded_at = -1e9
            self._fresh()
        return self.tz

    def service(self, service_id: int) -> tuple[str, str, str]:
        self._fresh()
        if service_id not in self.services:
            self._loaded_at = -1e9
            self._fresh()
        return self.services[service_id]

    def counter(self, counter_id: int | None) -> int | None:
        if counter_id is None:
            return None
        self._fresh()
        if counter_id not in self.counters:
            self._loaded_at = -1e9
            self._fresh()
        return self.counters.get(counter_id)

    def officer(self, officer_id: int | None) -> str | None:
        if officer_id is None:
            return None
        self._fresh()
        if officer_id not in self.officers:
            self._loaded_at = -1e9
            self._fresh()
        return self.officers.get(officer_id)


_names = _NameCache()


def to_info(row: Ticket, tz: str, *, ahead: int = 0, estimated_wait_s: int | None = None) -> TicketInfo:
    code, name, name_en = _names.service(row.service_id)
    issued_code = code if row.issued_service_id == row.service_id else _names.service(row.issued_service_id)[0]
    return TicketInfo(
        id=row.id, code=row.code, number=row.number, service=code,
        service_name=name, service_name_en=name_en,
        issued_service=issued_code, status=row.status, priority=bool(row.priority),
        service_day=clock.local_datetime(row.issued_at, tz).date(),
        issued_at=clock.local_datetime(row.issued_at, tz),
        called_at=clock.epoch_to_local(row.called_at, tz),
        started_at=clock.epoch_to_local(row.started_at, tz),
        finished_at=clock.epoch_to_local(row.finished_at, tz),
        counter=_names.counter(row.counter_id), target_counter=_names.counter(row.target_counter_id),
        officer=_names.officer(row.officer_id),
        ahead=ahead, estimated_wait_s=estimated_wait_s, cancel_reason=row.cancel_reason, kiosk=row.kiosk,
        slot_start=clock.epoch_to_local(row.slot_at, tz),
        track_url=track_url(row.id, row.service_day),
    )


# ---------------------------------------------------------------- call order
#
# The one definition of who is called first (docs/appointments.md, "Call order"):
#   1. priority tickets, by queue time;
#   2. checked-in appointments whose slot has started, by slot start;
#   3. everyone else by queue time (an appointment checked in before its slot
#      waits like a walk-in issued at check-in: its queue_at is the check-in).
# ``call_order`` (SQL) and ``call_order_key`` (Python) are the same key; call-next,
# people-ahead, the counters' next-up list and the display's next codes all use it.

def call_order(now: float) -> tuple:
    """SQL ``ORDER BY`` terms (all ascending) of the call order at moment ``now``."""
    due = Ticket.slot_at.is_null(False) & (Ticket.slot_at <= now)
    return (pw.Case(None, [(Ticket.priority == True, 0)], 1),  # noqa: E712
            pw.Case(None, [(due, 0)], 1),
            pw.Case(None, [(due, Ticket.slot_at)], Ticket.queue_at),
            Ticket.id)


def call_order_key(row: Ticket, now: float) -> tuple:
    """``call_order`` for one ticket, as Python values (for "people ahead")."""
    due = row.slot_at is not None and row.slot_at <= now
    return (0 if row.priority else 1, 0 if due else 1, row.slot_at if due else row.queue_at, row.id)


def _people_ahead(row: Ticket, now: float | None = None) -> int:
    """Waiting tickets of the same service that will be called before this one."""
    moment = clock.now_epoch(now)
    same = (Ticket.status == statuses.WAITING) & (Ticket.service == row.service_id) & (Ticket.service_day == row.service_day) & (Ticket.id != row.id)
    before = pw.Tuple(*call_order(moment)) < pw.Tuple(*call_order_key(row, moment))
    return Ticket.select().where(same & before).count()


def estimated(info: TicketInfo, estimate: WaitEstimate | None) -> TicketInfo:
    """``info`` with the wait estimate (``db.wait_estimate``, the one estimator) filled in."""
    if estimate is None:
        return replace(info, estimated_wait_s=None, estimated_wait_range_s=None)
    return replace(info, estimated_wait_s=estimate.point_s, estimated_wait_range_s=estimate.range_s)


# ---------------------------------------------------------------- issuing

def issue_ticket(service_code: str, *, priority: bool = False, kiosk: str | None = None,
                 now: float | None = None, request_id: str | None = None) -> TicketInfo:
    """Hand out the next number of a service for today (kiosk or CLI).

    ``request_id`` names the tap: issuing again with the same id returns the
    ticket the first call issued (see :mod:`db.requests`).
    """
    rid = request_id or new_request_id()
    inputs.SERVICE_CODE.check(service_code)
    inputs.KIOSK_ID.check_optional(kiosk)

    def operation(moment: float) -> tuple[Ticket, str, float]:
        earlier = claim(rid, "issue", now=moment)
        if earlier is not None:
            return Ticket.get_by_id(earlier.ref_id), _site().timezone, moment
        site = _site_for_change()
        service = _service(service_code)
        if not service.active:
            raise ServiceClosed(f"Dịch vụ {service.name} tạm ngừng", f"Service {service.name_en or service.name} is not available")
        state = clock.opening_state(moment, site.timezone, site.opening_hours, site.days)
        if not state.open:
            local_now = clock.local_datetime(moment, site.timezone)
            if state.reopens_at:
                vi, en = clock.format_reopening(state.reopens_at, local_now)
                raise ServiceClosed(f"Ngoài giờ làm việc. Mở cửa lại lúc {vi}", f"Closed. Open again at {en}",
                                    reopens_at=state.reopens_at.isoformat())
            raise ServiceClosed("Ngoài giờ làm việc", "Closed")
        row = _new_ticket(site, service, moment, priority=priority, kiosk=kiosk)
        settle(rid, row.id)
        return row, site.timezone, moment

    row, tz, moment = _run(operation, now, roll_over=True)

    def describe() -> TicketInfo:
        # Outside the write transaction: the number_sequence row lock is
        # released sooner, and "ahead" is informative, not a queue rule.
        ahead = _people_ahead(row, moment)
        return estimated(to_info(row, tz, ahead=ahead), wait_estimate.estimate(row.id, moment))

    return with_retry(describe)


def _new_ticket(site: SiteInfo, service: Service, moment: float, *, priority: bool = False,
                kiosk: str | None = None, slot_at: float | None = None) -> Ticket:
    """Number and store one waiting ticket (inside the caller's write transaction).

    An appointment ticket (``slot_at`` set) is numbered from the same sequence
    but not held to ``daily_limit``: its place was promised when it was booked.
    """
    day = clock.service_day(moment, site.timezone)
    number = (NumberSequence.insert(service=service.id, service_day=day, last_number=service.start)
              .on_conflict(conflict_target=[NumberSequence.service, NumberSequence.service_day],
                           update={NumberSequence.last_number: NumberSequence.last_number + 1})
              .returning(NumberSequence.last_number).execute())
    number = _returned_number(number)
    if number > service.end:
        raise LimitReached(
            f"Đã hết số thứ tự hôm nay cho {service.name} (tối đa {service.end})",
            f"No more numbers today for {service.name_en or service.name} (last is {service.end})",
        )
    if slot_at is None and service.daily_limit is not None and number - service.start + 1 > service.daily_limit:
        raise LimitReached(
            f"{service.name} đã đủ {service.daily_limit} lượt hôm nay, mời quay lại ngày làm việc sau",
            f"{service.name_en or service.name} has reached today's limit of {service.daily_limit} tickets",
        )
    width = max(3, len(str(service.end)))
    local = clock.local_datetime(moment, site.timezone)
    row = Ticket.create(
        service_day=day, issued_service=service.id, service=service.id, number=number,
        code=f"{service.prefix}{number:0{width}d}", priority=priority, status=statuses.WAITING,
        queue_at=moment, issued_at=moment, issued_hour=local.hour, kiosk=kiosk, slot_at=slot_at,
    )
    data: dict = {"priority": priority, "kiosk": kiosk}
    if slot_at is not None:
        data.update(appointment=True, slot_start=clock.local_datetime(slot_at, site.timezone).isoformat())
    record_event("issued", at=moment, ticket=row, service=service.code, data=data)
    return row


def issue_appointment_ticket(service_id: int, slot_at: float, *, kiosk: str | None = None,
                             now: float | None = None) -> Ticket:
    """The ticket of a booking's check-in; call inside the check-in's write transaction.

    ``db.bookings.check_in`` owns the booking rules (window, idempotence);
    this only numbers the ticket.  No opening-hours check: the check-in window
    (which may open before the doors do) is the rule for appointments.
    """
    moment = clock.now_epoch(now)
    service = Service.get_by_id(service_id)
    if not service.active:
        raise ServiceClosed(f"Dịch vụ {service.name} tạm ngừng",
                            f"Service {service.name_en or service.name} is not available")
    return _new_ticket(_site(), service, moment, kiosk=kiosk, slot_at=slot_at)


def _returned_number(result) -> int:
    """peewee returns a cursor of rows for ``RETURNING``; take the one value."""
    if isinstance(result, int):
        return result
    rows = list(result)
    first = rows[0]
    if isinstance(first, (tuple, list)):
        return int(first[0])
    if isinstance(first, dict):
        return int(next(iter(first.values())))
    return int(getattr(first, "last_number", first))


def issue_check(service_code: str, *, now: float | None = None) -> str | None:
    """Why a service cannot issue now (closed, limit, range), or None; read-only.

    The kiosk uses it to grey out buttons before anyone taps them.
    """
    moment = clock.now_epoch(now)

    def read() -> str | None:
        site = _site()
        service = _service(service_code)
        if not service.active:
            return "inactive"
        if not clock.opening_state(moment, site.timezone, site.opening_hours, site.days).open:
            return "closed"
        day = clock.service_day(moment, site.timezone)
        last = (NumberSequence.select(NumberSequence.last_number)
                .where((NumberSequence.service == service.id) & (NumberSequence.service_day == day)).scalar())
        if last is None:
            return None
        if last + 1 > service.end:
            return "range"
        if service.daily_limit is not None and last - service.start + 1 >= service.daily_limit:
            return "limit"
        return None

    return with_retry(read)


# ---------------------------------------------------------------- calling

def _require_free(counter: Counter) -> None:
    if counter.current_ticket_id is not None:
        current = Ticket.get_or_none(Ticket.id == counter.current_ticket_id)
        if current is not None and current.status in statuses.AT_COUNTER:
            raise NotAllowed(
                f"Quầy {counter.number} đang phục vụ số {current.code}: hãy hoàn thành, báo vắng hoặc chuyển trước",
                f"Counter {counter.number} still holds {current.code}: finish, mark no-show or transfer it first",
            )
    if counter.paused:
        raise NotAllowed(f"Quầy {counter.number} đang tạm dừng", f"Counter {counter.number} is paused")


def _take(counter: Counter, row: Ticket, officer_id: int | None, moment: float, site: SiteInfo) -> TicketInfo:
    updated = (Ticket.update(status=statuses.CALLED, counter=counter.id, officer=officer_id,
                             called_at=pw.fn.COALESCE(Ticket.called_at, moment), last_called_at=moment,
                             target_counter=None)
               .where((Ticket.id == row.id) & (Ticket.status == statuses.WAITING)).execute())
    if updated != 1:
        raise NotAllowed(f"Số {row.code} vừa được quầy khác gọi", f"Ticket {row.code} was just taken by another counter")
    Counter.update(current_ticket_id=row.id).where(Counter.id == counter.id).execute()
    fresh = Ticket.get_by_id(row.id)
    data = {"priority": bool(fresh.priority), **_appointment_data(fresh, site)}
    record_event("called", at=moment, ticket=fresh, service=_names.service(fresh.service_id)[0], counter=counter.number,
                 officer=_officer_username(officer_id), data=data)
    return to_info(fresh, site.timezone)


def _appointment_data(row: Ticket, site: SiteInfo) -> dict:
    """What a call event says of an appointment ticket: the mark and the slot (the board shows both)."""
    if row.slot_at is None:
        return {}
    return {"appointment": True, "slot_start": clock.local_datetime(row.slot_at, site.timezone).isoformat()}


def _resolve_officer(counter: Counter, officer: str | None) -> int | None:
    if officer is None:
        return counter.officer_id
    inputs.OFFICER_USERNAME.check(officer)
    row = Officer.get_or_none((Officer.site == current_site.site_id()) & (Officer.username == officer))
    if row is None:
        raise NotFound(f"Không có cán bộ {officer}", f"No officer {officer}")
    return row.id


def call_next(counter_number: int, *, officer: str | None = None, now: float | None = None,
              request_id: str | None = None) -> TicketInfo | None:
    """Call the next ticket for a counter; ``None`` when nobody is waiting.

    In ``call_order``: priority tickets first, then appointments whose slot has
    started, then the oldest (by original issue time) among the counter's
    services and the tickets transferred to this counter.
    """

    def operation(moment: float) -> TicketInfo | None:
        site = _site_for_change()
        counter = _counter(counter_number)
        _require_free(counter)
        officer_id = _resolve_officer(counter, officer)
        today = clock.service_day(moment, site.timezone)
        links = list(CounterService.select().where(CounterService.counter == counter.id))
        service_ids = [link.service_id for link in links]
        eligible = ((Ticket.service.in_(service_ids or [0])) & Ticket.target_counter.is_null()) | (Ticket.target_counter == counter.id)
        query = (Ticket.select()
                 .where((Ticket.status == statuses.WAITING) & (Ticket.service_day == today) & eligible)
                 .order_by(*call_order(moment))
                 .limit(1))
        best = _locked(query, skip_locked=True).first()
        if best is None:
            return None
        return _take(counter, best, officer_id, moment, site)

    return _run_once(request_id, "call", now, operation, roll_over=True)


def find_ticket(reference: str | int, *, now: float | None = None) -> TicketInfo:
    """A ticket by id, or by code for today (what a QR scan or typing gives)."""
    moment = clock.now_epoch(now)

    def read() -> TicketInfo:
        site = _site()
        row = _lookup(reference, clock.service_day(moment, site.timezone))
        return to_info(row, site.timezone, ahead=_people_ahead(row, moment) if row.status == statuses.WAITING else 0)

    return with_retry(read)


def _lookup(reference: str | int, today: str) -> Ticket:
    """A ticket by id, by today's code, or by its tracking link (the QR printed on it)."""
    if isinstance(reference, str):
        inputs.TICKET_REFERENCE.check(reference)
        if reference.strip().isascii() and reference.strip().isdigit():
            reference = inputs.TICKET_ID.check(reference)   # an id beyond the column is no ticket
        elif "/t/" not in reference:
            inputs.TICKET_CODE.check(reference)
    else:
        reference = inputs.TICKET_ID.check(reference)
    link = split_reference(reference) if isinstance(reference, str) and "/t/" in reference else None
    if link is not None:
        ticket_id, token = link
        row = Ticket.get_or_none(Ticket.id == ticket_id) if verify(ticket_id, token) else None
    elif isinstance(reference, int):
        row = Ticket.get_or_none(Ticket.id == reference)
    else:
        row = (Ticket.select().join(Service, on=(Ticket.service == Service.id))
               .where((Ticket.code == str(reference).strip().upper()) & (Ticket.service_day == today)
                      & (Service.site == current_site.site_id()))
               .order_by(Ticket.id.desc()).first())
    if row is not None and Service.get_by_id(row.service_id).site_id != current_site.site_id():
        row = None   # another site's ticket: not found here
    if row is None:
        raise NotFound(f"Không tìm thấy số {reference}", f"No ticket {reference}")
    return row


def call_ticket(counter_number: int, reference: str | int, *, officer: str | None = None,
                now: float | None = None, request_id: str | None = None) -> TicketInfo:
    """Call one particular waiting ticket (typed code or scanned QR)."""

    def operation(moment: float) -> TicketInfo:
        site = _site_for_change()
        counter = _counter(counter_number)
        _require_free(counter)
        row = _lookup(reference, clock.service_day(moment, site.timezone))
        if row.status != statuses.WAITING or row.service_day != clock.service_day(moment, site.timezone):
            raise NotAllowed(f"Số {row.code} không còn chờ", f"Ticket {row.code} is not waiting")
        locked = _locked(Ticket.select().where(Ticket.id == row.id)).first()
        return _take(counter, locked, _resolve_officer(counter, officer), moment, site)

    return _run_once(request_id, "call", now, operation)


# ---------------------------------------------------------------- serving

def _current(counter: Counter, allowed: tuple[str, ...], action_vi: str, action_en: str) -> Ticket:
    row = Ticket.get_or_none(Ticket.id == counter.current_ticket_id) if counter.current_ticket_id else None
    if row is None or row.status not in statuses.AT_COUNTER:
        raise NotAllowed(f"Quầy {counter.number} chưa gọi số nào để {action_vi}",
                         f"Counter {counter.number} has no ticket to {action_en}")
    if row.status not in allowed:
        raise NotAllowed(f"Số {row.code} đang ở trạng thái không thể {action_vi}",
                         f"Ticket {row.code} cannot be {action_en} now ({row.status})")
    return row


def _finish_event(kind: str, counter: Counter, row: Ticket, moment: float, data: dict | None = None) -> None:
    record_event(kind, at=moment, ticket=row, service=_names.service(row.service_id)[0],
                 counter=counter.number, officer=_officer_username(row.officer_id), data=data)


def recall(counter_number: int, *, now: float | None = None, request_id: str | None = None) -> TicketInfo:
    """Call the current ticket again: the display announces it again."""

    def operation(moment: float) -> TicketInfo:
        site = _site()
        counter = _counter(counter_number)
        row = _current(counter, (statuses.CALLED,), "gọi lại", "recall")
        Ticket.update(last_called_at=moment, recalls=Ticket.recalls + 1).where(Ticket.id == row.id).execute()
        _finish_event("recalled", counter, row, moment, _appointment_data(row, site) or None)
        return to_info(Ticket.get_by_id(row.id), site.timezone)

    return _run_once(request_id, "recall", now, operation)


def start_service(counter_number: int, *, now: float | None = None, request_id: str | None = None) -> TicketInfo:

    def operation(moment: float) -> TicketInfo:
        site = _site()
        counter = _counter(counter_number)
        row = _current(counter, (statuses.CALLED,), "bắt đầu", "started")
        Ticket.update(status=statuses.SERVING, started_at=moment).where(Ticket.id == row.id).execute()
        _finish_event("started", counter, row, moment)
        return to_info(Ticket.get_by_id(row.id), site.timezone)

    return _run_once(request_id, "start", now, operation)


def finish_service(counter_number: int, *, now: float | None = None, request_id: str | None = None) -> TicketInfo:
    """Done.  Without a "start" press, service is taken to have begun at the last call."""

    def operation(moment: float) -> TicketInfo:
        site = _site()
        counter = _counter(counter_number)
        row = _current(counter, statuses.AT_COUNTER, "hoàn thành", "finished")
        started = row.started_at if row.started_at is not None else row.last_called_at
        Ticket.update(status=statuses.DONE, started_at=started, finished_at=moment).where(Ticket.id == row.id).execute()
        Counter.update(current_ticket_id=None).where(Counter.id == counter.id).execute()
        _finish_event("done", counter, row, moment, {"service_s": round(moment - started, 1)})
        return to_info(Ticket.get_by_id(row.id), site.timezone)

    return _run_once(request_id, "done", now, operation)


def mark_no_show(counter_number: int, *, now: float | None = None, request_id: str | None = None) -> TicketInfo:

    def operation(moment: float) -> TicketInfo:
        site = _site()
        counter = _counter(counter_number)
        row = _current(counter, (statuses.CALLED,), "báo vắng", "marked no-show")
        Ticket.update(status=statuses.NO_SHOW, finished_at=moment).where(Ticket.id == row.id).execute()
        Counter.update(current_ticket_id=None).where(Counter.id == counter.id).execute()
        _finish_event("no_show", counter, row, moment)
        return to_info(Ticket.get_by_id(row.id), site.timezone)

    return _run_once(request_id, "no_show", now, operation)


def transfer(counter_number: int, *, to_service: str | None = None, to_counter: int | None = None,
             note: str | None = None, now: float | None = None, request_id: str | None = None) -> TicketInfo:
    """Hand the current ticket on; it keeps its code and its place by original issue time."""
    if (to_service is None) == (to_counter is None):
        raise InvalidInput("Chọn một dịch vụ hoặc một quầy để chuyển", "Give exactly one of --to-service or --to-counter")

    def operation(moment: float) -> TicketInfo:
        site = _site()
        counter = _counter(counter_number)
        row = _current(counter, statuses.AT_COUNTER, "chuyển", "transferred")
        changes: dict = {"status": statuses.WAITING, "transfers": Ticket.transfers + 1, "started_at": None}
        data: dict = {"from_counter": counter.number, "from_service": _names.service(row.service_id)[0]}
        if note:
            changes["note"] = note
            data["note"] = note
        if to_service is not None:
            target = _service(to_service)
            if not target.active:
                raise NotAllowed(f"Dịch vụ {target.name} tạm ngừng", f"Service {target.code} is not available")
            changes.update(service=target.id, target_counter=None)
            data["to_service"] = target.code
        else:
            target_counter = _counter(int(to_counter), lock=False)
            if target_counter.id == counter.id:
                raise InvalidInput("Không thể chuyển cho chính quầy này", "Cannot transfer to the same counter")
            changes["target_counter"] = target_counter.id
            data["to_counter"] = target_counter.number
        Ticket.update(**changes).where(Ticket.id == row.id).execute()
        Counter.update(current_ticket_id=None).where(Counter.id == counter.id).execute()
        fresh = Ticket.get_by_id(row.id)
        record_event("transferred", at=moment, ticket=fresh, service=_names.service(fresh.service_id)[0],
                     counter=counter.number, officer=_officer_username(row.officer_id), data=data)
        return to_info(fresh, site.timezone, ahead=_people_ahead(fresh, moment))

    return _run_once(request_id, "transfer", now, operation)


def cancel_ticket(ticket_id: int, *, reason: str = "cancelled", now: float | None = None,
                  request_id: str | None = None, only_waiting: bool = False) -> TicketInfo:
    """Cancel a ticket (failed print, citizen left); it stays in the reports.

    ``only_waiting`` refuses (``NotAllowed``) a ticket a counter has called meanwhile: a print that
    failed after seconds must not take the ticket from under the officer who called it (soak finding).
    """
    ticket_id = inputs.TICKET_ID.check(ticket_id)
    inputs.CANCEL_REASON.check(reason)

    def operation(moment: float) -> TicketInfo:
        site = _site()
        # The counter before the ticket: the order every counter operation locks them in.
        holder = _locked(Counter.select().where(Counter.current_ticket_id == ticket_id)).first()
        row = _locked(Ticket.select().where(Ticket.id == ticket_id)).first()
        if row is None:
            raise NotFound(f"Không có vé {ticket_id}", f"No ticket {ticket_id}")
        if row.status not in OPEN_STATUSES:
            raise NotAllowed(f"Số {row.code} đã kết thúc", f"Ticket {row.code} is already closed ({row.status})")
        if only_waiting and row.status != statuses.WAITING:
            raise NotAllowed(f"Số {row.code} đã được gọi", f"Ticket {row.code} was called meanwhile ({row.status})")
        Ticket.update(status=statuses.CANCELLED, cancel_reason=reason, finished_at=moment).where(Ticket.id == row.id).execute()
        if holder is not None:
            Counter.update(current_ticket_id=None).where(Counter.id == holder.id).execute()
        record_event("cancelled", at=moment, ticket=row, service=_names.service(row.service_id)[0],
                     counter=holder.number if holder else None, data={"reason": reason})
        return to_info(Ticket.get_by_id(row.id), site.timezone)

    return _run_once(request_id, "cancel", now, operation)


def set_paused(counter_number: int, paused: bool, *, now: float | None = None) -> bool:
    """Pause or resume a counter; a counter holding a ticket must finish it first."""

    def operation(moment: float) -> bool:
        counter = _counter(counter_number)
        if paused and counter.current_ticket_id is not None:
            current = Ticket.get_or_none(Ticket.id == counter.current_ticket_id)
            if current is not None and current.status in statuses.AT_COUNTER:
                raise NotAllowed(f"Hãy xử lý xong số {current.code} trước khi tạm dừng",
                                 f"Finish ticket {current.code} before pausing")
        if counter.paused == paused:
            return paused
        Counter.update(paused=paused).where(Counter.id == counter.id).execute()
        record_event("paused" if paused else "resumed", at=moment, counter=counter.number,
                     officer=_officer_username(counter.officer_id))
        return paused

    return _run(operation, now)


def current_ticket(counter_number: int) -> TicketInfo | None:
    """The ticket a counter is handling now, if any."""

    def read() -> TicketInfo | None:
        site = _site()
        counter = _counter(counter_number, lock=False)
        if counter.current_ticket_id is None:
            return None
        row = Ticket.get_or_none(Ticket.id == counter.current_ticket_id)
        if row is None or row.status not in statuses.AT_COUNTER:
            return None
        return to_info(row, site.timezone)

    return with_retry(read)
