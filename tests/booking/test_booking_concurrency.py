"""Many processes booking and checking in at once, on both engines.

50 processes book the same 10 slots (2 places each): exactly 20 bookings,
no slot over capacity, and no error other than "full" (exit 3).  Two
processes checking one booking in many times get one ticket.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter as Tally
from pathlib import Path

import pytest

from db import bookings
from db.models import Booking, BookingSlot, Ticket

WORKER = Path(__file__).with_name("booking_worker.py")


def run_workers(argument_lists: list[list[str]]) -> list[dict]:
    processes = [subprocess.Popen([sys.executable, str(WORKER), *args], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for args in argument_lists]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


@pytest.mark.slow
def test_fifty_processes_booking_ten_slots_fill_exactly_the_capacity(booking_db, clock):
    slots = [f"2026-11-26T{h:02d}:{m:02d}" for h in (9, 10) for m in (0, 15, 30, 45)] + ["2026-11-26T11:00",
                                                                                         "2026-11-26T11:15"]
    start_at = time.time() + 20.0          # every process is up and connected before the start
    results = run_workers([["book", booking_db, str(start_at), str(clock(8, 0)), str(n), *slots] for n in range(50)])
    errors = [e for r in results for e in r["errors"]]
    booked = [slot for r in results for slot, _ in r["ok"]]
    refused = [reason for r in results for reason in r["refused"]]
    assert errors == []
    assert len(booked) == 20 and Tally(booked) == {slot: 2 for slot in slots}
    assert Tally(refused) == {"full": 480}
    assert Booking.select().count() == 20
    assert sorted(s.booked for s in BookingSlot.select()) == [2] * 10
    assert all(s.places_left == 0 for s in bookings.open_slots("TP", "2026-11-26", now=clock(8, 0))
               if s.start.strftime("%Y-%m-%dT%H:%M") in slots)
    # they really ran at once: (nearly) all were connected and waiting when the start came
    assert sum(1 for r in results if r["started"] - start_at < 1.0) >= 40


@pytest.mark.slow
def test_two_processes_checking_one_booking_in_get_one_ticket(booking_db, clock):
    made = bookings.book("TP", "2026-11-25T09:00", "Lê Văn Cường", "0912345678", now=clock(8, 0))
    start_at = time.time() + 8.0
    results = run_workers([["checkin", booking_db, str(start_at), str(clock(8, 50)), made.code, "20"]
                           for _ in range(2)])
    assert [e for r in results for e in r["errors"]] == []
    ids = {t for r in results for t in r["ok"]}
    assert len(ids) == 1 and Ticket.select().count() == 1
    assert Booking.get().ticket_id == ids.pop()
