"""Appointments: slots, booking, cancelling and checking in (docs/appointments.md).

A service takes bookings when the site TOML gives it ``booking = { slot_min,
per_slot }``: slots of ``slot_min`` minutes from the start of each
opening-hours span (a slot lies wholly inside its span), each holding at most
``per_slot`` bookings, so the rest of the counters' time stays for walk-ins.

Every public function is one write (or read) transaction with the clock as
the ``now`` parameter, like ``db.queue``.  The CLI (``onestop book``,
``bookings``, ``book-cancel``, ``checkin``), the web page ``/book``, the API and
the kiosk's "I have an appointment" screen all call these functions.

Why a slot can never go over capacity, on both engines: a booking bumps the
slot's ``booking_slot`` row with ``INSERT .. ON CONFLICT DO UPDATE SET booked =
booked + 1 WHERE booked < per_slot RETURNING booked``.  The row's write lock
is held until commit, so concurrent bookings of one slot queue up on it and
each sees the count the previous one committed; when no row comes back the
slot is full.  The per-phone and per-client limits use the same statement on
``booking_quota`` rows, so they hold under concurrency too.  Check-in locks
the booking row, so two taps (or two kiosks) give one ticket.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from db import clock, current_site, inputs, statuses, wait_estimate
from db.connection import is_postgres, with_retry, write_transaction
from db.errors import BookingRefused, InvalidInput, LimitReached, NotAllowed, NotFound, ServiceClosed
from db.events import record_event
from db.models import Booking, BookingQuota, BookingSlot, Service, Site, Ticket
from db.site import site_info
from db.site_config import BOOKING_DEFAULTS
from db.values import BookableService, BookingInfo, BookingPolicy, SiteInfo, SlotInfo, TicketInfo

T = TypeVar("T")

#: booking codes use no 0/O and no 1/I, so a code read aloud or typed is never ambiguous
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 6          # 32^6 = about 10^9 codes, drawn at random
TOKEN_BYTES = 18         # manage_url secret: 144 random bits
MANAGE_PATH = "/b/"      # manage_url = [web] public_url + MANAGE_PATH + token
NAME_MAX = 80

_PHONE = re.compile(r"0[35789]\d{8}")


# ---------------------------------------------------------------- small pure helpers

def normalize_phone(text: str) -> str:
    """A Vietnamese mobile number as ``0xxxxxxxxx``; ``+84``/``84`` prefixes, spaces, dots, dashes allowed.

    Raises ``InvalidInput`` (exit 2) for anything else.
    """
    raw = str(text or "").strip()
    digits = re.sub(r"[\s.\-()]", "", raw)
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    if not _PHONE.fullmatch(digits):
        raise InvalidInput(f"Số điện thoại không hợp lệ: {raw} (dạng 0912345678 hoặc +84912345678)",
                           f"Invalid phone number: {raw} (use 0912345678 or +84912345678)", reason="phone")
    return digits


def normalize_code(text: str) -> str:
    """A typed booking code: upper case, spaces and dashes dropped."""
    return re.sub(r"[\s\-]", "", str(text or "")).upper()


def _check_name(text: str) -> str:
    name = " ".join(str(text or "").split())
    if not name or len(name) > NAME_MAX or any(ord(ch) < 32 for ch in name):
        raise InvalidInput(f"Họ tên phải có từ 1 đến {NAME_MAX} ký tự", f"The name must be 1-{NAME_MAX} characters",
                           reason="name")
    return name


def _new_code() -> str:
    for _ in range(20):
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not Booking.select().where(Booking.code == code).exists():
            return code
    raise NotAllowed("Không tạo được mã lịch hẹn, vui lòng thử lại", "Could not make a booking code, please retry")


def _hhmm_day(moment: datetime) -> tuple[str, str]:
    return moment.strftime("%H:%M"), moment.strftime("%d/%m/%Y")


# ---------------------------------------------------------------- site settings

def _site_row() -> Site:
    row = current_site.row_or_none()
    if row is None:
        raise NotFound("Chưa khởi tạo: hãy chạy `onestop init`", "Not initialised: run `onestop init` first")
    return row


def _policy(row: Site) -> BookingPolicy:
    values = (json.loads(row.settings or "{}").get("booking") or {})
    return BookingPolicy(**{key: int(values.get(key, default)) for key, (default, _, _) in BOOKING_DEFAULTS.items()})


def _public_url(row: Site) -> str | None:
    """``[web] public_url`` (the web service's setting): the ONE place bookings read it."""
    url = (json.loads(row.settings or "{}").get("web") or {}).get("public_url")
    return str(url).rstrip("/") if url else None


def manage_url(base: str | None, token: str) -> str | None:
    """Where the citizen sees and cancels the booking (null without ``public_url``)."""
    return f"{base}{MANAGE_PATH}{token}" if base else None


def policy() -> BookingPolicy:
    """The site's ``[booking]`` rules."""
    return with_retry(lambda: _policy(_site_row()))


# ---------------------------------------------------------------- slots

def _spans(site: SiteInfo) -> list[tuple[int, int]]:
    return sorted(clock.parse_span(h) for h in site.opening_hours)


def _slot_minutes(site: SiteInfo, slot_min: int) -> list[int]:
    """Slot starts (minutes since midnight): from each span's start, each slot wholly inside its span."""
    starts = []
    for start, end in _spans(site):
        minute = start
        while minute + slot_min <= end:
            starts.append(minute)
            minute += slot_min
    return starts


def _at(day: date, minute: int, tz: str) -> float:
    return (datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(tz)) + timedelta(minutes=minute)).timestamp()


def _open_day(site: SiteInfo, day: date) -> bool:
    return clock.DAY_NAMES[day.weekday()] in site.days


def _today(site: SiteInfo, moment: float) -> date:
    return clock.local_datetime(moment, site.timezone).date()


def _bookable_service(code: str) -> Service:
    inputs.SERVICE_CODE.check(code)
    row = Service.get_or_none(current_site.here(Service), Service.code == str(code).strip().upper())
    if row is None:
        raise NotFound(f"Không có dịch vụ {code}", f"No service {code}")
    if not row.booking_slot_min or not row.booking_per_slot:
        raise BookingRefused(f"Dịch vụ {row.name} không nhận đặt lịch hẹn",
                             f"Service {row.name_en or row.name} takes no bookings", reason="no_booking")
    if not row.active:
        raise ServiceClosed(f"Dịch vụ {row.name} tạm ngừng", f"Service {row.name_en or row.name} is not available",
                            reason="inactive")
    return row


def bookable_services() -> list[BookableService]:
    """The active services that take bookings, in the kiosk's order."""

    def read() -> list[BookableService]:
        rows = (current_site.rows(Service)
                .where((Service.active == True) & Service.booking_slot_min.is_null(False)  # noqa: E712
                       & Service.booking_per_slot.is_null(False))
                .order_by(Service.sort_order, Service.code))
        return [BookableService(r.code, r.name, r.name_en or r.name, r.booking_slot_min, r.booking_per_slot)
                for r in rows]

    return with_retry(read)


def booking_days(*, now: float | None = None) -> list[date]:
    """The days that may be booked now: open days from today to ``days_ahead`` days on."""
    moment = clock.now_epoch(now)

    def read() -> list[date]:
        row = _site_row()
        site, rules = site_info(row), _policy(row)
        today = _today(site, moment)
        days = (today + timedelta(days=n) for n in range(rules.days_ahead + 1))
        return [d for d in days if _open_day(site, d)]

    return with_retry(read)


def open_slots(service_code: str, day: date | str, *, now: float | None = None) -> list[SlotInfo]:
    """The slots of one service and day that may still be booked, with places left (0 = full).

    Empty for a closed day, a day in the past or beyond ``days_ahead``.
    """
    moment = clock.now_epoch(now)
    wanted = _parse_day(day)

    def read() -> list[SlotInfo]:
        row = _site_row()
        site, rules = site_info(row), _policy(row)
        service = _bookable_service(service_code)
        today = _today(site, moment)
        if not _open_day(site, wanted) or not today <= wanted <= today + timedelta(days=rules.days_ahead):
            return []
        starts = [_at(wanted, m, site.timezone) for m in _slot_minutes(site, service.booking_slot_min)]
        starts = [s for s in starts if moment <= s + rules.grace_min * 60]
        if not starts:
            return []
        taken = dict(BookingSlot.select(BookingSlot.slot_start, BookingSlot.booked)
                     .where((BookingSlot.service == service.id) & BookingSlot.slot_start.between(starts[0], starts[-1]))
                     .tuples())
        return [SlotInfo(service.code, clock.local_datetime(s, site.timezone),
                         clock.local_datetime(s + service.booking_slot_min * 60, site.timezone),
                         service.booking_per_slot, int(taken.get(s, 0))) for s in starts]

    return with_retry(read)


def _parse_day(value: date | str) -> date:
    if isinstance(value, date):
        return value
    try:
        return inputs.iso_day(value)
    except InvalidInput as exc:
        exc.details["reason"] = "day"
        raise


def parse_slot_time(value: datetime | str, tz: str) -> datetime:
    """``YYYY-MM-DDTHH:MM`` (site-local) or an aware datetime -> a site-local datetime; else exit 2."""
    if isinstance(value, datetime):
        moment = value
    else:
        text = str(value).strip()
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:00)?([+-]\d{2}:\d{2}|Z)?", text):
            raise InvalidInput(f"Thời gian không hợp lệ: {value} (dạng YYYY-MM-DDTHH:MM)",
                               f"Invalid time: {value} (use YYYY-MM-DDTHH:MM)", reason="time")
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise InvalidInput(f"Thời gian không hợp lệ: {value}", f"Invalid time: {value}", reason="time") from None
    zone = ZoneInfo(tz)
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment.astimezone(zone)


def _check_slot(site: SiteInfo, rules: BookingPolicy, service: Service, start: datetime, moment: float) -> float:
    """The slot's start (epoch) if ``start`` is a bookable slot now; else the refusal."""
    hhmm, day_text = _hhmm_day(start)
    minute = start.hour * 60 + start.minute
    slot_min = service.booking_slot_min
    inside = [(s, e) for s, e in _spans(site) if s <= minute and minute + slot_min <= e]
    if not _open_day(site, start.date()) or not inside:
        raise ServiceClosed(f"{hhmm} ngày {day_text} ngoài giờ làm việc, không có khung giờ hẹn",
                            f"{hhmm} on {day_text} is outside opening hours: no slot", reason="outside_hours")
    if start.second or (minute - inside[0][0]) % slot_min:
        first = inside[0][0]
        earlier = first + (minute - first) // slot_min * slot_min
        hint = ", ".join(f"{m // 60:02d}:{m % 60:02d}" for m in (earlier, earlier + slot_min)
                         if m + slot_min <= inside[0][1])
        raise BookingRefused(f"{hhmm} không phải giờ bắt đầu một khung hẹn (gần nhất: {hint})",
                             f"{hhmm} is not the start of a slot (nearest: {hint})", reason="not_a_slot")
    epoch = start.timestamp()
    if moment > epoch + rules.grace_min * 60:
        raise BookingRefused(f"Khung giờ {hhmm} ngày {day_text} đã qua", f"The {hhmm} slot on {day_text} has passed",
                             reason="past")
    last = _today(site, moment) + timedelta(days=rules.days_ahead)
    if start.date() > last:
        raise BookingRefused(f"Chỉ nhận đặt lịch trước tối đa {rules.days_ahead} ngày (đến {last:%d/%m/%Y})",
                             f"Bookings open at most {rules.days_ahead} days ahead (until {last:%d/%m/%Y})",
                             reason="too_far")
    return epoch


# ---------------------------------------------------------------- capacity counters

def _returned(result: Any) -> list:
    return [] if isinstance(result, int) else list(result)


def _take_slot_place(service: Service, start: float) -> bool:
    """One place of the slot, or False when it is full (the row's lock is held until commit)."""
    result = (BookingSlot.insert(service=service.id, slot_start=start, booked=1)
              .on_conflict(conflict_target=[BookingSlot.service, BookingSlot.slot_start],
                           update={BookingSlot.booked: BookingSlot.booked + 1},
                           where=(BookingSlot.booked < service.booking_per_slot))
              .returning(BookingSlot.booked).execute())
    return bool(_returned(result))


def _take_quota(scope: str, holder: str, day: str, limit: int) -> bool:
    result = (BookingQuota.insert(scope=scope, holder=holder, day=day, used=1)
              .on_conflict(conflict_target=[BookingQuota.scope, BookingQuota.holder, BookingQuota.day],
                           update={BookingQuota.used: BookingQuota.used + 1},
                           where=(BookingQuota.used < limit))
              .returning(BookingQuota.used).execute())
    return bool(_returned(result))


def _give_back(booking: Booking, tz: str) -> None:
    """A cancel frees the slot's place and the phone's and client's quota."""
    (BookingSlot.update(booked=BookingSlot.booked - 1)
     .where((BookingSlot.service == booking.service_id) & (BookingSlot.slot_start == booking.slot_start)
            & (BookingSlot.booked > 0)).execute())
    holders = [("phone", booking.phone, booking.service_day)]
    if booking.client:
        holders.append(("client", booking.client, clock.service_day(booking.created_at, tz)))
    for scope, holder, day in holders:
        (BookingQuota.update(used=BookingQuota.used - 1)
         .where((BookingQuota.scope == scope) & (BookingQuota.holder == holder) & (BookingQuota.day == day)
                & (BookingQuota.used > 0)).execute())


# ---------------------------------------------------------------- reading bookings

def _run(operation: Callable[[], T]) -> T:
    def attempt() -> T:
        with write_transaction():
            return operation()

    return with_retry(attempt)


def _lookup(reference: str, *, lock: bool = False) -> Booking:
    """A booking by its code, its manage token or its whole manage_url (what the kiosk's scanner reads)."""
    text = inputs.BOOKING_REFERENCE.check(reference).strip()
    if MANAGE_PATH in text or "/" in text:
        text = text.rstrip("/").rsplit("/", 1)[-1]
        condition = Booking.token == text
    elif len(normalize_code(text)) == CODE_LENGTH:
        condition = Booking.code == normalize_code(text)
    else:
        condition = Booking.token == text
    query = Booking.select().where(condition)
    row = (query.for_update() if lock and is_postgres() else query).first()
    if row is None:
        raise NotFound(f"Không tìm thấy lịch hẹn {reference}", f"No booking {reference}", reason="unknown")
    return row


def _info(row: Booking, site: SiteInfo, rules: BookingPolicy, base_url: str | None, moment: float,
          services: dict[int, Service] | None = None, tickets: dict[int, str] | None = None) -> BookingInfo:
    service = (services or {}).get(row.service_id) or Service.get_by_id(row.service_id)
    status = row.status
    if status == statuses.BOOKED and moment > row.slot_start + rules.grace_min * 60:
        status = statuses.BOOKING_NO_SHOW
    ticket_code = None
    if row.ticket_id is not None:
        ticket_code = (tickets or {}).get(row.ticket_id) or Ticket.get_by_id(row.ticket_id).code
    local = lambda epoch: clock.epoch_to_local(epoch, site.timezone)  # noqa: E731
    return BookingInfo(
        id=row.id, code=row.code, service=service.code, service_name=service.name,
        service_name_en=service.name_en or service.name, slot_start=local(row.slot_start), status=status,
        name=row.name, phone=row.phone, source=row.source, created_at=local(row.created_at),
        manage_url=manage_url(base_url, row.token), checked_in_at=local(row.checked_in_at),
        cancelled_at=local(row.cancelled_at), ticket_id=row.ticket_id, ticket_code=ticket_code,
        checkin_from=local(row.slot_start - rules.early_min * 60),
        checkin_until=local(row.slot_start + rules.grace_min * 60),
        manage_path=f"{MANAGE_PATH}{row.token}",
    )


def _describe(row: Booking, moment: float) -> BookingInfo:
    site_row = _site_row()
    return _info(row, site_info(site_row), _policy(site_row), _public_url(site_row), moment)


def find(reference: str, *, now: float | None = None) -> BookingInfo:
    """A booking by code, manage token or manage_url; ``NotFound`` (exit 2, HTTP 404) otherwise."""
    moment = clock.now_epoch(now)
    return with_retry(lambda: _describe(_lookup(reference), moment))


def list_bookings(day: date | str | None = None, *, service: str | None = None,
                  now: float | None = None) -> list[BookingInfo]:
    """The bookings of one slot day (default today), in slot order, optionally of one service."""
    moment = clock.now_epoch(now)

    def read() -> list[BookingInfo]:
        site_row = _site_row()
        site, rules, base = site_info(site_row), _policy(site_row), _public_url(site_row)
        wanted = _parse_day(day) if day is not None else _today(site, moment)
        query = Booking.select().where(Booking.service_day == wanted.isoformat())
        if service:
            query = query.where(Booking.service == _bookable_service_any(service).id)
        rows = list(query.order_by(Booking.slot_start, Booking.created_at, Booking.id))
        services = {s.id: s for s in current_site.rows(Service)}
        ticket_ids = [r.ticket_id for r in rows if r.ticket_id]
        tickets = (dict(Ticket.select(Ticket.id, Ticket.code).where(Ticket.id.in_(ticket_ids)).tuples())
                   if ticket_ids else {})
        return [_info(r, site, rules, base, moment, services, tickets) for r in rows]

    return with_retry(read)


def _bookable_service_any(code: str) -> Service:
    inputs.SERVICE_CODE.check(code)
    row = Service.get_or_none(current_site.here(Service), Service.code == str(code).strip().upper())
    if row is None:
        raise NotFound(f"Không có dịch vụ {code}", f"No service {code}")
    return row


# ---------------------------------------------------------------- booking and cancelling

def book(service_code: str, at: datetime | str, name: str, phone: str, *, client: str | None = None,
         source: str = "cli", now: float | None = None) -> BookingInfo:
    """Book one place in the slot starting at ``at`` (site-local ``YYYY-MM-DDTHH:MM`` or aware datetime).

    ``client`` is who placed it (the web passes the client address): with it,
    ``max_per_client_per_day`` bookings made per client per day are allowed.
    Refusals: malformed phone/time/name -> ``InvalidInput`` (exit 2); full slot,
    phone or client limit -> ``LimitReached``; outside hours -> ``ServiceClosed``;
    past, too far, not a slot start -> ``BookingRefused`` (all exit 3), each
    with a one-line reason and ``details["reason"]``.
    """
    moment = clock.now_epoch(now)
    inputs.SERVICE_CODE.check(service_code)
    number = normalize_phone(inputs.PHONE.check(phone))
    person = _check_name(inputs.BOOKING_NAME.check(name))
    inputs.CLIENT.check_optional(client)

    def operation() -> Booking:
        site_row = _site_row()
        site, rules = site_info(site_row), _policy(site_row)
        service = _bookable_service(service_code)
        start = parse_slot_time(at, site.timezone)
        epoch = _check_slot(site, rules, service, start, moment)
        hhmm, day_text = _hhmm_day(start)
        if not _take_slot_place(service, epoch):
            raise LimitReached(f"Khung giờ {hhmm} ngày {day_text} của {service.name} đã đủ chỗ, vui lòng chọn giờ khác",
                               f"The {hhmm} slot on {day_text} for {service.name_en or service.name} is full",
                               reason="full")
        slot_day = start.date().isoformat()
        if not _take_quota("phone", number, slot_day, rules.max_per_phone_per_day):
            raise LimitReached(f"Số điện thoại này đã có {rules.max_per_phone_per_day} lịch hẹn ngày {day_text}",
                               f"This phone number already holds {rules.max_per_phone_per_day} bookings on {day_text}",
                               reason="phone_limit")
        if client and rules.max_per_client_per_day:
            if not _take_quota("client", str(client)[:128], clock.service_day(moment, site.timezone),
                               rules.max_per_client_per_day):
                raise LimitReached(f"Đã đặt quá {rules.max_per_client_per_day} lịch hẹn hôm nay từ thiết bị này",
                                   f"More than {rules.max_per_client_per_day} bookings today from this client",
                                   reason="client_limit")
        row = Booking.create(code=_new_code(), token=secrets.token_urlsafe(TOKEN_BYTES), service=service.id,
                             service_day=slot_day, slot_start=epoch, name=person, phone=number,
                             client=str(client)[:128] if client else None, source=source, status=statuses.BOOKED,
                             created_at=moment)
        record_event("booked", at=moment, code=row.code, service=service.code,
                     data={"booking_id": row.id, "slot_start": start.isoformat(), "source": source})
        return row

    row = _run(operation)
    return with_retry(lambda: _describe(row, moment))


def cancel(reference: str, *, now: float | None = None) -> BookingInfo:
    """Cancel a booking (its place goes back to the slot); cancelling twice is harmless.

    A checked-in booking, or one whose check-in window has passed, cannot be
    cancelled (``BookingRefused``, exit 3).
    """
    moment = clock.now_epoch(now)

    def operation() -> Booking:
        site_row = _site_row()
        site, rules = site_info(site_row), _policy(site_row)
        row = _lookup(reference, lock=True)
        if row.status == statuses.BOOKING_CANCELLED:
            return row
        if row.status == statuses.CHECKED_IN:
            raise BookingRefused(f"Lịch hẹn {row.code} đã được xác nhận tại quầy, không thể huỷ",
                                 f"Booking {row.code} is already checked in and cannot be cancelled",
                                 reason="checked_in")
        if moment > row.slot_start + rules.grace_min * 60:
            raise BookingRefused(f"Lịch hẹn {row.code} đã qua giờ, không thể huỷ",
                                 f"Booking {row.code} is past its time and cannot be cancelled", reason="past")
        Booking.update(status=statuses.BOOKING_CANCELLED, cancelled_at=moment).where(Booking.id == row.id).execute()
        _give_back(row, site.timezone)
        service = Service.get_by_id(row.service_id)
        record_event("booking_cancelled", at=moment, code=row.code, service=service.code,
                     data={"booking_id": row.id})
        return Booking.get_by_id(row.id)

    row = _run(operation)
    return with_retry(lambda: _describe(row, moment))


# ---------------------------------------------------------------- check-in

def check_in(reference: str, *, kiosk: str | None = None, now: float | None = None) -> TicketInfo:
    """Turn a booking into a ticket; the same ticket however often it is tapped.

    Allowed from ``early_min`` before to ``grace_min`` after the slot start.
    Too early -> ``BookingRefused`` (reason ``too_early``, says from when);
    too late -> ``BookingRefused`` (``too_late``: take an ordinary ticket);
    cancelled -> ``BookingRefused`` (``cancelled``).  The ticket object carries
    ``"appointment": true``, ``"slot_start"`` and ``"booking"`` (the code).
    """
    from db import queue  # queue numbers the ticket; bookings own the rules

    inputs.KIOSK_ID.check_optional(kiosk)
    moment = clock.now_epoch(now)

    def operation() -> tuple[int, str, bool]:
        site_row = _site_row()
        site, rules = site_info(site_row), _policy(site_row)
        row = _lookup(reference, lock=True)
        if row.ticket_id is not None:
            return row.ticket_id, row.code, False
        start = clock.local_datetime(row.slot_start, site.timezone)
        hhmm, day_text = _hhmm_day(start)
        if row.status == statuses.BOOKING_CANCELLED:
            raise BookingRefused(f"Lịch hẹn {row.code} đã bị huỷ", f"Booking {row.code} was cancelled",
                                 reason="cancelled")
        opens = row.slot_start - rules.early_min * 60
        if moment < opens:
            from_text = clock.local_datetime(opens, site.timezone)
            raise BookingRefused(
                f"Chưa đến giờ: lịch hẹn {hhmm} ngày {day_text}, mời quay lại từ {from_text:%H:%M}"
                + ("" if from_text.date() == _today(site, moment) else f" ngày {from_text:%d/%m}"),
                f"Too early: the booking is at {hhmm} on {day_text}; check in from {from_text:%H:%M}"
                + ("" if from_text.date() == _today(site, moment) else f" on {from_text:%d/%m}"),
                reason="too_early", checkin_from=from_text.isoformat())
        if moment > row.slot_start + rules.grace_min * 60:
            raise BookingRefused(
                f"Quá giờ hẹn {hhmm} hơn {rules.grace_min} phút: mời lấy số thứ tự thông thường",
                f"More than {rules.grace_min} minutes late for {hhmm}: please take an ordinary ticket",
                reason="too_late")
        ticket = queue.issue_appointment_ticket(row.service_id, row.slot_start, kiosk=kiosk, now=moment)
        (Booking.update(status=statuses.CHECKED_IN, checked_in_at=moment, ticket=ticket.id)
         .where(Booking.id == row.id).execute())
        record_event("checked_in", at=moment, ticket=ticket, service=Service.get_by_id(row.service_id).code,
                     data={"booking": row.code, "booking_id": row.id})
        return ticket.id, row.code, True

    ticket_id, code, _new = _run(operation)

    def describe() -> TicketInfo:
        info = queue.find_ticket(ticket_id, now=moment)
        if info.status == statuses.WAITING:
            info = queue.estimated(info, wait_estimate.estimate(ticket_id, moment))
        return replace(info, extra={**info.extra, "booking": code})

    return with_retry(describe)


def bookings_of_ticket(ticket_id: int) -> str | None:
    """The booking code a ticket was checked in for (None for a walk-in)."""
    return with_retry(lambda: Booking.select(Booking.code).where(Booking.ticket == ticket_id).scalar())


__all__ = [
    "CODE_ALPHABET", "MANAGE_PATH", "book", "bookable_services", "booking_days", "bookings_of_ticket", "cancel",
    "check_in", "find", "list_bookings", "manage_url", "normalize_code", "normalize_phone", "open_slots",
    "parse_slot_time", "policy",
]
