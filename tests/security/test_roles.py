"""One PostgreSQL role per program: what each can do, and what the server refuses it.

Every role connects with its own password over TLS (tests/security/conftest.py),
runs the program's own functions for what must work, and raw SQL for what must not.
"""

from __future__ import annotations

import psycopg
import pytest

from db import admin_ops, queue
from db.audit import entries
from db.connection import close, connect
from db.errors import Forbidden
from db.integrity import verify
from db.officers import authenticate, sign_in_at_counter
from db.permissions import Actor
from db.ratings import record_press
from db.roles import ROLE_NAMES
from db.status import hall_status

ADMIN = Actor(username="admin", role="admin")
SUPERVISOR = Actor(username="quang", role="supervisor")


def _as(hall, role: str) -> None:
    close()
    connect(hall["url"](role))


def _refused(hall, role: str, sql: str) -> str:
    """Run ``sql`` as ``role``; return the server's refusal (fails the test if it was allowed)."""
    with psycopg.connect(hall["url"](role), autocommit=True) as conn, \
            pytest.raises(psycopg.errors.InsufficientPrivilege) as caught:
        conn.execute(sql)
    return str(caught.value)


def _served_and_rated(hall) -> int:
    """A ticket issued by the kiosk role, then called, served, finished and rated as the counter role."""
    _as(hall, "onestop_kiosk")
    queue.issue_ticket("TP", kiosk="k1")
    _as(hall, "onestop_counter")
    sign_in_at_counter("lan", 1)
    ticket = queue.call_next(1)
    queue.start_service(1)
    queue.finish_service(1)
    record_press(1, 1, source="keypad")
    return ticket.id


def test_roles_create_lists_every_role_and_how_to_set_its_password(hall):
    report = hall["report"]
    assert [r["name"] for r in report["roles"]] == list(ROLE_NAMES)
    assert len(report["set_passwords"]["psql"]) == len(ROLE_NAMES) == 7
    assert {"\\password onestop_kiosk", "\\password onestop_sync"} <= set(report["set_passwords"]["psql"])
    sync = next(r for r in report["roles"] if r["name"] == "onestop_sync")
    assert "api_key" not in sync["select"] and "audit" not in sync["insert"] and "rating" not in sync["update"]
    assert report["ungranted"] == []
    assert set(report["owner_only"]) == {"seal", "seal_head", "seal_key"}
    display = next(r for r in report["roles"] if r["name"] == "onestop_display")
    assert display["insert"] == [] and display["update"] == {} and display["delete"] == []


def test_kiosk_issues_tickets_but_cannot_touch_ratings_officers_or_finished_tickets(hall):
    _as(hall, "onestop_kiosk")
    issued = queue.issue_ticket("TP", kiosk="k1")
    assert issued.code == "A001"
    served = _served_and_rated(hall)
    assert served == issued.id
    assert "rating" in _refused(hall, "onestop_kiosk", "UPDATE rating SET value = 3 WHERE value = 1")
    _refused(hall, "onestop_kiosk", "DELETE FROM rating")
    _refused(hall, "onestop_kiosk", "INSERT INTO rating (counter_id, value, pressed_at, service_day, source, counted) "
                                    "VALUES (1, 3, 0, '2026-12-02', 'keypad', true)")
    _refused(hall, "onestop_kiosk", "UPDATE officer SET role = 'admin' WHERE username = 'lan'")
    _refused(hall, "onestop_kiosk", "UPDATE officer SET pin_hash = 'x', active = true")
    refusal = _refused(hall, "onestop_kiosk", f"UPDATE ticket SET status = 'cancelled' WHERE id = {served}")
    assert "finished" in refusal
    _refused(hall, "onestop_kiosk", "DELETE FROM ticket")
    _refused(hall, "onestop_kiosk", "DELETE FROM event WHERE kind IN ('login_failed', 'rated')")
    _refused(hall, "onestop_kiosk", "UPDATE audit SET actor = 'nobody'")
    _refused(hall, "onestop_kiosk", "SELECT * FROM seal_key")
    _refused(hall, "onestop_kiosk", "UPDATE seal_head SET seq = 0")


def test_a_finished_ticket_cannot_be_rewritten_even_by_the_counter_role(hall):
    served = _served_and_rated(hall)
    assert "finished" in _refused(hall, "onestop_counter", f"UPDATE ticket SET status = 'waiting' WHERE id = {served}")
    with psycopg.connect(hall["url"]("onestop_counter"), autocommit=True) as conn:  # an open ticket still moves
        _as(hall, "onestop_kiosk")
        waiting = queue.issue_ticket("TP")
        conn.execute("UPDATE ticket SET note = 'x' WHERE id = %s", (waiting.id,))


def test_display_reads_everything_it_shows_and_writes_nothing(hall):
    _as(hall, "onestop_kiosk")
    queue.issue_ticket("TP")
    _as(hall, "onestop_display")
    status = hall_status()
    assert any(s.waiting == 1 for s in status.services)
    with pytest.raises(Exception) as caught:  # the server refuses the INSERT
        queue.issue_ticket("TP")
    assert "permission denied" in str(caught.value)
    for sql in ("INSERT INTO event (at, kind, data) VALUES (0, 'x', '{}')", "UPDATE ticket SET status = 'done'",
                "UPDATE counter SET paused = true", "DELETE FROM event",
                "INSERT INTO audit (at, action) VALUES (0, 'x')",
                "SELECT onestop_seal('event', 1, '{}')",
                "SELECT name, phone FROM booking"):   # citizens' personal data is not the display's
        _refused(hall, "onestop_display", sql)


def test_counter_role_calls_serves_and_records_presses(hall):
    served = _served_and_rated(hall)
    assert queue.current_ticket(1) is None
    _as(hall, "onestop_counter")
    assert authenticate("hung", "1234").username == "hung"
    _refused(hall, "onestop_counter", "UPDATE rating SET value = 3")
    _refused(hall, "onestop_counter", "UPDATE officer SET role = 'admin'")
    assert served


def test_keypad_role_records_presses_and_nothing_else(hall):
    _as(hall, "onestop_keypad")
    press = record_press(2, 3)
    assert press.value == 3 and press.ticket_id is None
    _refused(hall, "onestop_keypad", "UPDATE rating SET value = 1")
    _refused(hall, "onestop_keypad", "INSERT INTO ticket (service_day) VALUES ('x')")
    _refused(hall, "onestop_keypad", "UPDATE counter SET paused = true")
    _refused(hall, "onestop_keypad", "SELECT phone FROM booking")


def test_admin_role_manages_officers_and_reads_the_audit_log(hall):
    _as(hall, "onestop_admin")
    admin_ops.create_officer("tuan", "Phạm Văn Tuấn", "officer", "4821", actor=ADMIN)
    admin_ops.reset_pin("lan", "5555", actor=ADMIN)
    admin_ops.set_officer_active("mai", False, actor=ADMIN)
    actions = [(e["actor"], e["action"], e["target"]) for e in entries()]
    assert ("it-staff", "site_imported", "<built-in example_site.toml>") in actions
    assert ("admin", "officer_created", "tuan") in actions
    assert ("admin", "pin_reset", "lan") in actions
    assert ("admin", "officer_active", "mai") in actions
    _refused(hall, "onestop_admin", "UPDATE rating SET value = 3")
    _refused(hall, "onestop_admin", "DELETE FROM audit")
    _refused(hall, "onestop_admin", "UPDATE audit SET after = NULL")
    _refused(hall, "onestop_admin", "DELETE FROM event")


def test_verify_needs_the_owner_and_the_program_roles_cannot_read_the_key(hall):
    _as(hall, "onestop_admin")
    with pytest.raises(Forbidden):
        verify()
    close()
    connect(hall["owner_url"])
    assert verify().ok


def test_a_wrong_password_or_a_connection_without_tls_is_refused(hall):
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(hall["url"]("onestop_kiosk", password="guess"))
    with pytest.raises(psycopg.OperationalError, match="no encryption|pg_hba"):
        psycopg.connect(hall["url"]("onestop_kiosk", ssl="sslmode=disable"))
    with psycopg.connect(hall["url"]("onestop_kiosk")) as conn:  # verify-full against the hall's CA
        assert conn.execute("SHOW ssl").fetchone()[0] == "on"
        assert conn.pgconn.ssl_in_use


def test_a_program_role_never_runs_ddl_and_names_the_fix_when_an_upgrade_is_due(hall):
    import psycopg as pg

    with pg.connect(hall["server"].url(hall["db"]), autocommit=True) as conn:
        conn.execute("DELETE FROM schema_version WHERE version = (SELECT max(version) FROM schema_version)")
    close()
    with pytest.raises(Forbidden, match="onestop init --db OWNER_URL") as caught:
        connect(hall["url"]("onestop_kiosk"))
    assert "Hall-PC-Secret" not in caught.value.message("en")
    close()


def test_done_means_kiosk_credentials_cannot_change_a_rating_and_a_psql_edit_is_reported(hall):
    """The acceptance story, through the command line as a hall's PCs run it."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]

    def onestop(url: str, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "cli.main", *args, "--db", url], cwd=root,
                              capture_output=True, text=True, timeout=120, check=False)

    kiosk, counter = hall["url"]("onestop_kiosk"), hall["url"]("onestop_counter")
    assert onestop(kiosk, "issue", "TP").returncode == 0
    for step in (("call", "--counter", "1"), ("start", "--counter", "1"), ("done", "--counter", "1"),
                 ("rate", "--counter", "1", "--value", "1")):
        run = onestop(counter, *step)
        assert run.returncode == 0, run.stderr
    rating_id = json.loads(run.stdout)["id"]
    _refused(hall, "onestop_kiosk", "UPDATE rating SET value = 3 WHERE value = 1")
    assert json.loads(onestop(hall["owner_url"], "verify").stdout)["ok"] is True
    with psycopg.connect(hall["server"].url(hall["db"]), autocommit=True) as owner:  # someone with psql
        owner.execute("UPDATE rating SET value = 3 WHERE value = 1")
    run = onestop(hall["owner_url"], "verify")
    assert run.returncode == 1
    assert json.loads(run.stdout)["problems"] == [f"rating {rating_id}: value changed"]
    assert onestop(kiosk, "verify").returncode == 3  # a program role cannot even read the key
