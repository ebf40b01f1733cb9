"""The province end of ``onestop sync`` as ``onestop_sync``: what it copies, and what the server refuses it.

The province is the password-and-TLS server of tests/security/conftest.py with
``onestop roles create`` run by its owner (``hall``); the commune is a SQLite
file changed through the domain calls (tests/sync/communes.py).
"""

from __future__ import annotations

import psycopg
import pytest

from db import bookings, dossiers, integrity, queue
from db.errors import Forbidden, NotAllowed
from db.models import Counter, Event, Rating, Service, Setting, Site, Ticket
from db.ratings import record_press
from tests.multisite import no_site_chosen  # noqa: F401 (autouse fixture)
from tests.site_clock import at
from tests.sync.communes import bound, cli, make_commune, report, sync_in_process

FINISHED = ("done", "no_show", "cancelled")


def _refused(hall, sql: str) -> str:
    with psycopg.connect(hall["url"]("onestop_sync"), autocommit=True) as conn, \
            pytest.raises(psycopg.errors.InsufficientPrivilege) as caught:
        conn.execute(sql)
    return str(caught.value)


def _serve(counter: int, now: float, value: int | None = None) -> None:
    queue.call_next(counter, now=now)
    queue.start_service(counter, now=now + 10)
    queue.finish_service(counter, now=now + 100)
    if value is not None:
        record_press(counter, value, now=now + 110)


def test_a_commune_synced_as_onestop_sync_twice_matches_and_verifies(tmp_path, hall):
    commune = make_commune(tmp_path / "XA-A.db", "XA-A", 8)
    with bound(commune):
        _serve(1, at(9, 0))                 # finished before the first run, rated after it
    as_sync = hall["url"]("onestop_sync")
    first = sync_in_process(commune, as_sync, batch=5)
    assert len(first) > 1

    with bound(commune):   # the commune works on: tickets waiting at the first run finish, new ones come and go
        late = record_press(1, 3, now=at(9, 0) + 130)
        assert late.ticket_code is not None  # the second run names a ticket the province holds as done
        booked = bookings.book("TP", "2026-11-25T10:00", "Trần Văn Bình", "0912000001", now=at(9, 0))
        bookings.check_in(booked.code, now=at(9, 50))
        for i in range(3):
            queue.issue_ticket("KS", now=at(10, 0) + i)
        _serve(1, at(10, 5), value=3)
        _serve(2, at(10, 6), value=1)
        queue.call_next(1, now=at(10, 20))
        queue.start_service(1, now=at(10, 21))
        dossiers.attach(1, "H26.99-0001", now=at(10, 22))
        queue.finish_service(1, now=at(10, 30))
        record_press(1, 2, now=at(10, 31))
        queue.call_next(2, now=at(10, 32))
        queue.mark_no_show(2, now=at(10, 40))
    second = sync_in_process(commune, as_sync, batch=4)
    assert sum(r.rows["events"] for r in second) > 10 and second[-1].lag_events == 0
    assert sync_in_process(commune, as_sync)[0].rows["events"] == 0     # a pass with nothing new is still fine

    with bound(hall["owner_url"]):
        checked = integrity.verify(record=False)
        assert checked.ok, checked.problems
        assert checked.checked["event"]["unsealed"] == 0 and checked.checked["rating"]["unsealed"] == 0
        assert Setting.get(Setting.key == "sync.replica.XA-A").value
        copied = {(t.code, t.status) for t in Ticket.select().join(Service, on=(Ticket.issued_service == Service.id))
                  .where(Service.site == Site.get(code="XA-A").id)}
    with bound(commune):
        assert copied == {(t.code, t.status) for t in Ticket.select()}
        events, ratings = Event.select().count(), Rating.select().count()
    with bound(hall["owner_url"]):
        assert Event.select().where(Event.site_id == Site.get(code="XA-A").id).count() == events
        assert Rating.select().join(Counter).where(Counter.site == Site.get(code="XA-A").id).count() == ratings
    assert report(hall["owner_url"], "XA-A") == report(commune, "XA-A")


def test_onestop_sync_cannot_do_what_the_sync_does_not_need(tmp_path, hall):
    commune = make_commune(tmp_path / "XA-A.db", "XA-A", 6)
    sync_in_process(commune, hall["url"]("onestop_sync"))
    for sql in ("SELECT * FROM seal_key", "UPDATE seal_head SET seq = 0", "DELETE FROM seal",
                "SELECT * FROM api_key", "INSERT INTO api_key (name) VALUES ('x')",
                "SELECT * FROM audit", "INSERT INTO audit (at, action) VALUES (0, 'x')",
                "SELECT * FROM request", "SELECT * FROM notification", "SELECT * FROM verification",
                "UPDATE number_sequence SET last_number = 0",
                "UPDATE rating SET value = 3", "DELETE FROM rating", "UPDATE event SET kind = 'x'",
                "DELETE FROM event", "DELETE FROM ticket", "UPDATE ticket SET id = id + 1000",
                "UPDATE setting SET key = 'x'", "DELETE FROM setting",
                "ALTER TABLE ticket ADD COLUMN x int", "CREATE TABLE sync_scratch (a int)"):
        _refused(hall, sql)
    # A finished ticket, of the province's own site or a copy, is refused as to every program role.
    assert "finished" in _refused(hall, "UPDATE ticket SET note = 'x' WHERE status = 'done'")


def test_a_finished_copy_the_commune_changed_is_refused_by_name_and_nothing_moves(tmp_path, hall):
    commune = make_commune(tmp_path / "XA-A.db", "XA-A", 6)
    as_sync = hall["url"]("onestop_sync")
    with bound(commune):
        _serve(1, at(9, 0))
    sync_in_process(commune, as_sync)
    with bound(commune):   # a hand edit at the commune of a ticket the province already holds as finished ...
        code = Ticket.select(Ticket.code).where(Ticket.finished_at == at(9, 0) + 100).scalar()
        Ticket.update(note="sửa tay").where(Ticket.code == code).execute()
        record_press(1, 3, now=at(9, 0) + 130)   # ... named again by a late press
    with bound(hall["owner_url"]):
        before = Setting.get(Setting.key == "sync.position.XA-A").value
    with pytest.raises(NotAllowed, match=f"ticket {code} of .* is finished"):
        sync_in_process(commune, as_sync)
    with bound(hall["owner_url"]):
        assert Setting.get(Setting.key == "sync.position.XA-A").value == before   # the batch was rolled back


def test_a_province_schema_due_for_an_upgrade_is_refused_with_the_fix(tmp_path, hall):
    commune = make_commune(tmp_path / "XA-A.db", "XA-A", 3)
    with psycopg.connect(hall["server"].url(hall["db"]), autocommit=True) as conn:
        conn.execute("DELETE FROM schema_version WHERE version = (SELECT max(version) FROM schema_version)")
        versions = conn.execute("SELECT count(*) FROM schema_version").fetchone()[0]
    with pytest.raises(Forbidden, match="onestop init --db OWNER_URL") as caught:
        sync_in_process(commune, hall["url"]("onestop_sync"))
    assert "Hall-PC-Secret" not in caught.value.message("en")
    assert "onestop roles create" in caught.value.message("en")
    with psycopg.connect(hall["server"].url(hall["db"]), autocommit=True) as conn:   # it ran no DDL, wrote nothing
        assert conn.execute("SELECT count(*) FROM schema_version").fetchone()[0] == versions
        assert conn.execute("SELECT count(*) FROM site WHERE code = 'XA-A'").fetchone()[0] == 0


def test_the_service_command_runs_as_onestop_sync(tmp_path, hall):
    """What deploy/systemd/onestop-sync.service runs, with its role's password and TLS."""
    import json

    commune = make_commune(tmp_path / "XA-A.db", "XA-A", 4)
    as_sync = hall["url"]("onestop_sync")
    run = cli("--db", commune, "sync", "--to", as_sync, "--once")
    assert '"event": "batch"' in run.stdout and "Hall-PC-Secret" not in run.stdout + run.stderr
    [status] = json.loads(cli("--db", commune, "sync", "--to", as_sync, "--status").stdout)
    assert status["site"] == "XA-A" and status["lag_events"] == 0 and status["position"]["event"] > 0
