"""What to tell citizens who booked, and the outbox that holds it until it is delivered.

Queue and booking operations never talk to a gateway: they only write their
events.  The notifier service (``onestop notify``, ``services.notify``) reads
the event log and turns it into ``notification`` rows here (``booking
confirmed``, ``reminder`` the day before, ``ahead`` when few people are left
before an appointment ticket, ``called``), then a driver delivers them and
failures are retried with backoff.  So a dead SMS gateway delays a message,
never a ticket.

Each message has a ``dedup`` key (``called:412``), inserted with ``ON CONFLICT
DO NOTHING``: reading the same events twice, or two notifier processes, never
send a message twice.  Only citizens who booked have a phone number, so only
bookings and the tickets checked in from them are notified.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from db import clock, current_site, statuses
from db.connection import with_retry, write_transaction
from db.events import events_after, last_event_id
from db.models import Booking, Notification, NotifyCursor, Service, Ticket
from db.site import site_info
from db.values import EventInfo

CURSOR = "notify"
#: ticket events after which "people ahead" may have changed for a service
QUEUE_MOVES = ("issued", "called", "transferred", "cancelled", "no_show", "done", "checked_in")


@dataclass(frozen=True)
class NotifySettings:
    """The site's ``[notify]`` table (docs/appointments.md)."""

    driver: str = "none"                 # none | log | webhook
    path: str | None = None              # log: JSON-lines file
    url: str | None = None               # webhook: where to POST
    headers: dict = field(default_factory=dict)
    timeout_s: float = 5.0
    ahead_alert: int = 3                 # "N people ahead" (0 = never)
    reminder_at: str = "17:00"           # site-local time on the day before the slot
    max_attempts: int = 8
    retry_s: float = 30.0                # first retry after this, doubling each time ...
    retry_max_s: float = 1800.0          # ... up to this


@dataclass(frozen=True)
class Outgoing:
    id: int
    kind: str
    phone: str
    payload: dict
    attempts: int


def notify_settings() -> NotifySettings:
    def read() -> NotifySettings:
        site = current_site.row_or_none()
        values = (json.loads(site.settings or "{}").get("notify") or {}) if site else {}
        known = NotifySettings.__dataclass_fields__
        return NotifySettings(**{k: v for k, v in values.items() if k in known})

    return with_retry(read)


def backoff_s(settings: NotifySettings, attempts: int) -> float:
    """Wait before attempt ``attempts + 1``: retry_s, 2x, 4x, ... capped at retry_max_s."""
    return min(settings.retry_max_s, settings.retry_s * 2 ** max(0, attempts - 1))


# ---------------------------------------------------------------- following the event log

def _new_events(position: int) -> list[EventInfo]:
    """Events after ``position``: the ONE place the notifier reads the log (swap in the follower here)."""
    return events_after(position)


def cursor_position() -> int:
    """Where the notifier stopped; a first start begins at the current end of the log."""

    def read() -> int:
        row = NotifyCursor.get_or_none(NotifyCursor.name == CURSOR)
        if row is not None:
            return int(row.position)
        start = last_event_id()
        with write_transaction():
            NotifyCursor.insert(name=CURSOR, position=start).on_conflict_ignore().execute()
        return int(NotifyCursor.get(NotifyCursor.name == CURSOR).position)

    return with_retry(read)


def follow_events(settings: NotifySettings, *, now: float | None = None) -> int:
    """Read new events, queue the messages they call for, move the cursor; returns messages queued."""
    moment = clock.now_epoch(now)
    position = cursor_position()
    events = _new_events(position)
    if not events:
        return 0
    messages = with_retry(lambda: _messages_for(events, settings, moment))
    return _store(messages, moment, position=events[-1].id)


def queue_reminders(settings: NotifySettings, *, now: float | None = None) -> int:
    """From ``reminder_at`` on, one reminder for each booking of tomorrow still booked."""
    moment = clock.now_epoch(now)

    def read() -> list[dict]:
        site = site_info(current_site.row())
        local = clock.local_datetime(moment, site.timezone)
        hour, minute = (int(x) for x in settings.reminder_at.split(":"))
        if (local.hour, local.minute) < (hour, minute):
            return []
        tomorrow = (local.date() + timedelta(days=1)).isoformat()
        reminded = Notification.select(Notification.booking).where(
            (Notification.kind == "reminder") & Notification.booking.is_null(False))
        rows = (Booking.select().where((Booking.service_day == tomorrow) & (Booking.status == statuses.BOOKED)
                                       & Booking.id.not_in(reminded)))
        return [_booking_message("reminder", row, site.timezone) for row in rows]

    messages = with_retry(read)
    return _store(messages, moment) if messages else 0


def _messages_for(events: list[EventInfo], settings: NotifySettings, moment: float) -> list[dict]:
    site = site_info(current_site.row())
    tz = site.timezone
    messages: list[dict] = []
    moved: set[str] = set()
    for event in events:
        if event.kind == "booked" and event.data.get("booking_id"):
            row = Booking.get_or_none(Booking.id == event.data["booking_id"])
            if row is not None and row.status != statuses.BOOKING_CANCELLED:
                messages.append(_booking_message("booking_confirmed", row, tz))
        elif event.kind == "called" and event.ticket_id:
            row = Booking.get_or_none(Booking.ticket == event.ticket_id)
            if row is not None:
                ticket = Ticket.get_by_id(event.ticket_id)
                message = _booking_message("called", row, tz, dedup=f"called:{ticket.id}")
                message["payload"].update(ticket=ticket.code, counter=event.counter)
                message["payload"]["text_vi"] = f"Mời số {ticket.code} đến quầy số {event.counter}"
                message["payload"]["text_en"] = f"Ticket {ticket.code}, please go to counter {event.counter}"
                messages.append(message)
        if event.kind in QUEUE_MOVES and event.service:
            moved.add(event.service)
    if settings.ahead_alert > 0:
        for code in moved:
            messages.extend(_ahead_messages(code, settings.ahead_alert, tz, moment))
    return messages


def _ahead_messages(service_code: str, alert: int, tz: str, moment: float) -> list[dict]:
    """Appointment tickets of the service with ``alert`` or fewer people ahead (each told once)."""
    from db.queue import find_ticket  # people ahead come from the queue's one call order

    service = Service.get_or_none(current_site.here(Service), Service.code == service_code)
    if service is None:
        return []
    today = clock.service_day(moment, tz)
    rows = (Booking.select()
            .join(Ticket, on=(Booking.ticket == Ticket.id))
            .where((Ticket.status == statuses.WAITING) & (Ticket.service == service.id) & (Ticket.service_day == today)))
    told = {n.dedup for n in Notification.select(Notification.dedup)
            .where(Notification.dedup.in_([f"ahead:{r.ticket_id}" for r in rows] or [""]))}
    messages = []
    for row in rows:
        key = f"ahead:{row.ticket_id}"
        if key in told:
            continue
        ticket = find_ticket(row.ticket_id, now=moment)
        if ticket.ahead <= alert:
            message = _booking_message("ahead", row, tz, dedup=key)
            message["payload"].update(ticket=ticket.code, ahead=ticket.ahead)
            message["payload"]["text_vi"] = f"Số {ticket.code}: còn {ticket.ahead} người trước bạn, mời chuẩn bị"
            message["payload"]["text_en"] = f"Ticket {ticket.code}: {ticket.ahead} people ahead of you, please get ready"
            messages.append(message)
    return messages


def _booking_message(kind: str, row: Booking, tz: str, *, dedup: str | None = None) -> dict:
    service = Service.get_by_id(row.service_id)
    start = clock.local_datetime(row.slot_start, tz)
    when_vi, when_en = f"{start:%H:%M} ngày {start:%d/%m/%Y}", f"{start:%H:%M} on {start:%d/%m/%Y}"
    texts = {
        "booking_confirmed": (f"Đã đặt lịch {service.name} lúc {when_vi}. Mã lịch hẹn: {row.code}. "
                              "Đến trước giờ hẹn, quét mã QR hoặc nhập mã tại kiosk.",
                              f"Booked: {service.name_en or service.name} at {when_en}. Booking code: {row.code}. "
                              "Check in at the kiosk before your time."),
        "reminder": (f"Nhắc lịch hẹn {service.name} lúc {when_vi}. Mã lịch hẹn: {row.code}.",
                     f"Reminder: {service.name_en or service.name} at {when_en}. Booking code: {row.code}."),
    }
    text_vi, text_en = texts.get(kind, ("", ""))
    payload: dict[str, Any] = {
        "kind": kind, "phone": row.phone, "booking": row.code, "service": service.code,
        "service_name": service.name, "slot_start": start.isoformat(), "text_vi": text_vi, "text_en": text_en,
    }
    return {"kind": kind, "dedup": dedup or f"{kind}:{row.id}", "booking": row.id, "phone": row.phone,
            "payload": payload}


def _store(messages: list[dict], moment: float, *, position: int | None = None) -> int:
    """Insert the messages (each dedup key once) and, if given, the new cursor, in one transaction."""

    def write() -> int:
        with write_transaction():
            keys = [m["dedup"] for m in messages]
            known = {d for (d,) in Notification.select(Notification.dedup).where(Notification.dedup.in_(keys)).tuples()} \
                if keys else set()
            for m in messages:
                (Notification.insert(kind=m["kind"], dedup=m["dedup"], booking=m["booking"], phone=m["phone"],
                                     payload=json.dumps(m["payload"], ensure_ascii=False),
                                     status="pending", created_at=moment, next_at=moment)
                 .on_conflict_ignore().execute())
            stored = len(set(keys) - known)
            if position is not None:
                NotifyCursor.update(position=position).where(NotifyCursor.name == CURSOR).execute()
        return stored

    return with_retry(write)


# ---------------------------------------------------------------- the outbox

def due(*, now: float | None = None, limit: int = 20) -> list[Outgoing]:
    """Pending messages whose (next) attempt is due, oldest first."""
    moment = clock.now_epoch(now)

    def read() -> list[Outgoing]:
        rows = (Notification.select().where((Notification.status == "pending") & (Notification.next_at <= moment))
                .order_by(Notification.next_at, Notification.id).limit(limit))
        return [Outgoing(r.id, r.kind, r.phone, json.loads(r.payload), r.attempts) for r in rows]

    return with_retry(read)


def mark_sent(notification_id: int, *, now: float | None = None) -> None:
    moment = clock.now_epoch(now)

    def write() -> None:
        with write_transaction():
            (Notification.update(status="sent", sent_at=moment, attempts=Notification.attempts + 1, last_error=None)
             .where(Notification.id == notification_id).execute())

    with_retry(write)


def mark_failed(notification_id: int, error: str, settings: NotifySettings, *, now: float | None = None) -> str:
    """Count a failed attempt: retry later with backoff, or give up after ``max_attempts``."""
    moment = clock.now_epoch(now)

    def write() -> str:
        with write_transaction():
            row = Notification.get_by_id(notification_id)
            attempts = row.attempts + 1
            status = "failed" if attempts >= settings.max_attempts else "pending"
            (Notification.update(attempts=attempts, status=status, last_error=error[:500],
                                 next_at=moment + backoff_s(settings, attempts))
             .where(Notification.id == notification_id).execute())
            return status

    return with_retry(write)


def outbox(*, limit: int = 100) -> list[dict]:
    """The latest messages and their delivery state (for tests and site IT staff)."""

    def read() -> list[dict]:
        rows = Notification.select().order_by(Notification.id.desc()).limit(limit)
        return [{"id": r.id, "kind": r.kind, "dedup": r.dedup, "status": r.status, "attempts": r.attempts,
                 "last_error": r.last_error, "payload": json.loads(r.payload)} for r in rows][::-1]

    return with_retry(read)
