"""The audit log: every admin/CLI change with who, when, what, before and after; imports seed officers."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from db import admin_ops
from db.audit import entries
from db.errors import AuthError, NotAllowed
from db.models import AuditEntry, Officer
from db.officers import authenticate
from db.permissions import Actor
from db.site import import_site, set_notice
from db.site_config import load_site_file

ADMIN = Actor(username="admin", role="admin")
SUPERVISOR = Actor(username="quang", role="supervisor")

ROOT = Path(__file__).resolve().parents[2]


def test_admin_changes_are_recorded_with_before_and_after(site_db, clock):
    admin_ops.create_service("CC", "Chứng thực", "H", actor=ADMIN, now=clock(8, 0))
    admin_ops.set_service_active("CC", False, actor=ADMIN, now=clock(8, 1))
    admin_ops.create_counter(5, "Quầy 5", ["CC", "TP"], actor=ADMIN, now=clock(8, 2))
    admin_ops.set_counter_services(5, ["TP"], actor=ADMIN, now=clock(8, 3))
    admin_ops.set_counter_active(5, False, actor=ADMIN, now=clock(8, 4))
    admin_ops.set_opening_hours(["07:30-11:30"], ["mon", "tue"], actor=ADMIN, now=clock(8, 5))
    set_notice("Nghỉ chiều thứ Sáu", actor="quang", now=clock(8, 6))
    log = {e["action"]: e for e in entries() if e["action"] != "site_imported"}
    assert log["service_created"]["after"]["prefix"] == "H" and log["service_created"]["actor"] == "admin"
    assert (log["service_active"]["before"], log["service_active"]["after"]) == ({"active": True}, {"active": False})
    assert log["counter_created"]["after"]["services"] == ["CC", "TP"]
    assert log["counter_services"]["before"] == {"services": ["CC", "TP"]}
    assert log["counter_services"]["after"] == {"services": ["TP"]}
    assert log["counter_active"]["target"] == "5"
    assert log["opening_hours"]["before"]["opening_hours"] == ["00:00-24:00"]
    assert log["opening_hours"]["after"] == {"opening_hours": ["07:30-11:30"], "days": ["mon", "tue"]}
    assert log["notice"]["after"] == {"notice": "Nghỉ chiều thứ Sáu"}
    assert log["notice"]["at"].startswith("2026-11-25T08:06:00")


def test_a_pin_reset_is_recorded_without_the_pin(site_db, clock):
    admin_ops.reset_pin("lan", "8642", actor=ADMIN, now=clock(9, 0))
    admin_ops.create_officer("tuan", "Phạm Văn Tuấn", "officer", "9753", actor=ADMIN, now=clock(9, 1))
    rows = list(AuditEntry.select().where(AuditEntry.action.in_(["pin_reset", "officer_created"])))
    text = json.dumps([[r.before, r.after] for r in rows])
    assert len(rows) == 2
    assert "8642" not in text and "9753" not in text and "scrypt" not in text
    reset = next(e for e in entries() if e["action"] == "pin_reset")
    assert reset["after"]["pin"] == "reset" and reset["actor"] == "admin" and reset["target"] == "lan"


def test_a_refused_change_leaves_no_audit_entry(site_db):
    before = AuditEntry.select().count()
    with pytest.raises(NotAllowed):
        admin_ops.set_officer_active("admin", False, actor=ADMIN)  # the last admin
    assert AuditEntry.select().count() == before


def test_reimport_never_reverts_a_pin_reset_or_a_deactivation_and_records_who_ran_it(site_db, clock):
    admin_ops.reset_pin("lan", "8642", actor=ADMIN, now=clock(9, 0))
    admin_ops.set_officer_active("hung", False, actor=ADMIN, now=clock(9, 1))
    summary = import_site(load_site_file(None), actor="it-staff", now=clock(9, 2))
    assert set(summary["officers_kept"]) == {"lan", "hung", "mai", "quang", "admin"}
    assert authenticate("lan", "8642", now=clock(9, 3)).username == "lan"
    with pytest.raises(AuthError):
        authenticate("lan", "1234", now=clock(9, 4))
    assert not Officer.get(Officer.username == "hung").active
    last = next(e for e in entries() if e["at"].startswith("2026-11-25T09:02"))
    assert (last["action"], last["actor"]) == ("site_imported", "it-staff")
    assert last["after"]["summary"]["officers_kept"] == summary["officers_kept"]


def test_cli_import_records_the_operating_system_account(site_db):
    run = subprocess.run([sys.executable, "-m", "cli.main", "--db", site_db, "init", "--site",
                          str(ROOT / "examples" / "commune.toml")],
                         cwd=ROOT, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    assert "kept as they are: lan, hung, mai, quang, admin" in run.stderr
    last = entries()[-1]
    assert last["action"] == "site_imported" and last["actor"].startswith("os:")
    assert last["before"]["opening_hours"] == ["00:00-24:00"]
    assert last["after"]["opening_hours"] == ["07:30-11:30", "13:30-17:00"]


def test_onestop_audit_filters_by_site_day(site_db, clock):
    admin_ops.reset_pin("lan", "8642", actor=ADMIN, now=clock(9, 0))
    admin_ops.reset_pin("hung", "8642", actor=ADMIN, now=clock(9, 0) + 86400)

    def audit(*args: str) -> list:
        run = subprocess.run([sys.executable, "-m", "cli.main", "--db", site_db, "audit", *args], cwd=ROOT,
                             capture_output=True, text=True, check=False)
        assert run.returncode == 0, run.stderr
        return json.loads(run.stdout)

    assert [e["target"] for e in audit("--from", "2026-11-25", "--to", "2026-11-25")] == ["lan"]
    assert [e["target"] for e in audit("--from", "2026-11-26", "--to", "2026-11-26")] == ["hung"]
    assert len(audit()) == 3  # the fixture's import too
    bad = subprocess.run([sys.executable, "-m", "cli.main", "--db", site_db, "audit", "--from", "25/11/2026"],
                         cwd=ROOT, capture_output=True, text=True, check=False)
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr
