"""The SQL of the report's per-day partial aggregates ("grains"), shared by the live report and the rollup.

``db.reports`` sums these grains into every breakdown; ``db.rollup`` stores
the very same rows for closed days (``INSERT ... SELECT`` of the same text),
so a figure read from the rollup is the figure the live query would give.
Every grain groups by ``service_day`` first, which is what makes a day's rows
separable.

Which tickets a grain reads: the range ``BETWEEN ? AND ?`` (the parameters),
the covered sites (``SCOPE``, else this process's site) and, when
``RAW_DAYS`` is set, only those days (the report reads the other days from
the rollup).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, timedelta
from typing import Any

from db import current_site, statuses
from db.connection import database_proxy, is_postgres
from db.histogram import bucket_sql

#: Site ids the queries cover; None = this process's site (``db.current_site``).
SCOPE: ContextVar[tuple[int, ...] | None] = ContextVar("report_scope", default=None)
#: Service days the ticket queries may read within their range; None = the whole range.
RAW_DAYS: ContextVar[tuple[str, ...] | None] = ContextVar("report_raw_days", default=None)

SITE_SERVICES = "SELECT id FROM service WHERE site_id IN ({site})"
SITE_COUNTERS = "SELECT id FROM counter WHERE site_id IN ({site})"
DONE = f"t.status = '{statuses.DONE}'"
WAIT = "(t.called_at - t.issued_at)"
SERVICE = "(t.finished_at - t.started_at)"
#: appointment tickets: first call - max(slot start, check-in), 0 if called before the slot; NULL for walk-ins
APPT_WAIT = ("(CASE WHEN t.slot_at IS NULL THEN NULL WHEN t.called_at < t.slot_at THEN 0.0 "
             "WHEN t.slot_at > t.issued_at THEN t.called_at - t.slot_at ELSE t.called_at - t.issued_at END)")
#: measure name (``report_hist.measure``, ``report_day_stats.measure``) -> value over served tickets
MEASURES = {"wait": WAIT, "service": SERVICE, "appt": APPT_WAIT}
GRAIN_COLUMNS = "t.service_day, t.issued_service_id, t.service_id, t.counter_id, t.officer_id"
GRAIN_NAMES = "service_day, issued_service_id, service_id, counter_id, officer_id"
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def sites_sql() -> str:
    """The covered site ids as an SQL list (integers from the database, never user text)."""
    scope = SCOPE.get()
    return ", ".join(str(int(i)) for i in scope) if scope else str(current_site.site_id())


def day_list(days: Iterable[str]) -> str:
    """Days as SQL literals; each is checked to be ``YYYY-MM-DD`` (they come from dates, never from users)."""
    items = []
    for day in days:
        if not _DAY.fullmatch(day):
            raise ValueError(f"not a service day: {day!r}")
        items.append(f"'{day}'")
    return ", ".join(items)


def days_only(column: str) -> str:
    """The ``RAW_DAYS`` restriction on ``column`` ("" when the whole range is read)."""
    days = RAW_DAYS.get()
    if days is None:
        return ""
    return f" AND {column} IN ({day_list(days)})" if days else " AND 1 = 0"


@contextmanager
def raw_days(days: tuple[str, ...] | None) -> Iterator[None]:
    """Let the ticket queries read only ``days`` of their range (None: all of it)."""
    token = RAW_DAYS.set(days)
    try:
        yield
    finally:
        RAW_DAYS.reset(token)


def site_column(name: str) -> str:
    """``t.<name>`` (a service id column) as the site filter of a date-range query: see ``in_range``."""
    return f"t.{name}" if is_postgres() else f"+t.{name}"


def in_range() -> str:
    """The range's tickets of the covered sites (``SCOPE``, else this process's site).

    The unary ``+`` keeps SQLite from reading a site's whole history through ``ticket(service_id)``
    (it did, given a list of days: 20 s instead of 0.3 s for a month of 3M tickets); the days are
    always the narrower way in.  Only on SQLite: PostgreSQL keeps ``+x`` as an expression, which
    hid ``ticket (service_id, service_day)`` from it (a sequential scan of a whole province for
    one site's month); its planner weighs the two ways in by their statistics.
    """
    return (f"t.service_day BETWEEN ? AND ?{days_only('t.service_day')} "
            f"AND {site_column('service_id')} IN ({SITE_SERVICES.format(site=sites_sql())})")


def sql(text: str) -> str:
    """Our SQL is written with ``?``; psycopg wants ``%s`` (no literal ``?``/``%`` appear)."""
    return text.replace("?", "%s") if is_postgres() else text


def tune_for_report() -> None:
    """PostgreSQL, inside the report's transaction: no JIT, room to aggregate in memory.

    A report is a dozen statements over 10^4-10^6 grain and histogram rows. Their cost estimates pass
    ``jit_above_cost``, and compiling them (in every parallel worker too) cost 0.3-1 s per statement on
    the province benchmark, more than it saved; the default 4 MB ``work_mem`` made the histogram sums of
    a province spill to disk. ``SET LOCAL`` ends with the transaction: queue operations keep the defaults.
    """
    if is_postgres():
        database_proxy.obj.execute_sql("SET LOCAL jit = off")
        database_proxy.obj.execute_sql("SET LOCAL work_mem = '64MB'")


def floor_int(expr: str) -> str:
    """Whole part of a non-negative number: SQLite's CAST truncates, PostgreSQL's rounds."""
    return f"CAST(FLOOR({expr}) AS INTEGER)" if is_postgres() else f"CAST({expr} AS INTEGER)"


def rows(text: str, params: Iterable[Any]) -> list[tuple]:
    cursor = database_proxy.obj.execute_sql(sql(text), tuple(params))
    return list(cursor.fetchall())


# ----------------------------------------------------------------- the grains (parameters in brackets)

#: report_day's measure columns, in ``ticket_grain``'s order
TICKET_MEASURES = ("issued", "no_show", "cancelled", "transferred", "served", "wait_sum", "wait_max",
                   "service_sum", "service_max", "with_target", "within")


def ticket_grain() -> str:
    """Counts, time sums and maxima per grain key [from, to]."""
    return f"""
        SELECT {GRAIN_COLUMNS},
               COUNT(*) AS issued,
               SUM(CASE WHEN t.status = '{statuses.NO_SHOW}' THEN 1 ELSE 0 END) AS no_show,
               SUM(CASE WHEN t.status = '{statuses.CANCELLED}' THEN 1 ELSE 0 END) AS cancelled,
               SUM(CASE WHEN t.transfers > 0 THEN 1 ELSE 0 END) AS transferred,
               SUM(CASE WHEN {DONE} THEN 1 ELSE 0 END) AS served,
               SUM(CASE WHEN {DONE} THEN {WAIT} END) AS wait_sum,
               MAX(CASE WHEN {DONE} THEN {WAIT} END) AS wait_max,
               SUM(CASE WHEN {DONE} THEN {SERVICE} END) AS service_sum,
               MAX(CASE WHEN {DONE} THEN {SERVICE} END) AS service_max,
               SUM(CASE WHEN {DONE} AND s.target_wait_min IS NOT NULL THEN 1 ELSE 0 END) AS with_target,
               SUM(CASE WHEN {DONE} AND s.target_wait_min IS NOT NULL
                         AND {WAIT} <= s.target_wait_min * 60 THEN 1 ELSE 0 END) AS within
        FROM ticket t JOIN service s ON s.id = +t.service_id
        WHERE {in_range()}
        GROUP BY {GRAIN_COLUMNS}"""


def pressed_since() -> str:
    """With ``RAW_DAYS``: presses from the day before the first of them on (a press comes after its ticket).

    Lets the database find a day's presses through ``rating (service_day, ...)`` instead of reading
    every press ever made and joining it to the day's tickets (1.2 s of a province's month report on
    2.6 M presses); the day of slack covers a PC whose clock was a little behind.
    """
    days = RAW_DAYS.get()
    if not days:
        return ""
    since = (date.fromisoformat(min(days)) - timedelta(days=1)).isoformat()
    return f" AND r.service_day >= {day_list([since])}"


def rating_grain() -> str:
    """Rated tickets (latest counted press) per grain key and value, and of them served [from, to, True]."""
    return f"""
        SELECT {GRAIN_COLUMNS}, l.value,
               COUNT(*) AS rated, SUM(CASE WHEN {DONE} THEN 1 ELSE 0 END) AS served
        FROM (SELECT r.ticket_id, r.value,
                     ROW_NUMBER() OVER (PARTITION BY r.ticket_id ORDER BY r.pressed_at DESC, r.id DESC) AS rn
              FROM rating r JOIN ticket t ON t.id = r.ticket_id
              WHERE {in_range()}{pressed_since()} AND r.counted = ?) l
        JOIN ticket t ON t.id = l.ticket_id
        WHERE l.rn = 1
        GROUP BY {GRAIN_COLUMNS}, l.value"""


def appointment_grain() -> str:
    """Served appointment tickets per grain key: count, summed and longest appointment wait [from, to]."""
    return f"""
        SELECT {GRAIN_COLUMNS}, COUNT(*) AS n, SUM({APPT_WAIT}) AS total, MAX({APPT_WAIT}) AS longest
        FROM ticket t
        WHERE {in_range()} AND {DONE} AND t.slot_at IS NOT NULL
        GROUP BY {GRAIN_COLUMNS}"""


def dossier_grain() -> str:
    """Dossier codes per grain key [from, to]."""
    return f"""
        SELECT {GRAIN_COLUMNS}, COUNT(*) AS dossiers
        FROM ticket_dossier d JOIN ticket t ON t.id = d.ticket_id
        WHERE {in_range()}
        GROUP BY {GRAIN_COLUMNS}"""


def press_grain() -> str:
    """Counted presses with no ticket per press day, counter and officer [True, from, to]."""
    return f"""
        SELECT r.service_day, r.counter_id, r.officer_id, COUNT(*) AS n
        FROM rating r
        WHERE r.ticket_id IS NULL AND r.counted = ? AND r.service_day BETWEEN ? AND ?{days_only('r.service_day')}
          AND r.counter_id IN ({SITE_COUNTERS.format(site=sites_sql())})
        GROUP BY r.service_day, r.counter_id, r.officer_id"""


def hour_grain() -> str:
    """Tickets issued per day and site-local hour [from, to]."""
    return f"""
        SELECT t.service_day, t.issued_hour AS hour, COUNT(*) AS issued
        FROM ticket t
        WHERE {in_range()}
        GROUP BY t.service_day, t.issued_hour"""


def bucket_grain(measure: str) -> str:
    """Served tickets per day, site, serving service, counter, officer and time bucket of ``measure`` [from, to]."""
    value = MEASURES[measure]
    return f"""
        SELECT t.service_day, sv.site_id, t.service_id, t.counter_id, t.officer_id,
               {bucket_sql(value, floor_int)} AS bucket, COUNT(*) AS n
        FROM ticket t JOIN service sv ON sv.id = +t.service_id
        WHERE {in_range()} AND {DONE} AND {value} IS NOT NULL
        GROUP BY t.service_day, sv.site_id, t.service_id, t.counter_id, t.officer_id, bucket"""


#: histogram breakdowns -> the ``bucket_grain`` expression holding their key ("" = totals). A day's key
#: is the integer YYYYMMDD (``report_hist.group_key`` is an integer); see ``day_key``.
HIST_DIMS = {"": "", "service": "g.service_id", "counter": "g.counter_id", "officer": "g.officer_id",
             "day": "CAST(REPLACE(g.service_day, '-', '') AS INTEGER)", "site": "g.site_id"}
#: the breakdowns a stored month keeps (a site's month: its "site" histogram is its totals)
STORED_HIST_DIMS = ("", "service", "counter", "officer", "day")


def day_key(key: int) -> str:
    """``YYYY-MM-DD`` back from a day histogram's integer key."""
    text = f"{int(key):08d}"
    return f"{text[:4]}-{text[4:6]}-{text[6:]}"


def hist_by_dim(measure: str, dims: Iterable[str] = STORED_HIST_DIMS) -> str:
    """Two CTEs (no ``WITH``): ``g`` = ``bucket_grain``, ``d`` = it summed per breakdown as (dim, group_key, bucket, n).

    Parameters [from, to]."""
    parts = []
    for dim in dims:
        column = HIST_DIMS[dim]
        key = column or "0"
        where = f" WHERE {column} IS NOT NULL" if column else ""
        parts.append(f"SELECT CAST('{dim}' AS TEXT) AS dim, {key} AS group_key, g.bucket AS bucket, SUM(g.n) AS n "
                     f"FROM g{where} GROUP BY {key + ', ' if column else ''}g.bucket")
    return f"g AS ({bucket_grain(measure)}),\nd AS (" + "\nUNION ALL\n".join(parts) + ")"


def percentile_sql(key: str, value: str) -> str:
    """Exact (median, p90) of ``value`` over served tickets per ``key`` (an expression on ``t``) [from, to].

    ``ROW_NUMBER`` and the partition size come from one named window, so the
    rows are sorted once; only the two or three wanted ranks are aggregated:
    median = mean of ranks (n+1)/2 and (n+2)/2 (integer division: the same rank
    twice when n is odd), p90 = rank ceil(0.9 n) = (9n + 9) / 10.
    """
    return f"""
        WITH d AS (
            SELECT {key} AS k, {value} AS v
            FROM ticket t
            WHERE {in_range()} AND {DONE} AND {value} IS NOT NULL
        ), r AS (
            SELECT k, v, ROW_NUMBER() OVER w AS rn, COUNT(*) OVER w AS n
            FROM d
            WINDOW w AS (PARTITION BY k ORDER BY v ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
        )
        SELECT k,
               AVG(CASE WHEN rn = (n + 1) / 2 OR rn = (n + 2) / 2 THEN v END),
               MAX(CASE WHEN rn = (9 * n + 9) / 10 THEN v END)
        FROM r
        WHERE rn = (n + 1) / 2 OR rn = (n + 2) / 2 OR rn = (9 * n + 9) / 10
        GROUP BY k"""
