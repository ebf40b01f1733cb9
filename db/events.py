"""The append-only event log and the change feed built on it.

Every state change writes one ``Event`` row inside the same transaction, so a
screen that reads "events after id N" never misses a change and never sees
one that was rolled back.  On PostgreSQL each write also sends
``NOTIFY onestop_events`` which is delivered at commit, so followers can wake
up at once instead of polling.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

from db import integrity
from db.connection import database_proxy, is_postgres, with_retry
from db.models import Event
from db.values import EventInfo

NOTIFY_CHANNEL = "onestop_events"


def record_event(
    kind: str,
    *,
    at: float,
    ticket=None,
    code: str | None = None,
    service: str | None = None,
    counter: int | None = None,
    officer: str | None = None,
    data: dict | None = None,
) -> int:
    """Append one event; call inside the write transaction of the change."""
    if ticket is not None:
        code = code or ticket.code
    row = Event.create(
        at=at,
        kind=kind,
        ticket_id=getattr(ticket, "id", ticket) if ticket is not None else None,
        code=code,
        service_code=service,
        counter_number=counter,
        officer_username=officer,
        data=json.dumps(data or {}, ensure_ascii=False),
    )
    integrity.seal("event", row)  # tamper evidence, same transaction (db/integrity.py)
    if is_postgres():
        database_proxy.obj.execute_sql("SELECT pg_notify(%s, %s)", (NOTIFY_CHANNEL, str(row.id)))
    return int(row.id)


def _info(row: Event) -> EventInfo:
    return EventInfo(
        id=int(row.id),
        at=datetime.fromtimestamp(row.at, tz=timezone.utc),
        kind=row.kind,
        ticket_id=row.ticket_id,
        code=row.code,
        service=row.service_code,
        counter=row.counter_number,
        officer=row.officer_username,
        data=json.loads(row.data or "{}"),
    )


def events_after(last_id: int, *, limit: int = 500) -> list[EventInfo]:
    """Everything that happened after event ``last_id``, oldest first."""

    def read() -> list[EventInfo]:
        rows = Event.select().where(Event.id > last_id).order_by(Event.id).limit(limit)
        return [_info(r) for r in rows]

    return with_retry(read, attempts=1)


def last_event_id() -> int:
    def read() -> int:
        value = Event.select(Event.id).order_by(Event.id.desc()).limit(1).scalar()
        return int(value or 0)

    return with_retry(read, attempts=1)
