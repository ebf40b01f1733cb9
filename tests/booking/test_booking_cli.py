"""``onestop book | bookings | book-cancel | checkin | slots``: JSON on stdout, exit codes 0/2/3.

The site is open around the clock so that the real clock always has slots.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from booking_site import AROUND_THE_CLOCK, write_site

ROOT = Path(__file__).parents[2]
TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def run(url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "ONESTOP_DB": url}
    return subprocess.run([sys.executable, "-m", "cli.main", *args], capture_output=True, text=True, cwd=ROOT,
                          env=env, timeout=60)


@pytest.fixture
def cli_db(db_url, tmp_path):
    site = write_site(tmp_path, AROUND_THE_CLOCK)
    result = run(db_url, "init", "--site", str(site))
    assert result.returncode == 0, result.stderr
    return db_url


def slot(delta_min: int = 0) -> str:
    """The start of the 15-minute slot holding now + delta_min, site-local."""
    moment = datetime.now(TZ) + timedelta(minutes=delta_min)
    return moment.replace(minute=moment.minute // 15 * 15, second=0, microsecond=0).strftime("%Y-%m-%dT%H:%M")


def book(url: str, at_text: str, phone: str = "0912345678") -> subprocess.CompletedProcess:
    return run(url, "book", "TP", "--at", at_text, "--name", "Bùi Thị Lan", "--phone", phone)


def test_book_list_cancel_and_checkin_print_one_json_document_each(cli_db):
    tomorrow = slot(24 * 60)
    made = book(cli_db, tomorrow)
    assert made.returncode == 0, made.stderr
    booking = json.loads(made.stdout)
    assert {"code", "service", "slot_start", "status", "manage_url"} <= set(booking)
    assert booking["status"] == "booked" and booking["slot_start"].startswith(tomorrow)
    assert made.stdout.count("\n") == 1
    listed = run(cli_db, "bookings", "--day", tomorrow[:10])
    assert [b["code"] for b in json.loads(listed.stdout)] == [booking["code"]]
    slots = json.loads(run(cli_db, "slots", "TP", "--day", tomorrow[:10]).stdout)
    assert {s["start"][:16]: s["places_left"] for s in slots}[tomorrow] == 1
    cancelled = run(cli_db, "book-cancel", booking["code"])
    assert cancelled.returncode == 0 and json.loads(cancelled.stdout)["status"] == "cancelled"

    running = slot(0)
    now_slot = book(cli_db, running, "0987654321")            # the slot running now: check in at once
    code = json.loads(now_slot.stdout)["code"]
    first = run(cli_db, "checkin", code)
    assert first.returncode == 0, first.stderr
    ticket = json.loads(first.stdout)
    assert ticket["appointment"] is True and ticket["slot_start"].startswith(running) and ticket["code"] == "A001"
    again = json.loads(run(cli_db, "checkin", code.lower()).stdout)
    assert again["id"] == ticket["id"]


@pytest.mark.parametrize("args, code, words", [
    (("book", "TP", "--at", "tomorrow 9", "--name", "A", "--phone", "0912345678"), 2, "Invalid time"),
    (("book", "TP", "--at", "2030-01-01T09:00", "--name", "A", "--phone", "12345"), 2, "Invalid phone"),
    (("book", "TP", "--at", "2020-01-01T09:00", "--name", "A", "--phone", "0912345678"), 3, "has passed"),
    (("book", "TP", "--at", "2099-01-01T09:00", "--name", "A", "--phone", "0912345678"), 3, "days ahead"),
    (("book", "DD", "--at", "2099-01-01T09:00", "--name", "A", "--phone", "0912345678"), 3, "takes no bookings"),
    (("checkin", "ZZZZZZ"), 2, "No booking"),
    (("book-cancel", "ZZZZZZ"), 2, "No booking"),
])
def test_refusals_print_one_line_on_stderr_and_exit_2_or_3(cli_db, args, code, words):
    result = run(cli_db, *args)
    assert result.returncode == code, result.stderr
    assert result.stdout == "" and words in result.stderr and result.stderr.count("\n") == 1


def test_a_full_slot_and_a_late_check_in_exit_3(cli_db):
    later = slot(120)
    assert book(cli_db, later, "0912000001").returncode == 0
    assert book(cli_db, later, "0912000002").returncode == 0
    full = book(cli_db, later, "0912000003")
    assert full.returncode == 3 and "is full" in full.stderr
    early = run(cli_db, "checkin", json.loads(book(cli_db, slot(180), "0912000004").stdout)["code"])
    assert early.returncode == 3 and "Too early" in early.stderr
