"""Recording satisfaction-keypad presses (docs/interfaces.md §6).

The province reports satisfaction figures straight from these rows, so the
rules are strict and all live here, not in the reader or the screens:

* every press is stored, one ``rating`` row, in one write transaction together
  with its ``rated`` event (screens follow the event log);
* a press is attached to the ticket being served at the counter (``serving``),
  else to the ticket finished there (status ``done``) within the site's
  ``window_s`` (the citizen who just left, even if the officer already called
  the next number), else to the ticket merely called there, else it is stored
  unattached (``ticket`` NULL);
* a ticket's rating is its latest counted press: reports take that one;
* the same value pressed again at the same counter within ``debounce_s``
  (default 2 s) is a key bounce or a child mashing the button: it is stored
  with ``counted = False`` so it is visible to auditors but never counted;
* a value outside the configured levels is refused (``InvalidInput``); the
  keypad reader checks it first and counts it as discarded.

The counter row is locked for the transaction (``FOR UPDATE`` on PostgreSQL;
SQLite holds the write lock anyway), so two presses at one counter, or a press
racing the officer's "done", are decided one after the other and debounce and
attachment always see the state the other one committed.

``record_press`` retries through ``with_retry`` (reconnect on a lost
connection, a second try when SQLite stays locked past its busy timeout) and
then raises ``DatabaseUnavailable``; callers that must not lose a press (the
keypad reader) keep it in a backlog and call again later with the original
``now`` so debounce and the attachment window use the time of the press.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from db import clock, current_site, integrity, statuses
from db.connection import is_postgres, with_retry, write_transaction
from db.errors import InvalidInput, NotFound
from db.events import record_event
from db.models import Counter, Officer, Rating, Service, Site, Ticket
from db.requests import claim, new_request_id, settle
from db.site import site_info
from db.values import RatingInfo, RatingLevel, SiteInfo, iso

T = TypeVar("T")

#: seconds within which the same value pressed again at one counter counts once
DEFAULT_DEBOUNCE_S = 2.0
#: statuses meaning "the counter is handling this ticket now"
HANDLING = statuses.AT_COUNTER
#: longest a ticket may stay at a counter past midnight and still be found by
#: the window lookup (the ``service_day`` bound keeps that lookup on an index)
_DAY_S = 86400.0


@dataclass(frozen=True)
class PressInfo(RatingInfo):
    """A ``RatingInfo`` plus what the reader, the CLI and the counter screen show.

    A subclass (rather than new fields on ``RatingInfo``) because ``db/values.py``
    belongs to the queue engine; it is still a ``RatingInfo`` for every caller.
    """

    counted: bool = True
    officer: str | None = None
    label: str = ""
    label_en: str = ""

    @property
    def attached(self) -> bool:
        return self.ticket_id is not None

    def to_json(self) -> dict:
        """The rating object printed by ``onestop rate``."""
        return {
            "id": self.id,
            "counter": self.counter,
            "value": self.value,
            "label": self.label,
            "label_en": self.label_en,
            "ticket_id": self.ticket_id,
            "ticket": self.ticket_code,
            "attached": self.attached,
            "counted": self.counted,
            "officer": self.officer,
            "pressed_at": iso(self.pressed_at),
            "source": self.source,
        }


@dataclass(frozen=True)
class RatingPolicy:
    """The site's rating settings, read once per transaction."""

    levels: tuple[RatingLevel, ...]
    window_s: float
    debounce_s: float
    timezone: str

    def level(self, value: int) -> RatingLevel | None:
        return next((lv for lv in self.levels if lv.value == value), None)


# ---------------------------------------------------------------- helpers

def _run(operation: Callable[[], T]) -> T:
    """One write transaction, retried on a lost connection or a long lock."""

    def attempt() -> T:
        with write_transaction():
            return operation()

    return with_retry(attempt)


def _policy_of(row: Site) -> RatingPolicy:
    info: SiteInfo = site_info(row)
    # ``debounce_s`` is accepted by the site file but not carried by SiteInfo.
    ratings = json.loads(row.settings or "{}").get("ratings", {})
    debounce = ratings.get("debounce_s", DEFAULT_DEBOUNCE_S)
    return RatingPolicy(levels=info.rating_levels, window_s=float(info.rating_window_s),
                        debounce_s=float(debounce), timezone=info.timezone)


def _policy() -> RatingPolicy:
    row = current_site.row_or_none()
    if row is None:
        raise NotFound("Chưa khởi tạo: hãy chạy `onestop init`", "Not initialised: run `onestop init` first")
    return _policy_of(row)


def _counter(number: int) -> Counter:
    query = current_site.rows(Counter).where(Counter.number == number)
    if is_postgres():
        query = query.for_update()
    row = query.first()
    if row is None or not row.active:
        raise NotFound(f"Không có quầy số {number}", f"No counter number {number}")
    return row


def _check_value(value: int, policy: RatingPolicy) -> RatingLevel:
    level = policy.level(value) if isinstance(value, int) and not isinstance(value, bool) else None
    if level is None:
        allowed = ", ".join(str(lv.value) for lv in sorted(policy.levels, key=lambda lv: lv.value))
        raise InvalidInput(f"Mức đánh giá {value!r} không hợp lệ (chọn {allowed})",
                           f"Rating value {value!r} is not a configured level ({allowed})")
    return level


def _ticket_for_press(counter: Counter, moment: float, policy: RatingPolicy) -> Ticket | None:
    """The ticket a press at ``moment`` belongs to, or None (stored unattached).

    Only a lower bound on ``finished_at``: when the keypad PC's clock is a
    little behind the officer's PC, a press right after "done" would otherwise
    look like it came before the ticket finished and be lost to it.
    """
    current = None
    if counter.current_ticket_id is not None:
        current = Ticket.get_or_none(Ticket.id == counter.current_ticket_id)
        if current is not None and current.status == statuses.SERVING:
            return current
    earliest_day = clock.service_day(moment - policy.window_s - _DAY_S, policy.timezone)
    finished = (Ticket.select()
                .where((Ticket.counter == counter.id) & (Ticket.status == statuses.DONE)
                       & (Ticket.service_day >= earliest_day)
                       & (Ticket.finished_at >= moment - policy.window_s))
                .order_by(Ticket.finished_at.desc(), Ticket.id.desc())
                .first())
    if finished is not None:
        # An officer often presses "done" and calls the next number at once;
        # the citizen who just left rates on the way out, so a ticket that is
        # only *called* (the next citizen still walking up) does not take it.
        return finished
    if current is not None and current.status in HANDLING:
        return current
    return None


def _is_repeat(counter: Counter, value: int, moment: float, day: str, policy: RatingPolicy) -> bool:
    """Same value as the counter's previous press, less than ``debounce_s`` before it.

    Compared with the previous press whether or not that one counted, so a
    button held down or mashed for ten seconds still counts once.
    """
    if policy.debounce_s <= 0:
        return False
    # ``counter + 0``: keeps SQLite (no statistics) off the counter index, which
    # would walk every press the counter ever had, and on the service_day index
    # (one or two days of presses).
    previous = (Rating.select(Rating.value, Rating.pressed_at)
                .where(((Rating.counter + 0) == counter.id)
                       & (Rating.service_day >= clock.service_day(moment - policy.debounce_s, policy.timezone))
                       & (Rating.service_day <= day)
                       & (Rating.pressed_at <= moment)
                       & (Rating.pressed_at > moment - policy.debounce_s))
                .order_by(Rating.pressed_at.desc(), Rating.id.desc())
                .first())
    return previous is not None and previous.value == value


def _username(officer_id: int | None) -> str | None:
    if officer_id is None:
        return None
    row = Officer.get_or_none(current_site.here(Officer), Officer.id == officer_id)
    return row.username if row else None


def _info(row: Rating, counter_number: int, ticket_code: str | None, policy: RatingPolicy,
          officer: str | None) -> PressInfo:
    level = policy.level(row.value)
    return PressInfo(
        id=int(row.id), counter=counter_number, value=int(row.value), ticket_id=row.ticket_id,
        ticket_code=ticket_code, pressed_at=clock.local_datetime(row.pressed_at, policy.timezone),
        source=row.source, counted=bool(row.counted), officer=officer,
        label=level.label if level else "", label_en=level.label_en if level else "",
    )


# ---------------------------------------------------------------- operations

def record_press(counter_number: int, value: int, *, source: str = "keypad", now: float | None = None,
                 request_id: str | None = None) -> PressInfo:
    """Store one press at a counter; returns what was stored.

    ``now`` is the moment of the press (epoch seconds); a reader replaying a
    backlog passes the original moment, not the time of the retry.
    Raises ``InvalidInput`` for a value outside the site's levels, ``NotFound``
    for an unknown counter, ``DatabaseUnavailable`` once retries are used up.
    ``request_id`` names the press (a reader replaying its backlog passes the
    same one): recording it again returns the first rating (:mod:`db.requests`).
    """
    moment = clock.now_epoch(now)
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidInput(f"Mức đánh giá {value!r} không hợp lệ", f"Rating value {value!r} is not an integer")

    rid = request_id or new_request_id()

    def operation() -> PressInfo:
        earlier = claim(rid, "rate", now=moment)
        if earlier is not None:
            return _replay(earlier.ref_id)
        policy = _policy()
        _check_value(value, policy)
        counter = _counter(counter_number)
        day = clock.service_day(moment, policy.timezone)
        ticket = _ticket_for_press(counter, moment, policy)
        counted = not _is_repeat(counter, value, moment, day, policy)
        officer_id = ticket.officer_id if ticket is not None and ticket.officer_id else counter.officer_id
        row = Rating.create(counter=counter.id, officer=officer_id, ticket=ticket.id if ticket else None,
                            value=value, pressed_at=moment, service_day=day, source=source, counted=counted)
        integrity.seal("rating", row)  # tamper evidence, same transaction (db/integrity.py)
        officer = _username(officer_id)
        service = Service.get_by_id(ticket.service_id).code if ticket is not None else None
        record_event("rated", at=moment, ticket=ticket, service=service, counter=counter.number, officer=officer,
                     data={"value": value, "attached": ticket is not None, "counted": counted,
                           "source": source, "rating_id": int(row.id)})
        settle(rid, int(row.id))
        return _info(row, counter.number, ticket.code if ticket else None, policy, officer)

    return _run(operation)


def _replay(rating_id: int) -> PressInfo:
    """The rating an earlier attempt of the same press stored."""
    row = Rating.get_by_id(rating_id)
    number = Counter.get_by_id(row.counter_id).number
    code = Ticket.get_by_id(row.ticket_id).code if row.ticket_id else None
    return _info(row, number, code, _policy(), _username(row.officer_id))


def latest_rating(counter_number: int, *, now: float | None = None) -> PressInfo | None:
    """The counter's latest counted press of the current service day, for its screen.

    Earlier days are left out so that a fresh morning does not greet the
    officer with yesterday's last rating.
    """
    moment = clock.now_epoch(now)

    def read() -> PressInfo | None:
        policy = _policy()
        counter = Counter.get_or_none(current_site.here(Counter), Counter.number == counter_number)
        if counter is None:
            raise NotFound(f"Không có quầy số {counter_number}", f"No counter number {counter_number}")
        row = (Rating.select()
               .where((Rating.counter == counter.id) & (Rating.counted == True)  # noqa: E712
                      & (Rating.service_day == clock.service_day(moment, policy.timezone)))
               .order_by(Rating.pressed_at.desc(), Rating.id.desc())
               .first())
        if row is None:
            return None
        code = Ticket.get_by_id(row.ticket_id).code if row.ticket_id else None
        return _info(row, counter.number, code, policy, _username(row.officer_id))

    return with_retry(read)


def rating_levels() -> tuple[RatingLevel, ...]:
    """The configured levels (what the reader accepts before recording)."""
    return with_retry(lambda: _policy().levels)


def _address_claims() -> dict[int, list[int]]:
    """Bus address -> numbers of the active counters answering to it."""
    claims: dict[int, list[int]] = {}
    for number, address in (current_site.rows(Counter, Counter.number, Counter.keypad_address)
                            .where(Counter.active == True).order_by(Counter.number).tuples()):  # noqa: E712
        claims.setdefault(number if address is None else address, []).append(number)
    return claims


def keypad_addresses() -> dict[int, int]:
    """Bus address -> counter number for the active counters.

    A counter's address is its ``keypad_address``, else its number. An address
    claimed by two counters is left out: a press on it is discarded (and
    counted) rather than credited to a guessed counter.
    """
    claims = with_retry(_address_claims)
    return {address: numbers[0] for address, numbers in claims.items() if len(numbers) == 1}


def keypad_address_conflicts() -> dict[int, list[int]]:
    """Addresses claimed by more than one active counter (warned about at start)."""
    claims = with_retry(_address_claims)
    return {address: numbers for address, numbers in claims.items() if len(numbers) > 1}


def counter_for_keypad_address(address: int) -> int | None:
    """The counter number whose keypad uses ``address`` on the bus, or None."""
    return keypad_addresses().get(address)
