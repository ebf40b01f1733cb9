"""The ``onestop`` command line: JSON on stdout, exit codes of docs/interfaces.md §3."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ONESTOP = [sys.executable, "-m", "cli.main"]
ROOT = Path(__file__).parents[2]


def run(url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "ONESTOP_DB": url}
    return subprocess.run([*ONESTOP, *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=60)


@pytest.fixture
def cli_db(db_url):
    assert run(db_url, "init").returncode == 0
    return db_url


def test_init_then_issue_prints_one_ticket_object(cli_db):
    result = run(cli_db, "issue", "TP")
    assert result.returncode == 0, result.stderr
    ticket = json.loads(result.stdout)
    assert set(ticket) >= {"id", "code", "number", "service", "status", "priority", "issued_at", "called_at",
                           "counter", "ahead", "estimated_wait_s"}
    assert ticket["code"] == "A001" and ticket["status"] == "waiting" and ticket["priority"] is False
    assert ticket["issued_at"].endswith("+07:00")
    assert result.stdout.count("\n") == 1


def test_call_and_serving_commands(cli_db):
    run(cli_db, "issue", "TP", "--priority")
    called = json.loads(run(cli_db, "call", "--counter", "1", "--officer", "lan").stdout)
    assert called["status"] == "called" and called["counter"] == 1 and called["priority"] is True
    assert json.loads(run(cli_db, "recall", "--counter", "1").stdout)["status"] == "called"
    assert json.loads(run(cli_db, "start", "--counter", "1").stdout)["status"] == "serving"
    assert json.loads(run(cli_db, "done", "--counter", "1").stdout)["status"] == "done"
    status = json.loads(run(cli_db, "status").stdout)
    assert status["waiting"]["TP"] == 0 and status["counters"][0]["current"] is None


def test_empty_queue_prints_null_and_exits_0(cli_db):
    result = run(cli_db, "call", "--counter", "1")
    assert result.returncode == 0 and json.loads(result.stdout) is None


def test_refusals_exit_3_with_one_line_on_stderr(cli_db):
    result = run(cli_db, "done", "--counter", "1")
    assert result.returncode == 3
    assert result.stdout == "" and len(result.stderr.strip().splitlines()) == 1


def test_bad_input_exits_2(cli_db):
    assert run(cli_db, "issue", "NOPE").returncode == 2
    assert run(cli_db, "call", "--counter", "99").returncode == 2
    assert run(cli_db, "call").returncode == 2  # argparse: missing --counter


def test_transfer_and_no_show(cli_db):
    run(cli_db, "issue", "TP")
    run(cli_db, "issue", "TP")
    run(cli_db, "call", "--counter", "1")
    moved = json.loads(run(cli_db, "transfer", "--counter", "1", "--to-service", "DD").stdout)
    assert moved["status"] == "waiting" and moved["service"] == "DD" and moved["code"] == "A001"
    run(cli_db, "call", "--counter", "1")
    assert json.loads(run(cli_db, "no-show", "--counter", "1").stdout)["status"] == "no_show"
    assert json.loads(run(cli_db, "call", "--counter", "3").stdout)["code"] == "A001"


def test_db_option_wins_over_environment(tmp_path):
    target = f"sqlite:///{(tmp_path / 'other.db').as_posix()}"
    decoy = f"sqlite:///{(tmp_path / 'decoy.db').as_posix()}"
    assert run(decoy, "--db", target, "init").returncode == 0
    assert (tmp_path / "other.db").exists() and not (tmp_path / "decoy.db").exists()
    result = run(decoy, "issue", "TP", "--db", target)
    assert result.returncode == 0 and json.loads(result.stdout)["code"] == "A001"
