"""Benchmark: a simulated province (120 sites x 30 days x 2,000 tickets = 7.2 M tickets) in one PostgreSQL.

    .venv/bin/python bench/bench_province.py [--sites 120] [--days 30] [--per-day 2000] [--cycles 200]
                                             [--report-runs 1] [--v10-baseline] [--keep DIR] [--no-reports]

Starts a throwaway PostgreSQL cluster (``tests/pg_server.py``, like the tests), creates
two databases in it and fills them through the product (schema, ``import_site`` per site)
plus one ``INSERT ... SELECT FROM generate_series`` per day for the history:

* ``province``: ``--sites`` sites, each with ``--days`` days of ``--per-day`` tickets (85 %
  served, no-shows, cancellations, transfers, 5 % priority), ratings for 40 % of the served
  ones and one event per ticket; today (25/11/2026, the last day) ends with 20 tickets
  waiting per site, 100 at every tenth site (those wait longer than their target);
* ``single``: one site with the same history (60,000 tickets): the baseline.

Rows are made inside the server (no Python per row) with the indexes and triggers off,
then the indexes are rebuilt and ``VACUUM ANALYZE`` runs (autovacuum would do it in a
real province).  Then it measures, on both databases in the same run:

* ``db.province.province_view`` at 17:05 of today: target < 300 ms;
* ``db.reports.build_all_sites_report`` over the 30 days, and over the calendar month so far
  (1-25/11, the province's monthly report of the current month): target < 3 s;
* queue operations (issue + call next + start + finish) at one site: target within 1.2x of
  the single-site database (blocks alternate between the two, so machine load hits both);
* ``--v10-baseline``: the view's statements before schema step 11 on the indexes before it
  (swapped in for the measurement, then back).

Each figure is printed as soon as it is measured.

``--no-reports`` stops after the view and the queue cycles (the all-sites month report of a
whole province takes minutes today: docs/performance.md).
``--keep DIR`` keeps the cluster in DIR and reuses the databases built there with the same
sizes (the 7.2 M-ticket build takes 10-15 minutes on a shared 2-core machine).
Exit code 1 when a target is missed.  Figures in docs/performance.md ("Province").
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = date(2026, 11, 25)
VIEW_TARGET_S = 0.300
REPORT_TARGET_S = 3.0
QUEUE_TARGET_RATIO = 1.2
WAITING, WAITING_LATE = 20, 100   # waiting tickets left today per site, and at every tenth site


def local_epoch(day: date, hour: int = 0, minute: int = 0) -> float:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ).timestamp()


def _sql(text: str, params: tuple = ()) -> list[tuple]:
    from db.connection import database_proxy

    cursor = database_proxy.obj.cursor()   # the driver's own: without params a '%' is the modulo operator
    cursor.execute(text, params or None)
    return list(cursor.fetchall()) if cursor.description else []


def _indexes(tables: tuple[str, ...]) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the secondary indexes of ``tables`` (not primary keys)."""
    return _sql("""SELECT i.indexname, i.indexdef FROM pg_indexes i
                   JOIN pg_class c ON c.relname = i.indexname JOIN pg_index x ON x.indexrelid = c.oid
                   WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s) AND NOT x.indisprimary""",
                (list(tables),))


def build(url: str, sites: int, days: int, per_day: int) -> None:
    """Schema and sites through the product, then the history generated inside PostgreSQL."""
    from db.connection import close, connect, database_proxy
    from tests.multisite import import_site_as

    connect(url)
    started = time.perf_counter()
    for i in range(sites):
        import_site_as(f"S{i + 1:03d}" if sites > 1 else "QK", f"Xã Phúc Lộc {i + 1}" if sites > 1 else "Xã Quang Kim")
    imported = time.perf_counter()
    db = database_proxy.obj
    day_list = [TODAY - timedelta(days=days - 1 - d) for d in range(days)]
    sequence = _sql("SELECT pg_get_serial_sequence('event', 'id')")[0][0] or "event_id_seq"
    with db.atomic():
        _sql("CREATE TEMP TABLE b_site AS SELECT (ROW_NUMBER() OVER (ORDER BY id) - 1)::int AS idx, id FROM site")
        _sql("""CREATE TEMP TABLE b_service AS
                SELECT st.idx AS site_idx, (ROW_NUMBER() OVER (PARTITION BY s.site_id ORDER BY s.sort_order, s.id)
                       - 1)::int AS idx, s.id, s.prefix, s.code
                FROM service s JOIN b_site st ON st.id = s.site_id""")
        _sql("""CREATE TEMP TABLE b_counter AS
                SELECT st.idx AS site_idx, (ROW_NUMBER() OVER (PARTITION BY c.site_id ORDER BY c.number) - 1)::int
                       AS idx, c.id, c.number, o.id AS officer_id
                FROM counter c JOIN b_site st ON st.id = c.site_id
                LEFT JOIN (SELECT id, site_id, (ROW_NUMBER() OVER (PARTITION BY site_id ORDER BY id) - 1)::int AS rn
                           FROM officer WHERE role = 'officer') o
                       ON o.site_id = c.site_id AND o.rn = (c.number - 1) % 3""")
        # Three counters of every site have an officer signed in (the "counters open" of the view).
        _sql("UPDATE counter c SET officer_id = b.officer_id FROM b_counter b WHERE b.id = c.id AND b.number <= 3")
        nsvc = _sql("SELECT MIN(n) FROM (SELECT COUNT(*) AS n FROM b_service GROUP BY site_idx) x")[0][0]
        nctr = _sql("SELECT MIN(n) FROM (SELECT COUNT(*) AS n FROM b_counter GROUP BY site_idx) x")[0][0]
        dropped = _indexes(("ticket", "rating", "event"))
        for name, _ in dropped:
            _sql(f'DROP INDEX "{name}"')
    print(f"  {sites} sites imported in {imported - started:.0f} s; generating {sites * days * per_day:,} tickets",
          flush=True)
    step = sites * per_day
    for d, day in enumerate(day_list):
        midnight = local_epoch(day)
        last = d == days - 1
        with db.atomic():
            _sql("SET LOCAL session_replication_role = replica")   # no FK checks, no triggers while loading
            # Row i of the day: ticket k = i / sites of site i % sites (time order, sites interleaved).
            _sql(f"""
                INSERT INTO ticket (service_day, issued_service_id, service_id, number, code, priority, status,
                                    queue_at, issued_at, issued_hour, called_at, last_called_at, started_at,
                                    finished_at, counter_id, officer_id, transfers, recalls, cancel_reason, kiosk)
                WITH hashed AS (
                    -- hashint8: a real hash of the row number (a multiplicative one repeats with the site's period).
                    SELECT i, hashint8(i + {d * step})::bigint & 4294967295 AS ha,
                           hashint8(i + {d * step} + 1000000000000)::bigint & 4294967295 AS hb
                    FROM generate_series(0::bigint, {step - 1}) AS i
                ),
                base AS (
                    SELECT i % {sites} AS site_idx, i / {sites} AS k, ha AS h1, (ha >> 8) % 100 AS h2,
                           hb % 2700 AS h3, (hb >> 12) % 1080 AS h4, (ha >> 16) + (hb >> 20) AS h5
                    FROM hashed
                ),
                t AS (
                    SELECT b.*, {midnight} + 27000 + b.k * 34200.0 / {per_day} AS issued,
                           CASE WHEN {str(last).lower()} AND b.k >= {per_day} -
                                     (CASE WHEN b.site_idx % 10 = 0 THEN {WAITING_LATE} ELSE {WAITING} END)
                                THEN 'waiting'
                                WHEN b.h2 < 85 THEN 'done' WHEN b.h2 < 90 THEN 'no_show'
                                WHEN b.h2 < 94 THEN 'cancelled' ELSE 'done' END AS status,
                           60 + b.h3 AS wait, 120 + b.h4 AS svc
                    FROM base b
                )
                SELECT '{day.isoformat()}', s.id, CASE WHEN t.h2 >= 94 AND t.status = 'done' THEN s2.id ELSE s.id END,
                       t.k + 1, s.prefix || lpad((t.k + 1)::text, 4, '0'), t.h1 % 20 = 0, t.status,
                       t.issued, t.issued, floor((27000 + t.k * 34200.0 / {per_day}) / 3600)::int,
                       CASE WHEN t.status IN ('cancelled', 'waiting') THEN NULL ELSE t.issued + t.wait END,
                       CASE WHEN t.status IN ('cancelled', 'waiting') THEN NULL ELSE t.issued + t.wait END,
                       CASE WHEN t.status = 'done' THEN t.issued + t.wait + 30 END,
                       CASE WHEN t.status = 'done' THEN t.issued + t.wait + 30 + t.svc
                            WHEN t.status = 'no_show' THEN t.issued + t.wait + 120
                            WHEN t.status = 'cancelled' THEN t.issued + 900 END,
                       CASE WHEN t.status IN ('cancelled', 'waiting') THEN NULL ELSE c.id END,
                       CASE WHEN t.status IN ('cancelled', 'waiting') THEN NULL ELSE c.officer_id END,
                       CASE WHEN t.h2 >= 94 AND t.status = 'done' THEN 1 ELSE 0 END, 0,
                       CASE WHEN t.status = 'cancelled' THEN 'left' END, 'kiosk-1'
                FROM t
                JOIN b_service s ON s.site_idx = t.site_idx AND s.idx = t.h1 % {nsvc}
                JOIN b_service s2 ON s2.site_idx = t.site_idx AND s2.idx = (t.h1 + 1) % {nsvc}
                JOIN b_counter c ON c.site_idx = t.site_idx AND c.idx = t.h5 % {nctr}
                ORDER BY t.k, t.site_idx""")
            _sql(f"""
                INSERT INTO rating (counter_id, officer_id, ticket_id, value, pressed_at, service_day, source, counted)
                SELECT counter_id, officer_id, id,
                       CASE WHEN (hashint4(id)::bigint & 1023) < 819 THEN 3
                            WHEN (hashint4(id)::bigint & 1023) < 973 THEN 2 ELSE 1 END,
                       finished_at + 10, service_day, 'keypad', true
                FROM ticket WHERE service_day = '{day.isoformat()}' AND status = 'done'
                                  AND ((hashint4(id)::bigint >> 10) & 1023) < 410
                ORDER BY id""")
            _sql(f"""
                INSERT INTO event (id, site_id, at, kind, ticket_id, code, service_code, data)
                SELECT nextval('{sequence}'), s.site_id, COALESCE(t.finished_at, t.issued_at),
                       CASE WHEN t.status = 'waiting' THEN 'issued' WHEN t.status = 'done' THEN 'finished'
                            ELSE t.status END, t.id, t.code, s.code, '{{}}'
                FROM ticket t JOIN service s ON s.id = t.service_id
                WHERE t.service_day = '{day.isoformat()}' ORDER BY COALESCE(t.finished_at, t.issued_at), t.id""")
        print(f"    {day} done ({time.perf_counter() - imported:.0f} s)", flush=True)
    loaded = time.perf_counter()
    for _, statement in dropped:
        _sql(statement)
    indexed = time.perf_counter()
    db.execute_sql("VACUUM ANALYZE")
    print(f"  loaded in {loaded - imported:.0f} s, indexes rebuilt in {indexed - loaded:.0f} s, "
          f"VACUUM ANALYZE {time.perf_counter() - indexed:.0f} s", flush=True)
    close()


def _database(server, name: str, sizes: str) -> str | None:
    """The URL of database ``name`` when it was built with ``sizes`` (``--keep``), else None."""
    import psycopg

    try:
        with psycopg.connect(server.url(name)) as conn:
            row = conn.execute("SELECT value FROM setting WHERE key = 'bench.built'").fetchone()
    except psycopg.Error:
        return None
    return server.url(name) if row and row[0] == sizes else None


def _fresh_database(server, name: str) -> str:
    import psycopg

    with psycopg.connect(server.url(), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    return server.url(name)


def _mark_built(url: str, sizes: str) -> None:
    import psycopg

    with psycopg.connect(url) as conn:
        conn.execute("INSERT INTO setting (key, value) VALUES ('bench.built', %s)", (sizes,))


def prepare_queue_site(code: str, moment: float) -> None:
    """The measured site opens round the clock with room for numbers after today's generated 2,000."""
    from db import current_site
    from db.models import NumberSequence, Service, Site
    from db.officers import sign_in_at_counter

    current_site.choose(code)
    site_id = current_site.site_id()
    Site.update(opening_hours='["00:00-23:59"]', days='["mon","tue","wed","thu","fri","sat","sun"]').where(
        Site.id == site_id).execute()
    Service.update(end=99999, daily_limit=None).where(Service.site == site_id).execute()
    today = TODAY.isoformat()
    for service in Service.select().where(Service.site == site_id):
        NumberSequence.insert(service=service.id, service_day=today, last_number=2000).on_conflict_ignore().execute()
    for number, user in ((1, "lan"), (2, "hung"), (3, "mai")):
        sign_in_at_counter(user, number, now=moment)
    current_site.forget()


def queue_cycle(moment: float, counter: int) -> None:
    from db import queue

    queue.issue_ticket("TP", now=moment)
    queue.call_next(counter, now=moment + 1)
    queue.start_service(counter, now=moment + 2)
    queue.finish_service(counter, now=moment + 3)


def swap_day_indexes(*, to_v10: bool) -> None:
    """Schema 10's ``ticket (status, service_day)`` and ``rating (service_day)`` instead of 11's, or back."""
    new = {"ticket": ("ticket_status_service_day_service_id", "(status, service_day, service_id)"),
           "rating": ("rating_service_day_counter_id_counted_value", "(service_day, counter_id, counted, value)")}
    old = {"ticket": ("ticket_status_service_day", "(status, service_day)"),
           "rating": ("rating_service_day", "(service_day)")}
    drop, make = (new, old) if to_v10 else (old, new)
    for table in ("ticket", "rating"):
        _sql(f"DROP INDEX IF EXISTS {drop[table][0]}")
        _sql(f"CREATE INDEX IF NOT EXISTS {make[table][0]} ON {table} {make[table][1]}")
    _sql("ANALYZE ticket")
    _sql("ANALYZE rating")


def legacy_view(moment: float) -> int:
    """The statements of ``province_view`` before schema 11 (joins per row, no covering index): the baseline."""
    from db import clock
    from db.connection import read_transaction

    day = clock.service_day(moment, "Asia/Ho_Chi_Minh")
    with read_transaction():
        rows = _sql("""SELECT s.site_id, s.target_wait_min, COUNT(*), MIN(t.queue_at)
                       FROM ticket t JOIN service s ON s.id = t.service_id WHERE t.status = 'waiting'
                       GROUP BY s.site_id, s.id, s.target_wait_min""")
        rows += _sql("""SELECT site_id, COUNT(*) FROM counter
                        WHERE active AND NOT paused AND officer_id IS NOT NULL GROUP BY site_id""")
        rows += _sql("""SELECT s.site_id, t.service_day, COUNT(*) FROM ticket t JOIN service s ON s.id = t.service_id
                        WHERE t.status = 'done' AND t.service_day IN (%s) GROUP BY s.site_id, t.service_day""", (day,))
        rows += _sql("""SELECT c.site_id, r.service_day, COUNT(*), AVG(r.value)
                        FROM rating r JOIN counter c ON c.id = r.counter_id
                        WHERE r.counted AND r.service_day IN (%s) GROUP BY c.site_id, r.service_day""", (day,))
        rows += _sql("""SELECT s.id, (SELECT e.at FROM event e WHERE e.site_id = s.id ORDER BY e.id DESC LIMIT 1)
                        FROM site s""")
    return len(rows)


def ms(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[max(0, int(0.95 * len(ordered)) - 1)]
    return f"median {statistics.median(values) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms (n={len(values)})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sites", type=int, default=120)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--per-day", type=int, default=2000)
    parser.add_argument("--cycles", type=int, default=200, help="queue cycles per database")
    parser.add_argument("--report-runs", type=int, default=1, help="runs of the all-sites month report")
    parser.add_argument("--v10-baseline", action="store_true",
                        help="also time the view's previous queries on the previous indexes (schema 10)")
    parser.add_argument("--keep", type=Path, help="keep the PostgreSQL cluster here and reuse its databases")
    parser.add_argument("--no-reports", action="store_true", help="only the view and the queue cycles")
    args = parser.parse_args(argv)

    from db import current_site
    from db.connection import close, connect
    from db.province import province_view
    from db.reports import build_all_sites_report, build_report
    from db.rollup import roll_sites
    from db.status import hall_status
    from tests.pg_server import PostgresServer

    server = PostgresServer()
    if args.keep:
        server.root = args.keep.resolve()
        server.data, server.sock = server.root / "data", server.root / "sock"
        server.sock.mkdir(parents=True, exist_ok=True)
    server.start()
    try:
        sizes = f"{args.sites}x{args.days}x{args.per_day}"
        province_url, single_url = _database(server, "province", sizes), _database(server, "single", sizes)
        if province_url is None:
            print(f"building the province: {args.sites} sites x {args.days} days x {args.per_day} tickets", flush=True)
            province_url = _fresh_database(server, "province")
            build(province_url, args.sites, args.days, args.per_day)
            _mark_built(province_url, sizes)
        if single_url is None:
            print("building the single-site baseline", flush=True)
            single_url = _fresh_database(server, "single")
            build(single_url, 1, args.days, args.per_day)
            _mark_built(single_url, sizes)
        load = os.getloadavg()[0]
        print(f"\n{os.cpu_count()} CPUs, load {load:.1f}")

        view_at = local_epoch(TODAY, 17, 5)
        first_day = (TODAY - timedelta(days=args.days - 1)).isoformat()
        month = (first_day, TODAY.isoformat())
        month_so_far = (TODAY.replace(day=1).isoformat(), TODAY.isoformat())   # the calendar month's report
        results: dict[str, list[float]] = {}

        def measure(key: str, function: Callable[[], object], repeat: int) -> object:
            """Time ``function`` ``repeat`` times, print the figure at once (a long run shows what it has)."""
            times, value = [], None
            for _ in range(repeat):
                started = time.perf_counter()
                value = function()
                times.append(time.perf_counter() - started)
            results[key] = times
            print(f"{key:34s} {ms(times)}", flush=True)
            return value

        databases = (("province", province_url, "S001"), ("single", single_url, "QK"))
        for name, url, site in databases:
            connect(url)
            rows = measure(f"{name} view, first", lambda: province_view(now=view_at), 1)
            measure(f"{name} view", lambda: province_view(now=view_at), 20)
            print(f"  {name}: {len(rows)} sites, {sum(r['waiting'] for r in rows):,} waiting, "
                  f"{sum(r['over_target'] for r in rows)} over target, {sum(r['served_today'] for r in rows):,} "
                  f"served today, {sum(r['ratings'] for r in rows):,} presses today", flush=True)
            current_site.choose(site)
            measure(f"{name} hall_status (one site)", lambda: hall_status(now=view_at), 20)
            prepare_queue_site(site, view_at)
            current_site.choose(None)
            close()

        # Queue cycles: blocks alternate between the databases so a load spike hits both.
        moments = {"province": view_at + 600, "single": view_at + 600}
        cycles: dict[str, list[float]] = {"province": [], "single": []}
        block = 25
        for _ in range(max(1, args.cycles // block)):
            for name, url, site in databases:
                connect(url)
                current_site.choose(site)
                queue_cycle(moments[name], 1)   # warm: the connection's caches and the day's roll-over
                moments[name] += 10
                for _ in range(block):
                    started = time.perf_counter()
                    queue_cycle(moments[name], 1)
                    cycles[name].append(time.perf_counter() - started)
                    moments[name] += 10
                current_site.choose(None)
                close()
        for name in cycles:
            results[f"{name} queue cycle"] = cycles[name]
            print(f"{name + ' queue cycle':34s} {ms(cycles[name])}", flush=True)
        ratio = statistics.median(cycles["province"]) / statistics.median(cycles["single"])
        if args.no_reports:
            view = statistics.median(results["province view"])
            print(f"\nprovince view median {view * 1000:.0f} ms -- target < {VIEW_TARGET_S * 1000:.0f} ms")
            print(f"queue cycle province / single {ratio:.2f}x -- target <= {QUEUE_TARGET_RATIO}x")
            return 0 if view < VIEW_TARGET_S and ratio <= QUEUE_TARGET_RATIO else 1

        # The closed days as reports read them (db/rollup.py): what `onestop rollup` does once after an upgrade.
        for name, url, _site in databases:
            connect(url)
            measure(f"{name} rollup of the whole history", roll_sites, 1)
            close()

        for name, url, site in databases:
            connect(url)
            current_site.choose(site)
            measure(f"{name} one site's month report", lambda: build_report(*month, now=view_at), 1)
            current_site.choose(None)
            report = measure(f"{name} all-sites month report", lambda: build_all_sites_report(*month, now=view_at),
                             args.report_runs)
            print(f"  {name}: all-sites report over {report['totals']['issued']:,} tickets", flush=True)
            report = measure(f"{name} all-sites month so far", lambda: build_all_sites_report(*month_so_far,
                                                                                             now=view_at),
                             args.report_runs)
            print(f"  {name}: month so far ({month_so_far[0]} - {month_so_far[1]}) over "
                  f"{report['totals']['issued']:,} tickets", flush=True)
            close()

        if args.v10_baseline:
            connect(province_url)
            swap_day_indexes(to_v10=True)
            try:
                measure("province view, v10 queries+indexes", lambda: legacy_view(view_at), 20)
            finally:
                swap_day_indexes(to_v10=False)
                close()

        view = statistics.median(results["province view"])
        report_s = statistics.median(results["province all-sites month report"])
        print()
        print(f"province view median {view * 1000:.0f} ms -- target < {VIEW_TARGET_S * 1000:.0f} ms")
        print(f"all-sites month report median {report_s:.2f} s -- target < {REPORT_TARGET_S:.0f} s")
        so_far_s = statistics.median(results["province all-sites month so far"])
        print(f"all-sites calendar month so far median {so_far_s:.2f} s -- target < {REPORT_TARGET_S:.0f} s")
        print(f"queue cycle province / single {ratio:.2f}x -- target <= {QUEUE_TARGET_RATIO}x")
        ok = view < VIEW_TARGET_S and report_s < REPORT_TARGET_S and ratio <= QUEUE_TARGET_RATIO
        print("targets met" if ok else "TARGET MISSED")
        return 0 if ok else 1
    finally:
        close()
        if args.keep:
            server.stop()
        else:
            server.cleanup()


if __name__ == "__main__":
    sys.exit(main())
