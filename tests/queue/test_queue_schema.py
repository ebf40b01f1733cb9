"""Upgrading an older database keeps every row."""

from __future__ import annotations

import sqlite3

from db.connection import close, connect
from db.models import SchemaVersion, Ticket
from db.schema import SCHEMA_VERSION


def test_upgrade_from_version_1_keeps_tickets(sqlite_site_db, clock, tmp_path):
    from db import queue

    ticket = queue.issue_ticket("TP", now=clock(9, 0))
    path = sqlite_site_db[len("sqlite:///"):]
    close()
    # Make it look like a version-1 database: no ticket.note column, version 1 recorded.
    with sqlite3.connect(path) as raw:
        raw.execute("ALTER TABLE ticket DROP COLUMN note")
        raw.execute("DROP INDEX ticket_status_service_day_service_id")   # the reports' index (v3; covering since v11)
        raw.execute("DELETE FROM schema_version")
        raw.execute("INSERT INTO schema_version (version, applied_at) VALUES (1, 0)")
    connect(sqlite_site_db)
    assert SchemaVersion.select().order_by(SchemaVersion.version.desc()).first().version == SCHEMA_VERSION
    assert "ticket_status_service_day_service_id" in {i.name for i in Ticket._meta.database.get_indexes("ticket")}
    row = Ticket.get_by_id(ticket.id)
    assert row.code == "A001" and row.note is None
    queue.issue_ticket("TP", now=clock(9, 1))
    assert Ticket.select().count() == 2


def test_upgrade_from_version_3_on_postgres_keeps_events_and_orders_new_ones_by_commit(pg_server, clock):
    """Version 4 installs the commit-order trigger on an existing event table and adds ``request``."""
    import psycopg
    from site_setup import connect_with_site

    from db import queue
    from db.events import events_after
    from db.feed import EventFollower

    url = connect_with_site(pg_server.create_database())
    queue.issue_ticket("TP", now=clock(9, 0))
    before = [(e.id, e.kind) for e in events_after(0)]
    close()
    with psycopg.connect(url, autocommit=True) as raw:  # what a version-3 database looked like
        raw.execute("DROP TRIGGER event_commit_order ON event")
        raw.execute("ALTER TABLE event ALTER COLUMN id SET DEFAULT nextval('event_id_seq')")
        raw.execute("DROP TABLE request")
        raw.execute("DELETE FROM schema_version WHERE version > 3")
    connect(url)
    assert SchemaVersion.select().order_by(SchemaVersion.version.desc()).first().version == SCHEMA_VERSION
    assert [(e.id, e.kind) for e in events_after(0)] == before
    follower = EventFollower()
    early, late = psycopg.connect(url), psycopg.connect(url)
    try:
        early.execute("INSERT INTO event (at, kind, data) VALUES (0, 'early', '{}')")
        late.execute("INSERT INTO event (at, kind, data) VALUES (0, 'late', '{}')")
        late.commit()
        assert [e.kind for e in follower.poll()] == ["late"]
        early.commit()
        assert [e.kind for e in follower.poll()] == ["early"]
    finally:
        early.close()
        late.close()
        follower.close()
    again = queue.issue_ticket("TP", now=clock(9, 1), request_id="after-upgrade")
    assert queue.issue_ticket("TP", now=clock(9, 1), request_id="after-upgrade").id == again.id
    assert Ticket.select().count() == 2
