"""``onestop verify``: a rating or event changed, deleted or inserted by hand is found and named."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from db import queue
from db.connection import database_proxy, is_postgres
from db.integrity import _pads, last_verification, mac, verify
from db.models import Event, Rating, Seal
from db.ratings import record_press

ROOT = Path(__file__).resolve().parents[2]


def _sql(text: str, *params) -> None:
    """Raw SQL as someone with a database client would type it (not through the programs)."""
    db = database_proxy.obj
    with db.atomic():
        db.execute_sql(text if is_postgres() else text.replace("%s", "?"), params)


def _a_day(clock) -> list[int]:
    """A short morning at counter 1: three citizens served and rated; returns the rating ids."""
    ids = []
    for minute in range(3):
        queue.issue_ticket("TP", now=clock(8, minute))
        queue.call_next(1, now=clock(8, 10 + minute))
        queue.start_service(1, now=clock(8, 10 + minute, 5))
        queue.finish_service(1, now=clock(8, 10 + minute, 40))
        ids.append(record_press(1, 3, now=clock(8, 10 + minute, 45)).id)
    return ids


def _onestop(url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cli.main", "--db", url, *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False)


def test_a_clean_day_verifies_ok(site_db, clock):
    _a_day(clock)
    result = verify()
    assert result.ok and result.problems == []
    assert result.checked["rating"]["sealed"] == 3
    assert result.checked["event"]["sealed"] == Event.select().count()
    run = _onestop(site_db, "verify")
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == {"ok": True, "problems": [], "checked": result.checked}


def test_a_rating_value_changed_by_hand_is_named(site_db, clock):
    _, second, _ = _a_day(clock)
    _sql("UPDATE rating SET value = 1 WHERE id = %s", second)
    result = verify()
    assert not result.ok
    assert result.problems == [f"rating {second}: value changed"]
    run = _onestop(site_db, "verify")
    assert run.returncode == 1
    assert json.loads(run.stdout)["problems"] == [f"rating {second}: value changed"]


def test_deleted_events_are_named_as_a_range(site_db, clock):
    _a_day(clock)
    rated = [e.id for e in Event.select().where(Event.kind == "rated").order_by(Event.id)]
    issued = [e.id for e in Event.select().where(Event.kind == "issued").order_by(Event.id)]
    _sql("DELETE FROM event WHERE id = %s", rated[0])
    _sql("DELETE FROM event WHERE id >= %s AND id <= %s", issued[2], issued[2] + 2)
    problems = verify().problems
    assert f"event {rated[0]} missing (deleted)" in problems
    assert f"event {issued[2]}..{issued[2] + 2} missing (deleted)" in problems
    assert len(problems) == 2


def test_a_rating_inserted_by_hand_is_named(site_db, clock):
    _a_day(clock)
    _sql("INSERT INTO rating (counter_id, value, pressed_at, service_day, source, counted) "
         "VALUES (1, 3, %s, '2026-11-25', 'keypad', %s)", clock(9, 0), True)
    forged = Rating.select().order_by(Rating.id.desc()).first().id
    assert verify().problems == [f"rating {forged}: not sealed (inserted outside the programs)"]


def test_a_seal_edited_to_match_a_changed_row_breaks_the_chain(site_db, clock):
    first, _, _ = _a_day(clock)
    _sql("UPDATE rating SET value = 1 WHERE id = %s", first)
    seal = Seal.get((Seal.chain == "rating") & (Seal.row_id == first))
    _sql("UPDATE seal SET fields = %s WHERE id = %s", seal.fields.replace('"value":3', '"value":1'), seal.id)
    problems = verify().problems
    assert problems == [f"rating {first}: its seal was altered (seal {seal.seq} does not match the chain)"]


def test_deleting_the_newest_rating_and_its_seal_is_found_by_the_chain_head(site_db, clock):
    *_, last = _a_day(clock)
    _sql("DELETE FROM seal WHERE chain = 'rating' AND row_id = %s", last)
    _sql("DELETE FROM rating WHERE id = %s", last)
    problems = verify().problems
    assert len(problems) == 1 and "newest seals were removed" in problems[0]


def test_each_verification_is_kept_for_the_admin_program(site_db, clock):
    first, *_ = _a_day(clock)
    verify(now=clock(12, 0))
    _sql("UPDATE rating SET counted = %s WHERE id = %s", False, first)
    verify(now=clock(12, 5))
    latest = last_verification()
    assert not latest.ok and latest.problems == [f"rating {first}: counted changed"]


def test_the_mac_is_hmac_sha256():
    import hashlib
    import hmac

    key = bytes(range(32))
    inner, outer = _pads(key)
    expected = hmac.new(key, b"rating|1||{}", hashlib.sha256).hexdigest()
    assert mac(inner, outer, "rating", 1, "", "{}") == expected


def _press_worker(url: str, counter: int, count: int) -> list[str]:
    code = (
        "import sys\nfrom db.connection import connect\nfrom db.ratings import record_press\n"
        f"connect({url!r})\n"
        f"for i in range({count}):\n    record_press({counter}, 1 + i % 3, source='cli')\n"
    )
    return [sys.executable, "-c", code]


@pytest.mark.parametrize("writers", [4])
def test_concurrent_writers_never_fork_the_chain(site_db, writers):
    procs = [subprocess.Popen(_press_worker(site_db, 1 + n % 4, 15), cwd=ROOT, stderr=subprocess.PIPE, text=True)
             for n in range(writers)]
    for proc in procs:
        _, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, err
    result = verify()
    assert result.ok, result.problems
    assert result.checked["rating"]["sealed"] == writers * 15
    seqs = [s.seq for s in Seal.select().where(Seal.chain == "rating").order_by(Seal.seq)]
    assert seqs == list(range(1, writers * 15 + 1))
