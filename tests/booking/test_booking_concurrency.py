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


def run_workers(argument_lists: list[list[str]], gate: Path) -> tuple[list[dict], float]:
    """Run the workers, open ``gate`` once every one is connected; (their results, the moment it opened)."""
    processes = [subprocess.Popen([sys.executable, str(WORKER), *args], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for args in argument_lists]
    deadline = time.monotonic() + 300
    while len(list(gate.glob("ready-*"))) < len(processes):
        assert time.monotonic() < deadline, "the workers did not all connect within 300 s"
        assert all(p.poll() is None for p in processes), "a worker exited before the start"
        time.sleep(0.05)
    opened = time.time()
    (gate / "go").touch()
    results = []
    for process in processes:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results, opened


@pytest.mark.slow
def test_fifty_processes_booking_ten_slots_fill_exactly_the_capacity(booking_db, clock, tmp_path):
    slots = [f"2026-11-26T{h:02d}:{m:02d}" for h in (9, 10) for m in (0, 15, 30, 45)] + ["2026-11-26T11:00",
                                                                                         "2026-11-26T11:15"]
    results, start_at = run_workers([["book", booking_db, str(tmp_path), str(clock(8, 0)), str(n), *slots]
                                     for n in range(50)], tmp_path)
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
    # they really ran at once: (nearly) all left the gate within a second of its opening
    assert sum(1 for r in results if r["started"] - start_at < 1.0) >= 40


@pytest.mark.slow
def test_two_processes_checking_one_booking_in_get_one_ticket(booking_db, clock, tmp_path):
    made = bookings.book("TP", "2026-11-25T09:00", "Lê Văn Cường", "0912345678", now=clock(8, 0))
    results, _ = run_workers([["checkin", booking_db, str(tmp_path), str(clock(8, 50)), made.code, "20"]
                              for _ in range(2)], tmp_path)
    assert [e for r in results for e in r["errors"]] == []
    ids = {t for r in results for t in r["ok"]}
    assert len(ids) == 1 and Ticket.select().count() == 1
    assert Booking.get().ticket_id == ids.pop()
