"""Permissions live in the domain: every privileged ``db.admin_ops`` call checks the actor's role, both engines.

The admin program only greys out buttons; these tests call the operations
directly, as the web service or a script would, and see an officer refused
with nothing written, a supervisor allowed the day-to-day changes, an
administrator everything, and a demoted or deactivated account refused at once.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from db import admin_ops
from db.errors import Forbidden
from db.events import events_after
from db.models import Counter, Officer
from db.permissions import ALLOWED, LOCAL_ADMIN, Action, Actor, allowed, markdown_table
from db.site import list_counters, list_services, load_site
from db.site_config import load_site_file
from errors import Kind

OFFICER = Actor("lan", "officer")
SUPERVISOR = Actor("quang", "supervisor")
ADMIN = Actor("admin", "admin")
ROOT = Path(__file__).parents[2]


def privileged_calls(tmp_path: Path) -> dict[Action, list]:
    """One call per privileged operation, keyed by the action it needs."""
    return {
        Action.MANAGE_SERVICES: [
            lambda actor: admin_ops.create_service("HC", "Hành chính chung", "H", actor=actor),
            lambda actor: admin_ops.set_service_active("DD", False, actor=actor),
        ],
        Action.MANAGE_COUNTERS: [
            lambda actor: admin_ops.create_counter(9, "Quầy 9", ["TP"], actor=actor),
            lambda actor: admin_ops.set_counter_services(2, ["TP"], actor=actor),
            lambda actor: admin_ops.set_counter_active(3, False, actor=actor),
        ],
        Action.MANAGE_OFFICERS: [
            lambda actor: admin_ops.create_officer("tuan", "Phạm Văn Tuấn", "officer", "4321", actor=actor),
            lambda actor: admin_ops.reset_pin("hung", "8642", actor=actor),
            lambda actor: admin_ops.set_officer_active("mai", False, actor=actor),
        ],
        Action.SEAT_OFFICERS: [lambda actor: admin_ops.seat_officer("hung", 1, actor=actor)],
        Action.SET_NOTICE: [lambda actor: admin_ops.set_notice("Chiều nay nghỉ họp", actor=actor)],
        Action.SET_OPENING_HOURS: [lambda actor: admin_ops.set_opening_hours(["07:30-11:30"], ["mon"], actor=actor)],
        Action.IMPORT_SITE: [lambda actor: admin_ops.import_site(load_site_file(None), actor=actor)],
        Action.EXPORT_SITE: [lambda actor: admin_ops.export_site(tmp_path / "site.toml", actor=actor)],
        Action.BACKUP: [],   # SQLite only: see test_backup_is_for_administrators
        Action.MANAGE_BOOKINGS: [lambda actor: admin_ops.set_booking_capacity("DD", 15, 2, actor=actor)],
    }


def snapshot() -> tuple:
    """What a refused call must leave untouched."""
    officers = [(o.username, o.role, o.active, o.pin_hash) for o in Officer.select().order_by(Officer.username)]
    counters = [(c.number, c.active, c.officer_id) for c in Counter.select().order_by(Counter.number)]
    site = load_site()
    return (officers, counters, [(s.code, s.active) for s in list_services(include_inactive=True)],
            site.notice, site.opening_hours, len(events_after(0, limit=100_000)))


def test_every_action_is_covered_here():
    assert set(privileged_calls(Path("."))) == set(Action)


def test_an_officer_is_refused_everything_and_nothing_changes(site_db, tmp_path):
    before = snapshot()
    for calls in privileged_calls(tmp_path).values():
        for call in calls:
            with pytest.raises(Forbidden) as refused:
                call(OFFICER)
            assert refused.value.kind is Kind.FORBIDDEN and refused.value.exit_code == 3
            assert refused.value.http_status == 403 and "officer" in refused.value.message("en")
    assert snapshot() == before and not (tmp_path / "site.toml").exists()


@pytest.mark.parametrize("actor", [SUPERVISOR, ADMIN, LOCAL_ADMIN], ids=["supervisor", "admin", "local-admin"])
def test_each_role_may_do_exactly_what_the_table_says(site_db, tmp_path, actor):
    for action, calls in privileged_calls(tmp_path).items():
        for call in calls:
            if action in ALLOWED[actor.role]:
                call(actor)
            else:
                with pytest.raises(Forbidden):
                    call(actor)
    done = {e.kind for e in events_after(0, limit=100_000)}
    if actor.role == "admin":
        assert {"service_created", "counter_created", "officer_created", "pin_reset", "site_imported"} <= done
        assert (tmp_path / "site.toml").exists()
    else:
        assert {"signed_in", "notice_changed", "opening_hours_changed"} <= done
        assert not {"service_created", "officer_created", "pin_reset"} & done
        assert [e.kind for e in events_after(0, limit=100_000)].count("site_imported") == 1   # the fixture's
        assert list_counters()[0].officer == "hung" and (tmp_path / "site.toml").exists()


def test_the_role_is_read_from_the_database_not_taken_from_the_caller(site_db):
    pretender = Actor("lan", "admin")           # an officer's account claiming to be an admin
    with pytest.raises(Forbidden):
        admin_ops.reset_pin("hung", "8642", actor=pretender)
    admin_ops.set_officer_active("quang", False, actor=ADMIN)
    with pytest.raises(Forbidden, match="no longer active"):   # deactivated while a window is still open
        admin_ops.set_notice("x", actor=SUPERVISOR)
    with pytest.raises(Forbidden):
        admin_ops.set_notice("x", actor=None)


def test_the_event_log_names_who_did_it(site_db):
    admin_ops.set_notice("Chiều nay nghỉ họp", actor=SUPERVISOR)
    admin_ops.create_service("HC", "Hành chính chung", "H", actor=ADMIN)
    admin_ops.create_service("HD", "Hộ tịch", "M", actor=LOCAL_ADMIN)
    created = [e for e in events_after(0, limit=100_000) if e.kind == "service_created"]
    assert [(e.service, e.officer) for e in created] == [("HC", "admin"), ("HD", None)]


def test_backup_is_for_administrators(sqlite_site_db, tmp_path):
    for actor in (OFFICER, SUPERVISOR):
        with pytest.raises(Forbidden):
            admin_ops.backup(tmp_path / f"{actor.username}.db", actor=actor)
        assert not (tmp_path / f"{actor.username}.db").exists()
    assert Path(admin_ops.backup(tmp_path / "admin.db", actor=ADMIN).path).exists()


def test_screens_ask_the_same_table():
    assert not any(allowed(OFFICER, a) for a in Action)
    assert allowed(SUPERVISOR, Action.SET_NOTICE) and not allowed(SUPERVISOR, Action.MANAGE_OFFICERS)
    assert all(allowed(ADMIN, a) for a in Action) and not allowed(None, Action.SET_NOTICE)


def test_docs_permissions_table_is_generated_from_the_rule_table():
    assert markdown_table() in (ROOT / "docs" / "permissions.md").read_text(encoding="utf-8")
