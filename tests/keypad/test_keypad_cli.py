"""``onestop rate`` and ``onestop keypad`` as separate processes, as site IT staff run them."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from keypad_helpers import wait_for

from hardware.keypad.framed import encode_frame

ROOT = Path(__file__).resolve().parents[2]


def onestop(*args: str) -> list[str]:
    return [sys.executable, "-c", "import sys; from cli.main import main; sys.exit(main())", *args]


def run(*args: str, db: str) -> subprocess.CompletedProcess:
    return subprocess.run(onestop(*args, "--db", db), cwd=ROOT, capture_output=True, text=True, timeout=60)


def test_rate_prints_the_rating_object(sqlite_site_db):
    from db import queue

    queue.issue_ticket("TP")
    ticket = queue.call_next(1)
    done = run("rate", "--counter", "1", "--value", "3", db=sqlite_site_db)
    assert done.returncode == 0, done.stderr
    rating = json.loads(done.stdout)
    assert rating["counter"] == 1 and rating["value"] == 3 and rating["ticket"] == ticket.code
    assert rating["ticket_id"] == ticket.id and rating["attached"] and rating["counted"]
    assert rating["source"] == "cli" and rating["label"] == "Rất hài lòng"
    assert rating["pressed_at"].endswith("+07:00")
    again = json.loads(run("rate", "--counter", "1", "--value", "3", db=sqlite_site_db).stdout)
    assert again["counted"] is False                   # debounced exactly like a keypad press


@pytest.mark.parametrize("args", [("--counter", "1", "--value", "7"), ("--counter", "42", "--value", "3")])
def test_rate_refuses_a_bad_value_or_counter_with_exit_2(sqlite_site_db, args):
    from db.models import Rating

    done = run("rate", *args, db=sqlite_site_db)
    assert done.returncode == 2 and done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1
    assert Rating.select().count() == 0


def start_keypad(db: str, log_path: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(onestop("keypad", *args, "--db", db), cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=log_path.open("w"), text=True)


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_keypad_ascii_records_presses_and_exits_0_on_signal(sqlite_site_db, keypad, tmp_path, stop_signal):
    from db.models import Rating

    log = tmp_path / "keypad.log"
    proc = start_keypad(sqlite_site_db, log, "--port", keypad.path, "--protocol", "ascii", "--counter", "2")
    try:
        wait_for(lambda: "connected" in log.read_text(), timeout=30)
        keypad.send(b"3\r\n")
        wait_for(lambda: Rating.select().count() == 1, timeout=15)
        proc.send_signal(stop_signal)
        assert proc.wait(15) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    row = Rating.get()
    assert (row.counter.number, row.value, row.source) == (2, 3, "keypad")
    text = log.read_text()
    assert "counter 2 rated 3" in text and "stopped" in text
    assert proc.stdout.read() == ""


def test_keypad_framed_reads_the_whole_bus_and_survives_unplugging(sqlite_site_db, keypad, tmp_path):
    from db.models import Rating

    log = tmp_path / "keypad.log"
    proc = start_keypad(sqlite_site_db, log, "--port", keypad.path, "--protocol", "framed")
    try:
        wait_for(lambda: "connected" in log.read_text(), timeout=30)
        keypad.send(b"\xff\x01" + encode_frame(1, 3) + encode_frame(4, 1) + encode_frame(200, 2))
        wait_for(lambda: Rating.select().count() == 2, timeout=15)
        keypad.unplug()
        wait_for(lambda: "waiting_for_device" in log.read_text(), timeout=15)
        keypad.plug()
        wait_for(lambda: log.read_text().count(": connected") == 2, timeout=15)
        keypad.send(encode_frame(3, 2))
        wait_for(lambda: Rating.select().count() == 3, timeout=15)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(15) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    assert [(r.counter.number, r.value) for r in Rating.select().order_by(Rating.id)] == [(1, 3), (4, 1), (3, 2)]
    text = log.read_text()
    assert "unknown_address=1" in text and "reconnects=1" in text


@pytest.mark.parametrize("args", [("--protocol", "ascii"), ("--protocol", "framed", "--counter", "1"),
                                  ("--protocol", "ascii", "--counter", "42")])
def test_keypad_refuses_a_wrong_counter_setup_with_exit_2(sqlite_site_db, keypad, args):
    done = subprocess.run(onestop("keypad", "--port", keypad.path, *args, "--db", sqlite_site_db), cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip()


def test_keypad_waits_for_a_port_that_is_not_there_and_still_stops_cleanly(sqlite_site_db, tmp_path):
    log = tmp_path / "keypad.log"
    proc = start_keypad(sqlite_site_db, log, "--port", str(tmp_path / "ttyUSB9"), "--counter", "1")
    try:
        wait_for(lambda: "waiting_for_device" in log.read_text(), timeout=30)
        time.sleep(0.5)
        os.kill(proc.pid, signal.SIGTERM)
        assert proc.wait(15) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
