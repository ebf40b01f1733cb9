"""The append-only event log.

Every state change writes one ``Event`` row inside the same transaction, so
the log never shows a change that was rolled back.  Followers read "events
after id N" (:mod:`db.feed`); for that to never skip an event, an event's id
must be visible only after every smaller id is (docs/events.md):

* SQLite has one writer at a time (``BEGIN IMMEDIATE``): ids are taken and
  committed in the same order.
* PostgreSQL takes the sequence value when the row is inserted and commits in
  any order, so here an event is inserted with a *provisional* negative id and
  gets its real id at COMMIT, from a deferred constraint trigger that first
  takes one transaction-level advisory lock (:func:`install_commit_order`).
  The lock is released only after the commit is visible, so ids become
  visible in increasing order.  The lock is taken by the server while it
  runs COMMIT, never across a round trip to a client, so a client that
  vanishes mid-transaction cannot hold it.

On PostgreSQL each write also sends ``NOTIFY onestop_events`` which is
delivered at commit, so followers wake up at once instead of polling.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from db import current_site, integrity
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
    """Append one event; call inside the write transaction of the change.

    Returns the row's id, which on PostgreSQL is provisional (negative): the
    real one is given at commit.
    """
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
        # The id is still provisional here; the payload only says "something committed".
        database_proxy.obj.execute_sql("SELECT pg_notify(%s, %s)", (NOTIFY_CHANNEL, kind))
    return int(row.id)


def _info(row: Event) -> EventInfo:
    return EventInfo(
        id=int(row.id),
        at=datetime.fromtimestamp(row.at, tz=UTC),
        kind=row.kind,
        ticket_id=row.ticket_id,
        code=row.code,
        service=row.service_code,
        counter=row.counter_number,
        officer=row.officer_username,
        data=json.loads(row.data or "{}"),
    )


def events_after(last_id: int, *, limit: int = 500) -> list[EventInfo]:
    """Everything that happened at this process's site after event ``last_id``, oldest first.

    ``(site_id, id)`` is indexed, so a display reads only its site's rows however many sites write;
    an event without a site (written by hand, or database-wide) is everyone's.
    """

    def read() -> list[EventInfo]:
        rows = (Event.select().where(_of_this_site() & (Event.id > max(0, last_id)))
                .order_by(Event.id).limit(limit))
        return [_info(r) for r in rows]

    return with_retry(read, attempts=1)


#: arbitrary constant naming the advisory lock that orders event commits
COMMIT_ORDER_LOCK = 0x6F6E65_7374_6F70  # "onestop"
_TRIGGER = "event_commit_order"


def install_commit_order(db=None) -> None:
    """PostgreSQL: give events their ids at commit, in commit order (idempotent).

    * ``event.id`` defaults to ``-nextval('event_pending_id_seq')``: a
      provisional id no follower reads (they read ``id > N >= 0``);
    * a ``DEFERRABLE INITIALLY DEFERRED`` constraint trigger runs while the
      server executes COMMIT: it takes ``pg_advisory_xact_lock`` and moves
      each new row to ``nextval`` of the event sequence.  The lock is held
      until the transaction's end, after it became visible, so a transaction
      that got id n+1 became visible after the one that got n.

    The function runs with its owner's rights (``SECURITY DEFINER``), so a
    least-privilege role that may only INSERT into ``event`` (an append-only
    log) still gets its ids.  Does nothing on SQLite.  Called by the schema
    step that introduces it and when a new database is created.
    """
    db = db or database_proxy.obj
    if not is_postgres(db):
        return
    sequence = db.execute_sql("SELECT pg_get_serial_sequence('event', 'id')").fetchone()[0]
    if sequence is None:  # the id default was already moved off the serial sequence
        sequence = "event_id_seq"
    db.execute_sql("CREATE SEQUENCE IF NOT EXISTS event_pending_id_seq")
    db.execute_sql("ALTER TABLE event ALTER COLUMN id SET DEFAULT -nextval('event_pending_id_seq')")
    db.execute_sql(f"""
        CREATE OR REPLACE FUNCTION onestop_event_commit_order() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
        BEGIN
            PERFORM pg_advisory_xact_lock({COMMIT_ORDER_LOCK});
            UPDATE event SET id = nextval('{sequence}') WHERE id = NEW.id;
            RETURN NULL;
        END $$""")
    db.execute_sql(f"DROP TRIGGER IF EXISTS {_TRIGGER} ON event")
    db.execute_sql(f"""
        CREATE CONSTRAINT TRIGGER {_TRIGGER} AFTER INSERT ON event
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
        EXECUTE FUNCTION onestop_event_commit_order()""")


def _of_this_site():
    return (Event.site_id == current_site.site_id()) | Event.site_id.is_null()


def last_event_id() -> int:
    def read() -> int:
        value = (Event.select(Event.id).where(_of_this_site())
                 .order_by(Event.id.desc()).limit(1).scalar())
        return max(0, int(value or 0))

    return with_retry(read, attempts=1)
