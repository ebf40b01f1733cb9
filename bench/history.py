"""Filling a database with years of historical tickets, for the benchmarks.

Rows are generated inside the database engine (a recursive CTE on SQLite,
``generate_series`` on PostgreSQL) so that 3 million tickets take tens of
seconds, not an hour of Python round trips.  The history spreads over
``days`` past service days across every service and counter, finished and
rated like a real centre's.
"""

from __future__ import annotations

import time

from db.connection import database_proxy, is_postgres
from db.models import Counter, Service, Ticket


def fill_history(count: int, *, days: int = 5 * 250, end_epoch: float | None = None) -> float:
    """Insert ``count`` done tickets spread over ``days`` days before ``end_epoch``; returns seconds taken."""
    db = database_proxy.obj
    end = (end_epoch or time.time()) - 86400
    services = [s.id for s in Service.select().order_by(Service.id)]
    counters = [c.id for c in Counter.select().order_by(Counter.id)]
    per_day = max(1, count // days)
    started = time.perf_counter()
    params = {
        "n": count, "per_day": per_day, "end": end, "ns": len(services), "s0": services[0],
        "nc": len(counters), "c0": counters[0],
    }
    # Row i: day i / per_day before `end`, number (i % per_day) + 1 (unique per day), 08:00-17:00.
    select_sql = """
        SELECT day_text, sid, sid, num, 'H' || CAST(num AS TEXT), (1 = 0), 'done', t, t, hr,
               t + 300, t + 300, t + 360, t + 900, cid, 0, 0
        FROM (
            SELECT i,
                   {day_expr} AS day_text,
                   {s0} + (i % {ns}) AS sid,
                   (i % {per_day}) + 1 AS num,
                   {end} - (i / {per_day}) * 86400.0 - 3600 * 8 + (i % {per_day}) * (32400.0 / {per_day}) AS t,
                   8 + ((i % {per_day}) * 9) / {per_day} AS hr,
                   {c0} + (i % {nc}) AS cid
            FROM {series}
        ) AS g
    """
    columns = ("service_day, issued_service_id, service_id, number, code, priority, status, queue_at, issued_at, "
               "issued_hour, called_at, last_called_at, started_at, finished_at, counter_id, transfers, recalls")
    if is_postgres():
        sql = (f"INSERT INTO ticket ({columns}) " + select_sql.format(
            day_expr="to_char(to_timestamp({end} - (i / {per_day}) * 86400.0), 'YYYY-MM-DD')".format(**params),
            series="generate_series(0, {n} - 1) AS i".format(**params), **params)
            .replace("'H' || CAST(num AS TEXT)", "'H' || num::text"))
        db.execute_sql(sql.replace("%", "%%"))  # psycopg reads a bare % as a placeholder
    else:
        sql = ("WITH RECURSIVE series(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM series WHERE i < {n} - 1) "
               f"INSERT INTO ticket ({columns}) " + select_sql).format(
            day_expr="date({end} - (i / {per_day}) * 86400, 'unixepoch', '+7 hours')".format(**params),
            series="series", **params)
        with db.atomic():
            db.execute_sql(sql)
    return time.perf_counter() - started


def history_size() -> int:
    return Ticket.select().count()
