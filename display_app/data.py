"""Reading the board's snapshot from the database (runs in a worker thread, never in a widget).

Only the engine's public read functions are used (``last_event_id``,
``hall_status``, ``load_site``, ``events_after``); this module just turns
their value objects into the board's own (:mod:`display_app.model`).
"""

from __future__ import annotations

import peewee

from db.connection import database_proxy, require_sqlite_file
from db.errors import DatabaseUnavailable
from db.events import events_after, last_event_id
from db.site import load_site
from db.status import hall_status
from display_app.model import BoardSnapshot, CounterCell, ServiceCount, recent_calls_from_events

#: how far back in the event log the first load looks for the recent calls
RECENT_LOOKBACK_EVENTS = 500


def load_snapshot(*, with_recent: bool = False) -> BoardSnapshot:
    """One consistent-enough picture of the hall.

    The event id is read *first*, so the status read after it reflects at
    least every event up to ``as_of_event_id`` (see ``BoardState.apply_snapshot``).
    Tried twice: after a database restart this worker thread's connection
    is dead, and the failed first try has already dropped it.
    """
    try:
        return _load(with_recent)
    except DatabaseUnavailable:
        return _load(with_recent)


def _load(with_recent: bool) -> BoardSnapshot:
    require_sqlite_file()
    try:
        as_of = last_event_id()
        site = load_site()
        status = hall_status()
        recent = ()
        if with_recent:
            events = events_after(max(0, as_of - RECENT_LOOKBACK_EVENTS), limit=RECENT_LOOKBACK_EVENTS)
            recent = recent_calls_from_events(events, service_day=status.service_day, timezone=site.timezone)
    finally:
        _drop_sqlite_connection()
    return BoardSnapshot(
        as_of_event_id=as_of,
        service_day=status.service_day,
        site_name=site.name,
        site_name_en=site.name_en,
        timezone=site.timezone,
        notice=site.notice,
        counters=tuple(
            CounterCell(number=c.number, name=c.name, code=c.current.code if c.current else None, paused=c.paused)
            for c in status.counters
        ),
        services=tuple(
            ServiceCount(code=s.code, name=s.name, name_en=s.name_en, waiting=s.waiting)
            for s in status.services if s.active or s.waiting
        ),
        recent=recent,
        site=site,
    )


def _drop_sqlite_connection() -> None:
    """Close this worker thread's SQLite connection after a snapshot.

    Snapshots are rare (debounced), and a pooled thread that kept its
    connection open would go on reading the old file if the database file
    were replaced (restored from a backup, moved back): reopening costs well
    under a millisecond.  PostgreSQL connections are kept.
    """
    db = database_proxy.obj
    if isinstance(db, peewee.SqliteDatabase):
        try:
            db.close()
        except Exception:
            pass
