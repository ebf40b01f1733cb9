"""Call-order cost: issue, people-ahead, the next-up list, hall status and call-next with N waiting (SQLite).

    .venv/bin/python bench/bench_call_order.py [WAITING]

Prints median milliseconds and a raw SQLite write transaction as the baseline of the same run.
Run it from two checkouts in the same session to compare (docs/performance.md, "Call order").
"""

from __future__ import annotations

import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable

from db import queue
from db.connection import connect
from db.models import Service
from db.site import import_site
from db.site_config import load_site_file
from db.status import hall_status, waiting_tickets


def timed(action: Callable[[], object], times: int) -> float:
    samples = []
    for _ in range(times):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def main() -> None:
    waiting = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    connect(f"sqlite:///{tempfile.mkdtemp()}/bench.db")
    import_site(load_site_file(None))
    Service.update(end=99999, daily_limit=None).execute()
    issue = timed(lambda: queue.issue_ticket("TP"), waiting)
    ahead = timed(lambda: queue.find_ticket(waiting // 2 + 1), 200)
    next_up = timed(lambda: waiting_tickets(1, limit=8), 200)
    hall = timed(hall_status, 100)

    def call() -> None:
        queue.call_next(1)
        queue.finish_service(1)

    calls = timed(call, max(1, min(100, waiting // 2)))
    raw = sqlite3.connect(f"{tempfile.mkdtemp()}/raw.db", isolation_level=None)
    raw.execute("PRAGMA journal_mode=wal")
    raw.execute("CREATE TABLE t (x)")

    def raw_tx() -> None:
        raw.execute("BEGIN IMMEDIATE")
        raw.execute("INSERT INTO t VALUES (1)")
        raw.execute("COMMIT")

    base = timed(raw_tx, 500)
    print(f"waiting={waiting} issue={issue:.2f} ahead={ahead:.2f} next_up={next_up:.2f} hall_status={hall:.2f} "
          f"call+done={calls:.2f} raw_tx={base:.3f} ms")


if __name__ == "__main__":
    main()
