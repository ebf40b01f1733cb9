"""Several sites in one database: the upgrade from version 8, site choice, and sites that never mix."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from db import current_site
from db.errors import InvalidInput, NotFound
from tests.multisite import import_site_as, no_site_chosen, site_text  # noqa: F401 (autouse fixture)

HERE = Path(__file__).parent
TABLES = ("site", "service", "counter", "officer", "counter_service", "number_sequence", "ticket", "rating",
          "event", "booking", "booking_slot", "seal", "audit")


def _counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        return {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in TABLES}








def test_upgrade_from_version_8_keeps_every_row_and_gives_them_the_one_site(tmp_path):
    from db.connection import close, connect
    from db.integrity import verify
    from db.schema import SCHEMA_VERSION, current_version
    from db.site import list_counters, list_services, load_site

    path = tmp_path / "v8.db"
    shutil.copy(HERE / "v8_single_site.db", path)
    before = _counts(path)
    close()
    connect(f"sqlite:///{path.as_posix()}")
    try:
        assert current_version() == SCHEMA_VERSION == 14
        after = _counts(path)
        for table in TABLES:
            if table != "audit":
                assert after[table] == before[table], table
        with sqlite3.connect(path) as conn:
            assert conn.execute("SELECT code FROM site").fetchall() == [("MAIN",)]
            for table in ("service", "counter", "officer", "event"):
                assert conn.execute(f"SELECT COUNT(*) FROM {table} WHERE site_id IS NULL").fetchone()[0] == 0
        assert load_site().name.startswith("UBND")
        assert len(list_services()) == 7 and len(list_counters()) == 4
        result = verify()
        assert result.ok, result.problems
    finally:
        close()


def test_two_sites_number_call_and_follow_events_apart(db_url, clock):
    from db.connection import close, connect
    from db.events import events_after
    from db.queue import call_next, find_ticket, finish_service, issue_ticket, start_service
    from db.site import list_sites

    def noon() -> float:
        return clock(9, 30)

    close()
    connect(db_url)
    try:
        import_site_as("QK", "Xã Quang Kim")
        import_site_as("BX", "Xã Bản Xèo")
        assert [s["code"] for s in list_sites()] == ["BX", "QK"]
        with pytest.raises(InvalidInput, match="BX, QK"):
            current_site.site_id()

        current_site.choose("QK")
        first = issue_ticket("TP", now=noon())
        second = issue_ticket("TP", now=noon() + 1)
        current_site.choose("BX")
        other = issue_ticket("TP", now=noon() + 2)
        assert (first.number, second.number, other.number) == (1, 2, 1)
        assert first.code == other.code   # same service code and prefix in two sites
        called = call_next(1, now=noon() + 3)
        assert called.id == other.id
        start_service(1, now=noon() + 3)
        finish_service(1, now=noon() + 3)
        assert call_next(1, now=noon() + 4) is None   # QK's tickets are not BX's
        with pytest.raises(NotFound):
            find_ticket(first.id, now=noon() + 5)
        bx_kinds = [(e.kind, e.code) for e in events_after(0) if e.kind in ("issued", "called", "done")]
        assert bx_kinds == [("issued", other.code), ("called", other.code), ("done", other.code)]

        current_site.choose("QK")
        assert call_next(1, now=noon() + 6).id == first.id
        qk_ids = {e.ticket_id for e in events_after(0) if e.ticket_id}
        assert qk_ids == {first.id, second.id}
        with pytest.raises(NotFound, match="BX, QK"):
            current_site.choose("XX")
            current_site.site_id()
    finally:
        current_site.choose(None)
        close()


def test_site_codes_are_checked():
    assert current_site.check_code(" qk-1 ") == "QK-1"
    with pytest.raises(InvalidInput):
        current_site.check_code("Quang Kim")


def test_two_sites_report_and_hall_status_apart(db_url, clock):
    from db.connection import close, connect
    from db.queue import call_next, finish_service, issue_ticket, start_service
    from db.reports import build_report
    from db.status import hall_status
    from db.wait_estimate import estimates

    close()
    connect(db_url)
    try:
        import_site_as("QK", "Xã Quang Kim")
        import_site_as("BX", "Xã Bản Xèo")
        current_site.choose("QK")
        for i in range(3):
            issue_ticket("TP", now=clock(9, 0) + i)
        call_next(1, now=clock(9, 5))
        start_service(1, now=clock(9, 6))
        finish_service(1, now=clock(9, 10))
        current_site.choose("BX")
        issue_ticket("TP", now=clock(9, 1))
        day = "2026-11-25"
        assert build_report(day, day, now=clock(12, 0))["totals"]["issued"] == 1
        waiting = {s.code: s.waiting for s in hall_status(now=clock(9, 20)).services}
        assert waiting["TP"] == 1
        bx_waiting = estimates(now=clock(9, 20))
        assert len(bx_waiting) == 1 and list(bx_waiting.values()) == [None]   # QK's finished call is not BX's
        current_site.choose("QK")
        qk_waiting = estimates(now=clock(9, 20))
        assert len(qk_waiting) == 2 and all(e is not None for e in qk_waiting.values())
        assert not set(qk_waiting) & set(bx_waiting)
        totals = build_report(day, day, now=clock(12, 0))["totals"]
        assert (totals["issued"], totals["served"]) == (3, 1)
        assert {s.code: s.waiting for s in hall_status(now=clock(9, 20)).services}["TP"] == 2
    finally:
        current_site.choose(None)
        close()


def test_a_new_day_at_one_site_closes_only_that_sites_open_tickets(db_url, clock):
    """QK's first ticket of the 26th closes QK's unserved tickets of the 25th, never BX's (BX closes its own)."""
    from db.connection import close, connect
    from db.models import Ticket
    from db.queue import issue_ticket

    close()
    connect(db_url)
    try:
        import_site_as("QK", "Xã Quang Kim")
        import_site_as("BX", "Xã Bản Xèo")
        current_site.choose("QK")
        left_qk = issue_ticket("TP", now=clock(11, 0))
        current_site.choose("BX")
        left_bx = issue_ticket("TP", now=clock(11, 0))
        current_site.choose("QK")
        issue_ticket("TP", now=clock(8, 0, day=26))
        assert Ticket.get_by_id(left_qk.id).status == "cancelled"
        assert Ticket.get_by_id(left_qk.id).cancel_reason == "day_closed"
        assert Ticket.get_by_id(left_bx.id).status == "waiting"      # another site's day: not ours to close
        current_site.choose("BX")
        issue_ticket("TP", now=clock(8, 5, day=26))
        assert Ticket.get_by_id(left_bx.id).status == "cancelled"
    finally:
        current_site.choose(None)
        close()


def test_cli_site_rules(tmp_path, sqlite_url, capsys, monkeypatch):
    import json

    from cli.main import main
    from db.connection import close

    for code, name in (("QK", "Xã Quang Kim"), ("BX", "Xã Bản Xèo")):
        (tmp_path / f"{code}.toml").write_text(site_text(code, name), encoding="utf-8")
    try:
        assert main(["--db", sqlite_url, "init", "--site", str(tmp_path / "QK.toml")]) == 0
        assert main(["--db", sqlite_url, "issue", "TP"]) == 0          # one site: no need to name it
        assert main(["--db", sqlite_url, "init", "--site", str(tmp_path / "BX.toml")]) == 0
        capsys.readouterr()
        assert main(["--db", sqlite_url, "sites"]) == 0
        listed = json.loads(capsys.readouterr().out)
        assert [(s["code"], s["services"], s["counters"]) for s in listed] == [("BX", 7, 4), ("QK", 7, 4)]

        assert main(["--db", sqlite_url, "issue", "TP"]) == 2
        assert "BX, QK" in capsys.readouterr().err
        assert main(["--db", sqlite_url, "--site", "QK", "issue", "TP"]) == 0
        assert json.loads(capsys.readouterr().out)["number"] == 2
        assert main(["--db", sqlite_url, "issue", "TP", "--site", "BX"]) == 0
        assert json.loads(capsys.readouterr().out)["number"] == 1
        monkeypatch.setenv(current_site.ENV, "BX")
        assert main(["--db", sqlite_url, "issue", "TP"]) == 0
        assert json.loads(capsys.readouterr().out)["number"] == 2
        assert main(["--db", sqlite_url, "--site", "XX", "issue", "TP"]) == 2
        assert "BX, QK" in capsys.readouterr().err
    finally:
        close()
