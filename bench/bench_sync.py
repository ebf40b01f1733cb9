"""Sync of one site's full day (2,000 tickets issued, called, served, rated) into a fresh PostgreSQL.

    .venv/bin/python bench/bench_sync.py [TICKETS] [--day PATH]

``--day PATH`` keeps the commune's day in PATH and reuses it when it exists (making it takes
minutes; comparing two builds on the same day file is fairer).

Needs PostgreSQL binaries (like the tests: tests/pg_server.py starts a throwaway cluster).
Baseline of the same run: the same rows (tickets, ratings, events) written raw (as text columns) into PostgreSQL
with psycopg ``executemany`` in one transaction, i.e. the cost of the bytes without any sync logic.
Figures in docs/performance.md ("Sync").
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))

from db import queue, sync
from db.connection import close, connect, make_database
from db.models import Service, Site
from db.ratings import record_press
from db.site import import_site
from db.site_config import load_site_file
from tests.pg_server import PostgresServer
from tests.site_clock import at


def make_day(path: Path, tickets: int) -> None:
    connect(f"sqlite:///{path}")
    import_site(load_site_file(None))
    Site.update(opening_hours='["00:00-23:59"]').execute()
    Service.update(end=99999, daily_limit=None).execute()
    moment = at(7, 30)
    services = ["TP", "KS", "DD"]
    for i in range(tickets):
        queue.issue_ticket(services[i % 3], now=moment + i * 2)
    moment += tickets * 2
    served, idle, i = 0, 0, 0
    while served < tickets and idle < 4:
        counter = 1 + i % 4
        i += 1
        if queue.call_next(counter, now=moment) is None:
            idle += 1
            continue
        idle = 0
        queue.start_service(counter, now=moment + 10)
        queue.finish_service(counter, now=moment + 100)
        record_press(counter, 1 + served % 3, now=moment + 105)
        served += 1
        moment += 3


def baseline(source: Path, url: str) -> float:
    import psycopg

    rows = {}
    with sqlite3.connect(source) as conn:
        for table in ("ticket", "rating", "event"):
            cursor = conn.execute(f"SELECT * FROM {table}")
            rows[table] = ([d[0] for d in cursor.description], cursor.fetchall())
    with psycopg.connect(url) as pg:
        for table, (columns, _) in rows.items():
            pg.execute(f"CREATE TABLE raw_{table} ({', '.join(c + ' text' for c in columns)})")
        pg.commit()
        start = time.perf_counter()
        with pg.cursor() as cur:
            for table, (columns, values) in rows.items():
                marks = ", ".join(["%s"] * len(columns))
                text = [[None if v is None else str(v) for v in row] for row in values]
                cur.executemany(f"INSERT INTO raw_{table} ({', '.join(columns)}) VALUES ({marks})", text)
        pg.commit()
        return time.perf_counter() - start


def main() -> None:
    args = sys.argv[1:]
    day = None
    if "--day" in args:
        at_ = args.index("--day")
        day = Path(args[at_ + 1])
        del args[at_:at_ + 2]
    tickets = int(args[0]) if args else 2000
    source = day or Path(tempfile.mkdtemp()) / "commune.db"
    started = time.perf_counter()
    if source.exists():
        connect(f"sqlite:///{source}")
    else:
        make_day(source, tickets)
    made = time.perf_counter() - started
    server = PostgresServer()
    server.start()
    try:
        url = server.create_database()
        target = sync.Target(make_database(url))
        target.ensure_schema()
        (site_id, code), = sync.source_sites()
        start = time.perf_counter()
        results = sync.sync_site(target, site_id, code)
        took = time.perf_counter() - start
        rows = {k: sum(r.rows.get(k, 0) for r in results) for k in ("events", "tickets", "ratings")}
        again = time.perf_counter()
        sync.sync_site(target, site_id, code)
        idle = time.perf_counter() - again
        close()
        raw = baseline(source, url)
        target.db.close()
    finally:
        server.stop()
        server.cleanup()
    print(f"day made in {made:.1f} s: {tickets} tickets; copied {rows} in {len(results)} batches")
    print(f"sync of the full day:            {took * 1000:8.0f} ms")
    print(f"rerun with nothing new:          {idle * 1000:8.0f} ms")
    print(f"baseline raw executemany, 1 tx:  {raw * 1000:8.0f} ms")


if __name__ == "__main__":
    main()
