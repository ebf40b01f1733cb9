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
        raw.execute("DROP INDEX ticket_status_service_day")
        raw.execute("DELETE FROM schema_version")
        raw.execute("INSERT INTO schema_version (version, applied_at) VALUES (1, 0)")
    connect(sqlite_site_db)
    assert SchemaVersion.select().order_by(SchemaVersion.version.desc()).first().version == SCHEMA_VERSION
    assert "ticket_status_service_day" in {i.name for i in Ticket._meta.database.get_indexes("ticket")}
    row = Ticket.get_by_id(ticket.id)
    assert row.code == "A001" and row.note is None
    queue.issue_ticket("TP", now=clock(9, 1))
    assert Ticket.select().count() == 2
