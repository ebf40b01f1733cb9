"""Server time on PostgreSQL: a counter PC whose clock is ten minutes fast (real processes under faketime).

The PC's clock is shifted with ``faketime`` (scripts/setup.sh installs it);
the database server and this test keep the true time.  SQLite has one PC and
stays on its clock, so these tests run on PostgreSQL only.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from db import queue, statuses
from db.models import Ticket

ROOT = Path(__file__).resolve().parents[2]
TZ = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def pg_hall(pg_server, tmp_path):
    """A PostgreSQL hall open all day, every day (the test may run at any hour)."""
    from site_setup import connect_with_site

    text = (ROOT / "examples" / "commune.toml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^opening_hours = .*$", 'opening_hours = ["00:00-23:59"]', text, count=1)
    text = re.sub(r"(?m)^days = .*$", 'days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]', text, count=1)
    site = tmp_path / "allday.toml"
    site.write_text(text, encoding="utf-8")
    return connect_with_site(pg_server.create_database(), str(site))


def _pc(url: str, shift: str, *args: str) -> subprocess.CompletedProcess:
    """``onestop ARGS`` on a PC whose clock is off by ``shift`` (a faketime offset such as ``+10m``)."""
    env = dict(os.environ, FAKETIME_DONT_FAKE_MONOTONIC="1")
    return subprocess.run(["faketime", "-f", shift, sys.executable, "-m", "cli.main", "--debug", "--db", url, *args],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def _ok(done: subprocess.CompletedProcess) -> dict | None:
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_shift_reaches_the_program(pg_hall):
    out = subprocess.run(["faketime", "-f", "+10m", sys.executable, "-c", "import time; print(time.time())"],
                         capture_output=True, text=True, check=True).stdout
    assert float(out) - time.time() > 590  # else the tests below would prove nothing


def test_a_fast_counter_pc_stores_server_times_and_calls_in_issue_order(pg_hall):
    first = _ok(_pc(pg_hall, "+10m", "issue", "TP"))
    second = queue.issue_ticket("TP")  # a second later on a PC with the right time
    fast = _pc(pg_hall, "+10m", "call", "--counter", "1")
    called = _ok(fast)
    assert called["code"] == first["code"] != second.code
    assert re.search(r"clock is \+(599|600|601) s off the database server's", fast.stderr), fast.stderr
    time.sleep(0.01)
    _ok(_pc(pg_hall, "+10m", "done", "--counter", "1"))
    row = Ticket.get(Ticket.code == first["code"])
    now = time.time()
    for moment in (row.issued_at, row.queue_at, row.called_at, row.started_at, row.finished_at):
        assert abs(moment - now) < 60  # the server's time, not ten minutes ahead
    assert 0 <= row.called_at - row.issued_at < 60
    assert 0 <= row.finished_at - row.called_at < 60


def test_the_days_report_from_a_fast_pc_has_no_negative_or_inflated_times(pg_hall):
    for _ in range(2):
        _ok(_pc(pg_hall, "+10m", "issue", "TP"))
        queue.issue_ticket("KS")
    for _ in range(4):
        _ok(_pc(pg_hall, "+10m", "call", "--counter", "1"))
        _ok(_pc(pg_hall, "+10m", "done", "--counter", "1"))
    day = datetime.now(TZ).date().isoformat()
    report = _ok(_pc(pg_hall, "+10m", "report", "--from", day, "--to", day, "--format", "json"))
    times = []

    def walk(node, key=""):
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, key if k in ("mean", "median", "p90", "max") else k)
        elif isinstance(node, list):
            for v in node:
                walk(v, key)
        elif isinstance(node, (int, float)) and not isinstance(node, bool) and key in ("wait_s", "service_s"):
            times.append((key, node))

    walk(report)
    assert times, json.dumps(report)[:1500]
    assert {key for key, _ in times} >= {"wait_s", "service_s"}
    assert all(0 <= value < 120 for _, value in times), times


def test_a_pc_past_midnight_never_closes_the_servers_day(pg_hall):
    serving = queue.issue_ticket("TP")
    waiting = queue.issue_ticket("TP")
    queue.call_next(1)
    assert Ticket.get_by_id(serving.id).status == statuses.CALLED
    now = datetime.now(TZ)
    midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), TZ)
    ahead_s = int((midnight - now).total_seconds()) + 600  # the PC is ten minutes into tomorrow
    shift = f"+{ahead_s}s"
    called = _ok(_pc(pg_hall, shift, "call", "--counter", "2"))
    assert called["code"] == waiting.code
    assert Ticket.get_by_id(serving.id).status == statuses.CALLED  # not cancelled/day_closed
    assert Ticket.select().where(Ticket.cancel_reason == "day_closed").count() == 0
    issued = _ok(_pc(pg_hall, shift, "issue", "KS"))
    assert Ticket.get(Ticket.code == issued["code"]).service_day == now.date().isoformat()  # the server's day
    done = _ok(_pc(pg_hall, "+0s", "done", "--counter", "1"))
    assert done["code"] == serving.code


def test_a_ticket_from_a_pc_a_day_behind_belongs_to_the_servers_day_and_stays_open(pg_hall):
    issued = _ok(_pc(pg_hall, "-1d", "issue", "TP"))
    row = Ticket.get(Ticket.code == issued["code"])
    assert row.service_day == datetime.now(TZ).date().isoformat()
    queue.issue_ticket("KS")  # the next normal operation (it runs the day check)
    called = queue.call_next(1)
    assert called.code == issued["code"]
    assert Ticket.select().where(Ticket.cancel_reason == "day_closed").count() == 0
