"""The event follower: every committed event exactly once, in id order, woken by the commit itself."""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time
from pathlib import Path

import psycopg
import pytest
from site_setup import connect_with_site

from db import queue
from db.connection import current_url
from db.errors import DatabaseUnavailable
from db.events import events_after, last_event_id
from db.feed import EventFollower
from db.models import Event


def _raw_event_insert(conn: psycopg.Connection, kind: str) -> None:
    """An event written by another PC, inside a transaction the test controls."""
    conn.execute("INSERT INTO event (at, kind, data) VALUES (%s, %s, '{}')", (time.time(), kind))
    conn.execute("SELECT pg_notify('onestop_events', %s)", (kind,))


def test_follower_delivers_each_event_once_in_id_order_and_resumes_from_its_position(site_db):
    follower = EventFollower()
    start = follower.position
    assert start == last_event_id()
    issued = [queue.issue_ticket("TP").code for _ in range(3)]
    batch = follower.poll()
    assert [e.code for e in batch if e.kind == "issued"] == issued
    assert [e.id for e in batch] == sorted(e.id for e in batch) and batch[0].id > start
    assert follower.poll() == []
    assert follower.position == batch[-1].id
    queue.call_next(1)
    resumed = EventFollower(after=batch[0].id)
    again = resumed.poll()
    assert [e.id for e in again] == [e.id for e in batch[1:]] + [e.id for e in events_after(batch[-1].id)]
    assert again[-1].kind == "called"
    follower.close()
    resumed.close()


def test_follower_catches_up_in_batches_without_skipping(site_db):
    follower = EventFollower(after=0, batch=7)
    for _ in range(20):
        queue.issue_ticket("TP")
    seen: list[int] = []
    while batch := follower.poll():
        seen.extend(e.id for e in batch)
    assert seen == [e.id for e in events_after(0, limit=10_000)]
    follower.close()


def test_wait_is_woken_by_a_commit_in_another_thread_not_by_its_timeout(site_db):
    """``wait(60)`` returns well before 60 s only if the commit woke it (LISTEN or data_version)."""
    follower = EventFollower()
    follower.wait(0.01)  # arms the wake-up
    url = current_url()
    done = threading.Event()

    def other_pc() -> None:
        from db.connection import connect

        time.sleep(0.3)
        connect(url)  # same binding; this thread opens its own connection
        queue.issue_ticket("TP")
        done.set()

    thread = threading.Thread(target=other_pc)
    started = time.monotonic()
    thread.start()
    batch = follower.wait(60)
    elapsed = time.monotonic() - started
    thread.join()
    assert done.is_set()
    assert [e.kind for e in batch] == ["issued"]
    assert elapsed < 30
    follower.close()


def test_interrupt_ends_a_wait_from_another_thread(site_db):
    follower = EventFollower()
    follower.wait(0.01)
    timer = threading.Timer(0.2, follower.interrupt)
    started = time.monotonic()
    timer.start()
    assert follower.wait(60) == []
    assert time.monotonic() - started < 30
    follower.close()


def test_postgres_event_committed_after_a_later_one_is_still_delivered(pg_server):
    """The defect this follower fixes: B inserts after A but commits first; a read in between
    must not move the follower past A's event."""
    url = connect_with_site(pg_server.create_database())
    follower = EventFollower()
    first = psycopg.connect(url)      # PC A: opens its transaction first
    second = psycopg.connect(url)     # PC B
    try:
        _raw_event_insert(first, "from_a")
        _raw_event_insert(second, "from_b")
        second.commit()
        assert [e.kind for e in follower.poll()] == ["from_b"]
        first.commit()
        assert [e.kind for e in follower.poll()] == ["from_a"]
        assert follower.poll() == []
        kinds = [e.kind for e in events_after(0) if e.kind.startswith("from_")]
        assert kinds == ["from_b", "from_a"]  # ids follow commit order
    finally:
        first.close()
        second.close()
        follower.close()


def test_postgres_ticket_issued_by_another_process_while_a_transaction_is_open(pg_server):
    """The issue's reproduction: an open transaction holds an event, ``onestop issue`` runs in
    another process, the follower reads, then the first transaction commits."""
    import subprocess
    import sys

    url = connect_with_site(pg_server.create_database())
    follower = EventFollower()
    holder = psycopg.connect(url)
    try:
        _raw_event_insert(holder, "held")
        issued = subprocess.run([sys.executable, "-m", "cli.main", "--db", url, "issue", "TP"],
                                capture_output=True, text=True, timeout=60)
        assert issued.returncode == 0, issued.stderr
        assert [e.kind for e in follower.poll()] == ["issued"]
        holder.commit()
        assert [e.kind for e in follower.wait(10)] == ["held"]
    finally:
        holder.close()
        follower.close()


def test_postgres_uncommitted_event_is_invisible_and_a_rolled_back_one_never_appears(pg_server):
    url = connect_with_site(pg_server.create_database())
    follower = EventFollower()
    conn = psycopg.connect(url)
    try:
        _raw_event_insert(conn, "rolled_back")
        assert follower.poll() == []
        conn.rollback()
        queue.issue_ticket("TP")
        assert [e.kind for e in follower.poll()] == ["issued"]
        assert Event.select().where(Event.id < 0).count() == 0  # no provisional id left behind
    finally:
        conn.close()
        follower.close()


def test_sqlite_follower_reopens_a_replaced_file_and_reports_a_missing_one(sqlite_url, tmp_path):
    connect_with_site(sqlite_url)
    path = Path(sqlite_url[len("sqlite:///"):])
    follower = EventFollower(after=0)
    follower.poll()
    queue.issue_ticket("TP")
    copy = tmp_path / "restored.db"
    with sqlite3.connect(path) as live, sqlite3.connect(copy) as backup:
        live.backup(backup)             # a backup holding one ticket less than the live file will
    follower.poll()
    queue.issue_ticket("TP")            # only in the live file
    moved = tmp_path / "moved-away.db"
    path.rename(moved)
    for suffix in ("-wal", "-shm"):
        if Path(str(path) + suffix).exists():
            Path(str(path) + suffix).rename(str(moved) + suffix)
    with pytest.raises(DatabaseUnavailable):
        follower.poll()
    shutil.copy(copy, path)             # the backup comes back as the database
    follower_after_restore = follower.poll()  # reads the restored file, not the moved one
    assert follower_after_restore == []       # it holds nothing after the position reached
    assert follower.position == last_event_id()
    follower.close()


def _quiet_follower_checks_instead_of_reading_and_still_sees_each_commit(monkeypatch) -> None:
    import db.feed as feed

    follower = EventFollower()
    assert follower.wait(0.01) == []          # arms the wake-up, reads once
    reads = follower.reads
    for _ in range(10):
        assert follower.wait(0.02) == []
    assert follower.reads - reads <= 1, follower.reads - reads   # (one late file-watcher signal at most)

    # committed between two calls, with nobody waiting: the next call's check finds it
    code = queue.issue_ticket("TP").code
    assert [e.code for e in follower.wait(0.5) if e.kind == "issued"] == [code]

    # committed by another connection (another thread) during a wait: woken, as before
    url = current_url()

    def other_pc() -> None:
        from db.connection import connect

        time.sleep(0.1)
        connect(url)
        queue.issue_ticket("KS")

    thread = threading.Thread(target=other_pc)
    thread.start()
    batch = follower.wait(30)
    thread.join()
    assert [e.kind for e in batch] == ["issued"]

    # the safety net: a read at least every QUIET_READ_S even when the check says nothing changed
    monkeypatch.setattr(feed, "QUIET_READ_S", 0.0)
    reads = follower.reads
    assert follower.wait(0.01) == []
    assert follower.reads > reads
    follower.close()


def test_quiet_follower_checks_instead_of_reading_and_still_sees_each_commit(site_db, monkeypatch):
    """A quiet hall costs the wake-up's check (SQLite: ``stat`` + ``PRAGMA``; PostgreSQL: a pending
    notification?), not an ORM read per call."""
    _quiet_follower_checks_instead_of_reading_and_still_sees_each_commit(monkeypatch)


def test_sqlite_quiet_follower_without_a_file_watcher(sqlite_url, monkeypatch):
    import db.feed as feed

    monkeypatch.setattr(feed._SqliteWaker, "_watch", lambda self: None)
    connect_with_site(sqlite_url)
    _quiet_follower_checks_instead_of_reading_and_still_sees_each_commit(monkeypatch)


def test_postgres_deaf_listen_connection_is_found_by_the_safety_read_and_replaced(pg_server, monkeypatch):
    import db.feed as feed

    connect_with_site(pg_server.create_database())
    follower = EventFollower()
    assert follower.wait(0.01) == []
    deaf = follower._waker
    deaf._conn.execute("UNLISTEN *")          # alive but hears nothing: a half-open connection
    monkeypatch.setattr(feed, "QUIET_READ_S", 0.5)
    code = queue.issue_ticket("TP").code
    delivered: list = []
    deadline = time.monotonic() + 10
    while not delivered and time.monotonic() < deadline:
        delivered = follower.wait(0.1)
    assert [e.code for e in delivered if e.kind == "issued"] == [code]   # within QUIET_READ_S, once
    assert follower.wait(0.05) == []
    assert follower._waker is not None and follower._waker is not deaf   # LISTEN opened again
    monkeypatch.setattr(feed, "QUIET_READ_S", 60.0)
    started = time.monotonic()
    queue.issue_ticket("KS")
    assert [e.kind for e in follower.wait(30)] == ["issued"]          # the new connection hears
    assert time.monotonic() - started < 10
    follower.close()
