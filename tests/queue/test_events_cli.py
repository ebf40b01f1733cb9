"""``onestop events``: the event log as JSON lines; ``--follow`` until SIGINT/SIGTERM, exit 0."""

from __future__ import annotations

import json
import queue as queues
import signal
import subprocess
import sys
import threading

import pytest

from db import queue
from db.events import events_after, last_event_id

KEYS = {"id", "at", "kind", "code", "service", "counter", "site"}


def onestop(url: str, *args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "cli.main", "--db", url, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kwargs)


def test_events_prints_the_log_oldest_first_as_json_lines(site_db):
    issued = queue.issue_ticket("TP")
    queue.call_next(1)
    process = onestop(site_db, "events")
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    lines = [json.loads(line) for line in out.splitlines()]
    assert [e["id"] for e in lines] == [e.id for e in events_after(0, limit=10_000)]
    assert all(KEYS <= set(e) for e in lines)
    called = lines[-1]
    assert (called["kind"], called["code"], called["service"], called["counter"]) == ("called", issued.code, "TP", 1)
    assert called["site"] is None
    assert called["at"].endswith("+07:00")

    after = onestop(site_db, "events", "--after", str(lines[-2]["id"]))
    out, _ = after.communicate(timeout=60)
    assert [json.loads(line)["id"] for line in out.splitlines()] == [called["id"]]


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_events_follow_prints_each_new_event_once_and_exits_0_on_a_signal(site_db, stop_signal):
    start = last_event_id()
    process = onestop(site_db, "events", "--follow", "--after", str(start))
    lines: queues.Queue = queues.Queue()
    reader = threading.Thread(target=lambda: [lines.put(json.loads(line)) for line in process.stdout], daemon=True)
    reader.start()
    try:
        first = queue.issue_ticket("TP")
        assert lines.get(timeout=30)["code"] == first.code
        second = queue.issue_ticket("TP")
        called = queue.call_next(1)
        got = [lines.get(timeout=30) for _ in range(2)]
        assert [(e["kind"], e["code"]) for e in got] == [("issued", second.code), ("called", called.code)]
    finally:
        process.send_signal(stop_signal)
        returncode = process.wait(timeout=30)
    reader.join(timeout=10)
    assert returncode == 0, process.stderr.read()
    assert lines.empty()  # nothing delivered twice
