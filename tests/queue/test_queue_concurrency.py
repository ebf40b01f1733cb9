"""Many kiosks and counters at once, in separate processes, on both engines.

No duplicate number, no ticket called twice, and no "database is locked"
reaching a caller.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from db import statuses
from db.models import Counter, CounterService, Service, Ticket

WORKER = Path(__file__).with_name("concurrency_worker.py")


def run_workers(argument_lists: list[list[str]]) -> list[dict]:
    processes = [
        subprocess.Popen([sys.executable, str(WORKER), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
        for args in argument_lists
    ]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=240)
        assert process.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


@pytest.mark.slow
def test_eight_kiosk_processes_get_distinct_consecutive_numbers(site_db):
    Service.update(end=9999, daily_limit=None).where(Service.code == "TP").execute()
    start_at = time.time() + 6.0  # every process is up and connected before the start
    results = run_workers([["issue", site_db, "TP", "250", str(start_at)] for _ in range(8)])
    numbers = [n for r in results for n in r["ok"]]
    errors = [e for r in results for e in r["errors"]]
    assert errors == []
    assert len(numbers) == 2000
    assert sorted(numbers) == list(range(1, 2001))
    assert Ticket.select().where(Ticket.issued_service == Service.get(Service.code == "TP").id).count() == 2000


def _six_counters_on_an_unlimited_tp() -> None:
    """TP without a daily limit, served by six counters (5 and 6 added, 3 and 4 as a second choice)."""
    tp = Service.get(Service.code == "TP")
    tp.end, tp.daily_limit = 9999, None
    tp.save()
    for number in (5, 6):
        counter = Counter.create(number=number, name=f"Quầy {number}")
        CounterService.create(counter=counter, service=tp, position=0)
    for number in (3, 4):
        CounterService.create(counter=Counter.get(Counter.number == number), service=tp, position=9)


@pytest.mark.slow
def test_six_counter_processes_drain_1000_tickets_each_called_once(site_db):
    from db import queue

    _six_counters_on_an_unlimited_tp()
    issued = {queue.issue_ticket("TP").id for _ in range(1000)}
    start_at = time.time() + 6.0  # every process is up and connected before the start
    results = run_workers([["call", site_db, str(n), str(start_at)] for n in range(1, 7)])
    called = [t for r in results for t in r["ok"]]
    errors = [e for r in results for e in r["errors"]]
    assert errors == []
    assert len(called) == len(set(called)) == 1000
    assert set(called) == issued
    assert Ticket.select().where(Ticket.status == statuses.DONE).count() == 1000
    # they really ran at once (on a loaded machine a late starter may find the queue drained)
    assert sum(1 for r in results if r["ok"]) >= 3


@pytest.mark.slow
def test_a_follower_beside_14_writer_processes_sees_every_event_once_in_id_order(site_db):
    """What a hall display does under load: 8 kiosks and 6 counters write at once, in other
    processes, while a follower reads; at the end it has seen exactly the ids in the log."""
    import threading

    from db.events import events_after
    from db.feed import EventFollower

    _six_counters_on_an_unlimited_tp()
    follower = EventFollower()
    start = follower.position
    delivered: list[int] = []
    stop = threading.Event()
    failures: list[BaseException] = []

    def follow() -> None:
        try:
            while not stop.is_set():
                delivered.extend(e.id for e in follower.wait(0.5))
        except BaseException as exc:  # reported below: the test must not hang on a dead thread
            failures.append(exc)

    thread = threading.Thread(target=follow)
    thread.start()
    start_at = time.time() + 6.0
    results = run_workers([["issue", site_db, "TP", "60", str(start_at)] for _ in range(8)]
                          + [["call", site_db, str(n), str(start_at), "12"] for n in range(1, 7)])
    stop.set()
    follower.interrupt()
    thread.join(timeout=30)
    assert failures == []
    while batch := follower.poll():  # whatever committed after the last wake-up
        delivered.extend(e.id for e in batch)
    follower.close()
    assert [e for r in results for e in r["errors"]] == []
    logged = [e.id for e in events_after(start, limit=100_000)]
    assert sum(len(r["ok"]) for r in results[:8]) == 480
    assert len(logged) >= 480
    assert delivered == logged                      # every id, none twice, in id order
