"""What a supervisor or administrator changes: every privileged operation of the domain.

Plain functions, one write transaction each, each writing its event in the
same transaction (screens following the feed see the change at once, and the
event log records who did it).  Each takes the acting officer (``actor``: an
``OfficerInfo`` after a login, or ``db.permissions.LOCAL_ADMIN`` for the CLI)
and checks the role itself with ``db.permissions.require`` before changing
anything, so the admin program, the CLI and the web service cannot differ:
an officer is refused with ``Forbidden`` whatever screen sent the request.
The same rules as the site TOML apply (``db.site_config``), so a service
created here could have come from a file and the other way round.  Nothing is
ever deleted: services, counters and officers are deactivated, so their
history stays in the reports.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from db import audit, clock, current_site, statuses
from db import site as site_store
from db.backup import BackupResult, backup_database
from db.connection import with_retry, write_transaction
from db.errors import InvalidInput, NotAllowed, NotFound
from db.events import record_event
from db.models import Booking, Counter, CounterService, Officer, Service, Site, Ticket
from db.officers import (
    MAX_PIN_DIGITS,
    hash_pin,
    min_pin_digits,
    pin_problem,
    sign_in_at_counter,
    sign_out,
    site_staff_pin_min,
)
from db.permissions import ActingOfficer, Action, require
from db.site import counter_info, service_info
from db.site_config import SiteConfig
from db.site_export import write_site_toml
from db.values import CounterInfo, ServiceInfo

T = TypeVar("T")

ROLES = ("officer", "supervisor", "admin")
_CODE = re.compile(r"[A-Z0-9]{1,16}")
_PREFIX = re.compile(r"[A-Z]{0,4}")
_USERNAME = re.compile(r"[a-z0-9_.-]{2,64}")


@dataclass(frozen=True)
class OfficerRow:
    """An officer as the admin lists show it (never the PIN hash)."""

    username: str
    full_name: str
    role: str
    active: bool
    counter: int | None  # counter the officer is signed in at
    locked: bool


_SERVICE_FIELDS = ("code", "name", "name_en", "prefix", "start", "end", "daily_limit", "target_wait_min", "group",
                   "group_en", "active")
_COUNTER_FIELDS = ("number", "name", "keypad_address", "active")
_OFFICER_FIELDS = ("username", "full_name", "role", "active")


def _fields(row, names: tuple[str, ...]) -> dict:
    """What the audit log keeps of a row (never a PIN hash)."""
    return {name: getattr(row, name) for name in names}


def _service_codes(counter: Counter) -> list[str]:
    return [code for (code,) in CounterService.select(Service.code).join(Service)
            .where(CounterService.counter == counter.id).order_by(CounterService.position).tuples()]


def _run(actor: ActingOfficer | None, action: Action, operation: Callable[[], T]) -> T:
    """``operation`` in one write transaction, after the actor's right to ``action`` is checked in it."""
    def attempt() -> T:
        with write_transaction():
            require(actor, action)
            return operation()

    return with_retry(attempt)


def _check(actor: ActingOfficer | None, action: Action) -> None:
    """The check alone (one read), for operations that are not one write of ours: a backup, a file,
    an import or a seat, each of which runs its own transaction right after."""
    with_retry(lambda: require(actor, action))


def _who(actor: ActingOfficer) -> str | None:
    """The name the event log records (``None`` for the local administrator, as before)."""
    return actor.username


def _service(code: str) -> Service:
    row = Service.get_or_none(current_site.here(Service), Service.code == str(code).strip().upper())
    if row is None:
        raise NotFound(f"Không có dịch vụ {code}", f"No service {code}")
    return row


def _counter(number: int) -> Counter:
    row = Counter.get_or_none(current_site.here(Counter), Counter.number == int(number))
    if row is None:
        raise NotFound(f"Không có quầy {number}", f"No counter {number}")
    return row


def _officer(username: str) -> Officer:
    row = Officer.get_or_none(current_site.here(Officer), Officer.username == str(username).strip())
    if row is None:
        raise NotFound(f"Không có cán bộ {username}", f"No officer {username}")
    return row


def _text(value: str | None, label_vi: str, label_en: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(f"Thiếu {label_vi}", f"{label_en} is required")
    return value


# ----------------------------------------------------------------- services

def create_service(code: str, name: str, prefix: str, *, name_en: str = "", start: int = 1, end: int = 999,
                   daily_limit: int | None = None, target_wait_min: int | None = None, group: str | None = None,
                   group_en: str | None = None, actor: ActingOfficer, now: float | None = None) -> ServiceInfo:
    """A new service, placed last on the kiosk; codes and prefixes must stay unique."""
    moment = clock.now_epoch(now)
    code = str(code).strip().upper()
    prefix = str(prefix).strip().upper()
    name = _text(name, "tên dịch vụ", "Service name")
    if not _CODE.fullmatch(code):
        raise InvalidInput(f"Mã dịch vụ {code!r} chỉ gồm A-Z, 0-9", f"Service code {code!r} must be A-Z0-9")
    if not _PREFIX.fullmatch(prefix):
        raise InvalidInput("Tiền tố gồm 0-4 chữ cái A-Z", "Prefix must be 0-4 capital letters A-Z")
    if not (0 <= int(start) <= int(end)):
        raise InvalidInput("Số đầu phải <= số cuối", "start must be <= end (and >= 0)")
    for value, label in ((daily_limit, "daily_limit"), (target_wait_min, "target_wait_min")):
        if value is not None and int(value) <= 0:
            raise InvalidInput(f"{label} phải là số dương", f"{label} must be a positive integer")

    def operation() -> ServiceInfo:
        if current_site.rows(Service).where(Service.code == code).exists():
            raise InvalidInput(f"Mã dịch vụ {code} đã có", f"Service code {code} already exists")
        clash = Service.get_or_none(current_site.here(Service), Service.prefix == prefix)
        if clash is not None:
            raise InvalidInput(f"Tiền tố {prefix} đã dùng cho {clash.code}",
                               f"Prefix {prefix!r} is already used by {clash.code}: ticket codes must be unique")
        last = (current_site.rows(Service, Service.sort_order).order_by(Service.sort_order.desc())
                .limit(1).scalar() or 0)
        row = Service.create(code=code, name=name, name_en=(name_en or "").strip(), prefix=prefix, start=int(start),
                             end=int(end), daily_limit=daily_limit, target_wait_min=target_wait_min,
                             group=(group or None), group_en=(group_en or None), sort_order=last + 1, active=True)
        record_event("service_created", at=moment, service=code, officer=_who(actor), data={"name": name})
        audit.record("service_created", actor=_who(actor), target=code, after=_fields(row, _SERVICE_FIELDS), now=moment)
        return service_info(row)

    return _run(actor, Action.MANAGE_SERVICES, operation)


def set_service_active(code: str, active: bool, *, actor: ActingOfficer, now: float | None = None) -> ServiceInfo:
    """Stop (or resume) issuing tickets for a service; tickets already waiting are still served."""
    moment = clock.now_epoch(now)

    def operation() -> ServiceInfo:
        row = _service(code)
        if row.active != active:
            Service.update(active=active).where(Service.id == row.id).execute()
            audit.record("service_active", actor=_who(actor), target=row.code, before={"active": row.active},
                         after={"active": active}, now=moment)
            record_event("service_activated" if active else "service_deactivated", at=moment, service=row.code,
                         officer=_who(actor))
        return service_info(Service.get_by_id(row.id))

    return _run(actor, Action.MANAGE_SERVICES, operation)


# ----------------------------------------------------------------- appointment slots

#: the same ranges as ``booking = { slot_min, per_slot }`` in the site TOML (db.site_config)
SLOT_MIN_RANGE = (5, 240)
PER_SLOT_RANGE = (1, 100)


@dataclass(frozen=True)
class BookingCapacity:
    """One service's appointment slots as the admin program edits them (``None``: takes no bookings)."""

    code: str
    name: str
    name_en: str
    slot_min: int | None
    per_slot: int | None
    active: bool
    upcoming: int = 0        # active bookings from now on (a slot length cannot change under them)

    @property
    def bookable(self) -> bool:
        return bool(self.slot_min and self.per_slot)


def _upcoming_bookings(service: Service, moment: float) -> int:
    return (Booking.select().where((Booking.service == service.id) & (Booking.status == statuses.BOOKED)
                                   & (Booking.slot_start >= moment)).count())


def _capacity(row: Service, moment: float) -> BookingCapacity:
    return BookingCapacity(row.code, row.name, row.name_en or row.name, row.booking_slot_min, row.booking_per_slot,
                           bool(row.active), _upcoming_bookings(row, moment) if row.booking_slot_min else 0)


def booking_capacities(*, now: float | None = None) -> list[BookingCapacity]:
    """Every service with its slot settings, in the kiosk's order (inactive ones too)."""
    moment = clock.now_epoch(now)
    rows = lambda: current_site.rows(Service).order_by(Service.sort_order, Service.code)  # noqa: E731
    return with_retry(lambda: [_capacity(r, moment) for r in rows()])


def set_booking_capacity(code: str, slot_min: int | None, per_slot: int | None, *, actor: ActingOfficer,
                         now: float | None = None) -> BookingCapacity:
    """Set how a service takes bookings: slots of ``slot_min`` minutes, ``per_slot`` places each.

    ``None`` for both stops new bookings (those already made stay valid and
    can still check in).  The rules of the site TOML's ``booking = {...}``
    apply: 5-240 minutes, 1-100 places, and one slot must fit an opening-hours
    span.  ``per_slot`` may change at any time (a slot already fuller than the
    new number keeps its bookings and takes no more); the slot length may not
    while bookings from now on exist, since their times would no longer be
    slots.  A re-import of the site file sets the values from the file again.
    """
    moment = clock.now_epoch(now)
    off = slot_min is None and per_slot is None
    if not off:
        if slot_min is None or per_slot is None:
            raise InvalidInput("Cần cả độ dài khung giờ và số chỗ mỗi khung",
                               "Give both the slot length and the places per slot (or neither)")
        slot_min, per_slot = int(slot_min), int(per_slot)
        if not SLOT_MIN_RANGE[0] <= slot_min <= SLOT_MIN_RANGE[1]:
            raise InvalidInput(f"Độ dài khung giờ phải từ {SLOT_MIN_RANGE[0]} đến {SLOT_MIN_RANGE[1]} phút",
                               f"The slot length must be {SLOT_MIN_RANGE[0]}-{SLOT_MIN_RANGE[1]} minutes")
        if not PER_SLOT_RANGE[0] <= per_slot <= PER_SLOT_RANGE[1]:
            raise InvalidInput(f"Số chỗ mỗi khung phải từ {PER_SLOT_RANGE[0]} đến {PER_SLOT_RANGE[1]}",
                               f"Places per slot must be {PER_SLOT_RANGE[0]}-{PER_SLOT_RANGE[1]}")

    def operation() -> BookingCapacity:
        row = _service(code)
        before = {"slot_min": row.booking_slot_min, "per_slot": row.booking_per_slot}
        after = {"slot_min": slot_min, "per_slot": per_slot}
        if before == after:
            return _capacity(row, moment)
        if not off:
            site = current_site.row()
            spans = [clock.parse_span(h) for h in json.loads(site.opening_hours)]
            if not any(end - start >= slot_min for start, end in spans):
                raise InvalidInput(f"Không khoảng giờ làm việc nào đủ dài cho một khung {slot_min} phút",
                                   f"No opening-hours span is long enough for a {slot_min}-minute slot")
            if row.booking_slot_min and slot_min != row.booking_slot_min:
                upcoming = _upcoming_bookings(row, moment)
                if upcoming:
                    raise NotAllowed(f"Dịch vụ {row.code} còn {upcoming} lịch hẹn sắp tới: không đổi được độ dài "
                                     f"khung giờ (chỉ đổi số chỗ, hoặc chờ hết các lịch hẹn đó)",
                                     f"Service {row.code} has {upcoming} upcoming bookings: its slot length cannot "
                                     f"change (change the places only, or wait until they are past)")
        Service.update(booking_slot_min=slot_min, booking_per_slot=per_slot).where(Service.id == row.id).execute()
        audit.record("booking_capacity", actor=_who(actor), target=row.code, before=before, after=after, now=moment)
        record_event("booking_capacity_changed", at=moment, service=row.code, officer=_who(actor), data=after)
        return _capacity(Service.get_by_id(row.id), moment)

    return _run(actor, Action.MANAGE_BOOKINGS, operation)


# ----------------------------------------------------------------- counters

def _link_services(counter: Counter, services: list[str]) -> None:
    CounterService.delete().where(CounterService.counter == counter.id).execute()
    for position, code in enumerate(services):
        CounterService.create(counter=counter.id, service=_service(code).id, position=position)


def create_counter(number: int, name: str, services: list[str], *, keypad_address: int | None = None,
                   actor: ActingOfficer, now: float | None = None) -> CounterInfo:
    """A new counter calling ``services`` in that preference order."""
    moment = clock.now_epoch(now)
    number = int(number)
    if number <= 0:
        raise InvalidInput("Số quầy phải là số dương", "Counter number must be a positive integer")
    if keypad_address is not None and not 0 <= int(keypad_address) <= 255:
        raise InvalidInput("Địa chỉ bàn phím 0-255", "keypad_address must be 0-255")
    if not services:
        raise InvalidInput("Quầy cần ít nhất một dịch vụ", "A counter needs at least one service")
    name = (name or "").strip() or f"Quầy {number}"

    def operation() -> CounterInfo:
        if current_site.rows(Counter).where(Counter.number == number).exists():
            raise InvalidInput(f"Quầy số {number} đã có", f"Counter {number} already exists")
        row = Counter.create(number=number, name=name, keypad_address=keypad_address, active=True)
        _link_services(row, services)
        audit.record("counter_created", actor=_who(actor), target=str(number), after={**_fields(row, _COUNTER_FIELDS),
                     "services": _service_codes(row)}, now=moment)
        record_event("counter_created", at=moment, counter=number, officer=_who(actor),
                     data={"services": [s.upper() for s in services]})
        return counter_info(row)

    return _run(actor, Action.MANAGE_COUNTERS, operation)


def set_counter_services(number: int, services: list[str], *, actor: ActingOfficer,
                         now: float | None = None) -> CounterInfo:
    """Change which services a counter calls (and in which order)."""
    moment = clock.now_epoch(now)
    if not services:
        raise InvalidInput("Quầy cần ít nhất một dịch vụ", "A counter needs at least one service")

    def operation() -> CounterInfo:
        row = _counter(number)
        audit.record("counter_services", actor=_who(actor), target=str(row.number),
                     before={"services": _service_codes(row)},
                     after={"services": [str(s).strip().upper() for s in services]}, now=moment)
        _link_services(row, services)
        record_event("counter_services", at=moment, counter=row.number, officer=_who(actor),
                     data={"services": [s.upper() for s in services]})
        return counter_info(row)

    return _run(actor, Action.MANAGE_COUNTERS, operation)


def set_counter_active(number: int, active: bool, *, actor: ActingOfficer, now: float | None = None) -> CounterInfo:
    """Close (or reopen) a counter; one that still holds a ticket must finish it first."""
    moment = clock.now_epoch(now)

    def operation() -> CounterInfo:
        row = _counter(number)
        if not active and row.current_ticket_id is not None:
            current = Ticket.get_or_none(Ticket.id == row.current_ticket_id)
            if current is not None and current.status in statuses.AT_COUNTER:
                raise NotAllowed(f"Quầy {row.number} đang phục vụ số {current.code}",
                                 f"Counter {row.number} still holds ticket {current.code}")
        if row.active != active:
            changes = {"active": active} if active else {"active": False, "officer": None, "current_ticket_id": None}
            Counter.update(**changes).where(Counter.id == row.id).execute()
            audit.record("counter_active", actor=_who(actor), target=str(row.number), before={"active": row.active},
                         after={"active": active}, now=moment)
            record_event("counter_activated" if active else "counter_deactivated", at=moment, counter=row.number,
                         officer=_who(actor))
        return counter_info(Counter.get_by_id(row.id))

    return _run(actor, Action.MANAGE_COUNTERS, operation)


# ----------------------------------------------------------------- officers

def _officer_row(row: Officer, seats: dict[int, int], moment: float) -> OfficerRow:
    return OfficerRow(row.username, row.full_name, row.role, bool(row.active), seats.get(row.id),
                      bool(row.locked_until and row.locked_until > moment))


def list_officers(*, include_inactive: bool = True, now: float | None = None) -> list[OfficerRow]:
    moment = clock.now_epoch(now)

    def read() -> list[OfficerRow]:
        seats = {c.officer_id: c.number for c in current_site.rows(Counter).where(Counter.officer.is_null(False))}
        query = current_site.rows(Officer).order_by(Officer.role.desc(), Officer.username)
        if not include_inactive:
            query = query.where(Officer.active == True)  # noqa: E712
        return [_officer_row(o, seats, moment) for o in query]

    return with_retry(read)


def _check_pin(pin: str, role: str) -> str:
    """The PIN policy of ``db.officers``: 4+ digits for officers, 6+ for supervisors and admins."""
    pin = str(pin).strip()
    shortest = min_pin_digits(role, with_retry(site_staff_pin_min))
    if pin_problem(pin, role, shortest) is not None:
        raise InvalidInput(f"Mã PIN của {role} gồm {shortest}-{MAX_PIN_DIGITS} chữ số",
                           f"The PIN of a {role} must be {shortest}-{MAX_PIN_DIGITS} digits")
    return pin


def create_officer(username: str, full_name: str, role: str, pin: str, *, actor: ActingOfficer,
                   now: float | None = None) -> OfficerRow:
    moment = clock.now_epoch(now)
    username = str(username).strip()
    full_name = _text(full_name, "họ tên", "Full name")
    if not _USERNAME.fullmatch(username):
        raise InvalidInput("Tên đăng nhập: 2-64 ký tự a-z, 0-9, . _ -",
                           "Username: 2-64 characters a-z, 0-9, '.', '_', '-'")
    if role not in ROLES:
        raise InvalidInput(f"Vai trò {role!r} không hợp lệ", f"Role must be one of {', '.join(ROLES)}")
    digest = hash_pin(_check_pin(pin, role))  # hashed before the transaction: scrypt takes a while

    def operation() -> OfficerRow:
        if current_site.rows(Officer).where(Officer.username == username).exists():
            raise InvalidInput(f"Tên đăng nhập {username} đã có", f"Username {username} already exists")
        row = Officer.create(username=username, full_name=full_name, role=role, pin_hash=digest, active=True)
        audit.record("officer_created", actor=_who(actor), target=username, after={**_fields(row, _OFFICER_FIELDS),
                     "pin": "set"}, now=moment)
        record_event("officer_created", at=moment, officer=_who(actor), data={"username": username, "role": role})
        return _officer_row(row, {}, moment)

    return _run(actor, Action.MANAGE_OFFICERS, operation)


def _active_admins_except(officer_id: int) -> int:
    return (current_site.rows(Officer).where((Officer.role == "admin") & (Officer.active == True)  # noqa: E712
                                   & (Officer.id != officer_id)).count())


def set_officer_active(username: str, active: bool, *, actor: ActingOfficer,
                       now: float | None = None) -> OfficerRow:
    """Deactivate (or reactivate) an account; a deactivated officer is signed out of any counter.

    Nobody can deactivate their own account or the last active administrator,
    so the site can never lock itself out of its admin program.
    """
    moment = clock.now_epoch(now)

    def operation() -> OfficerRow:
        row = _officer(username)
        if not active:
            if actor.username is not None and row.username == actor.username:
                raise NotAllowed("Không thể tự khoá tài khoản của mình", "You cannot deactivate your own account")
            if row.role == "admin" and _active_admins_except(row.id) == 0:
                raise NotAllowed("Phải còn ít nhất một quản trị viên", "At least one active admin must remain")
        if bool(row.active) != active:
            Officer.update(active=active).where(Officer.id == row.id).execute()
            audit.record("officer_active", actor=_who(actor), target=row.username, before={"active": bool(row.active)},
                         after={"active": active}, now=moment)
            if not active:
                Counter.update(officer=None).where(Counter.officer == row.id).execute()
            record_event("officer_activated" if active else "officer_deactivated", at=moment, officer=_who(actor),
                         data={"username": row.username})
        seats = {c.officer_id: c.number for c in current_site.rows(Counter).where(Counter.officer == row.id)}
        return _officer_row(Officer.get_by_id(row.id), seats, moment)

    return _run(actor, Action.MANAGE_OFFICERS, operation)


def reset_pin(username: str, new_pin: str, *, actor: ActingOfficer, now: float | None = None) -> None:
    """Set a new PIN (the officer forgot it) and lift a lockout; the PIN is never logged."""
    moment = clock.now_epoch(now)
    digest = hash_pin(_check_pin(new_pin, with_retry(lambda: _officer(username).role)))

    def operation() -> None:
        row = _officer(username)
        Officer.update(pin_hash=digest, failed_logins=0, locked_until=None).where(Officer.id == row.id).execute()
        audit.record("pin_reset", actor=_who(actor), target=row.username,  # never the PIN, nor its hash
                     before={"failed_logins": row.failed_logins, "locked_until": row.locked_until},
                     after={"pin": "reset", "failed_logins": 0, "locked_until": None}, now=moment)
        record_event("pin_reset", at=moment, officer=_who(actor), data={"username": row.username})

    _run(actor, Action.MANAGE_OFFICERS, operation)


# ----------------------------------------------------------------- opening hours

def set_opening_hours(hours: list[str], days: list[str], *, actor: ActingOfficer,
                      now: float | None = None) -> None:
    """When the kiosk issues tickets: spans like ``"07:30-11:30"`` on the given week days."""
    moment = clock.now_epoch(now)
    spans = [str(h).strip() for h in hours if str(h).strip()]
    if not spans:
        raise InvalidInput("Cần ít nhất một khoảng giờ", "Give at least one opening span")
    for span in spans:
        try:
            clock.parse_span(span)
        except (ValueError, AttributeError):
            raise InvalidInput(f"Giờ làm việc sai: {span!r} (dạng 07:30-11:30)",
                               f"Bad opening span {span!r} (use 07:30-11:30)") from None
    wanted = [d for d in clock.DAY_NAMES if d in set(days)]
    if len(wanted) != len(set(days)):
        raise InvalidInput("Ngày không hợp lệ", f"Days must be among {', '.join(clock.DAY_NAMES)}")

    def operation() -> None:
        site = current_site.row_or_none()
        if site is None:
            raise NotFound("Chưa khởi tạo: hãy chạy `onestop init`", "Not initialised: run `onestop init` first")
        Site.update(opening_hours=json.dumps(spans), days=json.dumps(wanted)).where(Site.id == site.id).execute()
        audit.record("opening_hours", actor=_who(actor), target="site", now=moment,
                     before={"opening_hours": json.loads(site.opening_hours), "days": json.loads(site.days)},
                     after={"opening_hours": spans, "days": wanted})
        record_event("opening_hours_changed", at=moment, officer=_who(actor),
                     data={"opening_hours": spans, "days": wanted})

    _run(actor, Action.SET_OPENING_HOURS, operation)


# ----------------------------------------------------------------- the site as a whole, seats, files

def set_notice(text: str, *, actor: ActingOfficer, now: float | None = None) -> None:
    """The scrolling line of the hall display."""
    _check(actor, Action.SET_NOTICE)
    site_store.set_notice(text, actor=_who(actor), now=now)


def import_site(config: SiteConfig, *, actor: ActingOfficer, now: float | None = None) -> dict:
    """Write a checked site file into the database (``db.site.import_site``); returns what changed."""
    _check(actor, Action.IMPORT_SITE)
    return site_store.import_site(config, actor=_who(actor), now=now)


def export_site(path: str | Path, *, actor: ActingOfficer) -> Path:
    """Write the site as a TOML file ``onestop init --site`` reads back."""
    _check(actor, Action.EXPORT_SITE)
    return write_site_toml(path)


def backup(path: str | Path, *, actor: ActingOfficer) -> BackupResult:
    """Copy the database to ``path`` (SQLite); ``BackupNotSupported`` with the pg_dump command on PostgreSQL."""
    _check(actor, Action.BACKUP)
    return backup_database(path)


def seat_officer(username: str | None, counter_number: int, *, actor: ActingOfficer,
                 now: float | None = None) -> None:
    """Seat ``username`` at a counter for them, or sign the counter out (``username=None``)."""
    _check(actor, Action.SEAT_OFFICERS)
    if username is None:
        sign_out(counter_number, now=now)
    else:
        sign_in_at_counter(username, counter_number, now=now)
