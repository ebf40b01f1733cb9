"""The report figures of CONTRACT section 6, computed by the database.

Everything is an SQL aggregate over the tickets of the requested service days,
so a month of a busy province (tens of thousands of tickets) costs a few index
range scans, never a Python loop over ticket rows.  The same SQL text runs on
SQLite (3.25+, for window functions) and PostgreSQL, so both engines give the
same answers; only the parameter placeholder differs.

Definitions (documented for users in ``docs/reports.md``):

* A ticket belongs to its ``service_day`` (the local day it was issued), even
  when it was served after midnight.  The range is inclusive on both ends.
* ``issued``, ``no_show``, ``cancelled`` and ``transferred`` count a ticket
  under the service it was issued for (``Ticket.issued_service``);
  ``transferred`` is the number of those tickets handed on at least once.
* ``served`` (status ``done``), waiting time, service time and the
  within-target share count where it was served (``Ticket.service``).
* For counters and officers a ticket counts under the counter / officer that
  last held it (for a served ticket: the one that served it), for every figure.
  Tickets never called have no counter and appear only in the totals, per day
  and per service.
* Waiting time = first call - issue; service time = done - start (the engine
  takes the last call as the start when nobody pressed "start").  Both are
  measured over served tickets.
* Median: the middle value, or the mean of the two middle values for an even
  count.  p90: nearest rank, the value at ascending position ceil(0.9 * n).
  Both are computed with ``ROW_NUMBER``/``COUNT`` window functions, which
  both engines evaluate identically (``percentile_cont`` would interpolate and
  does not exist on SQLite).
* ``within_target_pct`` = served tickets whose wait <= the serving service's
  ``target_wait_min`` * 60, over served tickets of services that have a target.
* A ticket's rating is its latest counted press (debounced repeats have
  ``counted = false`` and are ignored everywhere).  ``ratings.count`` = rated
  tickets; ``pct_by_value`` = share of the rated tickets per level;
  ``rated_share_pct`` = served tickets with a rating over served tickets.
  Ratings count where the ticket was served (its service, counter, officer).
  ``unattached`` = counted presses with no ticket, by the press's own day,
  counter and officer (a press has no service, so it is 0 per service).
* Times are rounded to 0.1 s, percentages to 0.01.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Iterable

from db.connection import database_proxy, is_postgres, read_transaction, with_retry
from db.errors import InvalidInput
from db.models import Counter, Officer, Service, Site
from db.site import site_info

STAT_KEYS = ("mean", "median", "p90", "max")


@dataclass(frozen=True)
class _Dimension:
    """One breakdown: the SQL expressions that say which group a row belongs to."""

    name: str            # "day", "service", ... ("" for the totals)
    issued_key: str      # expression on ``t`` (ticket) for issued/no_show/cancelled/transferred
    served_key: str      # expression on ``t`` for served, times, ratings
    press_key: str | None  # expression on ``r`` (rating) for unattached presses; None = not applicable


_TOTALS = _Dimension("", "0", "0", "0")
_DIMENSIONS = (
    _Dimension("day", "t.service_day", "t.service_day", "r.service_day"),
    _Dimension("service", "t.issued_service_id", "t.service_id", None),
    _Dimension("counter", "t.counter_id", "t.counter_id", "r.counter_id"),
    _Dimension("officer", "t.officer_id", "t.officer_id", "r.officer_id"),
)

_IN_RANGE = "t.service_day BETWEEN ? AND ?"


def _sql(text: str) -> str:
    """Our SQL is written with ``?``; psycopg wants ``%s`` (no literal ``?``/``%`` appear)."""
    return text.replace("?", "%s") if is_postgres() else text


def _floor_int(expr: str) -> str:
    """Whole part of a non-negative number: SQLite's CAST truncates, PostgreSQL's rounds."""
    return f"CAST(FLOOR({expr}) AS INTEGER)" if is_postgres() else f"CAST({expr} AS INTEGER)"


def _rows(text: str, params: Iterable[Any]) -> list[tuple]:
    cursor = database_proxy.obj.execute_sql(_sql(text), tuple(params))
    return list(cursor.fetchall())


# ----------------------------------------------------------------- the queries

def _counts(dim: _Dimension, span: tuple[str, str]) -> dict[Any, tuple[int, int, int, int]]:
    """issued, no_show, cancelled, transferred per issued-side key."""
    rows = _rows(f"""
        SELECT {dim.issued_key} AS k,
               COUNT(*),
               SUM(CASE WHEN t.status = 'no_show' THEN 1 ELSE 0 END),
               SUM(CASE WHEN t.status = 'cancelled' THEN 1 ELSE 0 END),
               SUM(CASE WHEN t.transfers > 0 THEN 1 ELSE 0 END)
        FROM ticket t
        WHERE {_IN_RANGE}
        GROUP BY k""", span)
    return {k: (int(a), int(b or 0), int(c or 0), int(d or 0)) for k, a, b, c, d in rows}


def _served(dim: _Dimension, span: tuple[str, str]) -> dict[Any, dict[str, Any]]:
    """Served count, mean/max of the two times and within-target counts per served-side key.

    Median and p90 come from one more query over the same rows, numbering each
    partition's values with ``ROW_NUMBER`` and picking the wanted ranks.
    """
    rows = _rows(f"""
        SELECT {dim.served_key} AS k,
               COUNT(*),
               AVG(t.called_at - t.issued_at), MAX(t.called_at - t.issued_at),
               AVG(t.finished_at - t.started_at), MAX(t.finished_at - t.started_at),
               SUM(CASE WHEN s.target_wait_min IS NOT NULL THEN 1 ELSE 0 END),
               SUM(CASE WHEN s.target_wait_min IS NOT NULL
                         AND t.called_at - t.issued_at <= s.target_wait_min * 60 THEN 1 ELSE 0 END)
        FROM ticket t JOIN service s ON s.id = t.service_id
        WHERE {_IN_RANGE} AND t.status = 'done'
        GROUP BY k""", span)
    result: dict[Any, dict[str, Any]] = {}
    for k, n, wait_mean, wait_max, svc_mean, svc_max, with_target, within in rows:
        result[k] = {
            "served": int(n),
            "wait_s": {"mean": wait_mean, "max": wait_max},
            "service_s": {"mean": svc_mean, "max": svc_max},
            "with_target": int(with_target or 0),
            "within": int(within or 0),
        }
    ranks = _rows(f"""
        WITH d AS (
            SELECT {dim.served_key} AS k,
                   t.called_at - t.issued_at AS w,
                   t.finished_at - t.started_at AS sv
            FROM ticket t
            WHERE {_IN_RANGE} AND t.status = 'done'
              AND t.called_at IS NOT NULL AND t.started_at IS NOT NULL AND t.finished_at IS NOT NULL
        ), r AS (
            SELECT k, w, sv,
                   ROW_NUMBER() OVER (PARTITION BY k ORDER BY w) AS rw,
                   ROW_NUMBER() OVER (PARTITION BY k ORDER BY sv) AS rs,
                   COUNT(*) OVER (PARTITION BY k) AS n
            FROM d
        )
        SELECT k,
               AVG(CASE WHEN rw = (n + 1) / 2 OR rw = (n + 2) / 2 THEN w END),
               MAX(CASE WHEN rw = (9 * n + 9) / 10 THEN w END),
               AVG(CASE WHEN rs = (n + 1) / 2 OR rs = (n + 2) / 2 THEN sv END),
               MAX(CASE WHEN rs = (9 * n + 9) / 10 THEN sv END)
        FROM r
        GROUP BY k""", span)
    for k, wait_median, wait_p90, svc_median, svc_p90 in ranks:
        entry = result.get(k)
        if entry is not None:
            entry["wait_s"].update(median=wait_median, p90=wait_p90)
            entry["service_s"].update(median=svc_median, p90=svc_p90)
    return result


def _ratings(dim: _Dimension, span: tuple[str, str]) -> dict[Any, dict[int, tuple[int, int]]]:
    """Per served-side key and rating value: (rated tickets, of which served).

    A ticket's rating is its latest counted press; the ``ROW_NUMBER`` picks it
    through the ``rating(ticket, pressed_at)`` index.
    """
    rows = _rows(f"""
        WITH latest AS (
            SELECT r.ticket_id, r.value,
                   ROW_NUMBER() OVER (PARTITION BY r.ticket_id ORDER BY r.pressed_at DESC, r.id DESC) AS rn
            FROM rating r JOIN ticket t ON t.id = r.ticket_id
            WHERE {_IN_RANGE} AND r.counted = ?
        )
        SELECT {dim.served_key} AS k, l.value,
               COUNT(*), SUM(CASE WHEN t.status = 'done' THEN 1 ELSE 0 END)
        FROM latest l JOIN ticket t ON t.id = l.ticket_id
        WHERE l.rn = 1
        GROUP BY k, l.value""", (*span, True))
    result: dict[Any, dict[int, tuple[int, int]]] = {}
    for k, value, rated, served in rows:
        result.setdefault(k, {})[int(value)] = (int(rated), int(served or 0))
    return result


def _unattached(dim: _Dimension, span: tuple[str, str]) -> dict[Any, int]:
    """Counted presses that found no ticket, by the press's own day/counter/officer."""
    if dim.press_key is None:
        return {}
    rows = _rows(f"""
        SELECT {dim.press_key} AS k, COUNT(*)
        FROM rating r
        WHERE r.ticket_id IS NULL AND r.counted = ? AND r.service_day BETWEEN ? AND ?
        GROUP BY k""", (True, *span))
    return {k: int(n) for k, n in rows}


def _arrivals(span: tuple[str, str]) -> list[dict[str, int]]:
    rows = dict(_rows(f"SELECT t.issued_hour, COUNT(*) FROM ticket t WHERE {_IN_RANGE} GROUP BY t.issued_hour", span))
    return [{"hour": hour, "issued": int(rows.get(hour, 0))} for hour in range(24)]


# ----------------------------------------------------------------- assembling

def _seconds(value: Any) -> float | None:
    return None if value is None else round(float(value), 1)


def _pct(part: int, whole: int) -> float | None:
    return None if not whole else round(100.0 * part / whole, 2)


def _stats(values: dict[str, Any] | None) -> dict[str, float | None]:
    values = values or {}
    return {key: _seconds(values.get(key)) for key in STAT_KEYS}


def _figures(counts: tuple[int, int, int, int] | None, served: dict[str, Any] | None,
             ratings: dict[int, tuple[int, int]] | None, unattached: int, levels: list[int]) -> dict[str, Any]:
    issued, no_show, cancelled, transferred = counts or (0, 0, 0, 0)
    served = served or {}
    ratings = ratings or {}
    n_served = served.get("served", 0)
    values = levels + sorted((v for v in ratings if v not in levels), reverse=True)
    rated = sum(r for r, _ in ratings.values())
    rated_served = sum(s for _, s in ratings.values())
    return {
        "issued": issued,
        "served": n_served,
        "no_show": no_show,
        "cancelled": cancelled,
        "transferred": transferred,
        "wait_s": _stats(served.get("wait_s")),
        "service_s": _stats(served.get("service_s")),
        "within_target_pct": _pct(served.get("within", 0), served.get("with_target", 0)),
        "ratings": {
            "count": rated,
            "by_value": {str(v): ratings.get(v, (0, 0))[0] for v in values},
            "pct_by_value": {str(v): _pct(ratings.get(v, (0, 0))[0], rated) for v in values},
            "rated_share_pct": _pct(rated_served, n_served),
            "unattached": unattached,
        },
    }


def _breakdown(dim: _Dimension, span: tuple[str, str], levels: list[int]) -> dict[Any, dict[str, Any]]:
    """FIGURES for every key of one dimension that has any activity in the range."""
    counts = _counts(dim, span)
    served = _served(dim, span)
    ratings = _ratings(dim, span)
    unattached = _unattached(dim, span)
    keys = (set(counts) | set(served) | set(ratings) | set(unattached)) - {None}
    return {k: _figures(counts.get(k), served.get(k), ratings.get(k), unattached.get(k, 0), levels) for k in keys}


def _parse_day(text: str, label: str) -> str:
    try:
        return date.fromisoformat(str(text)).isoformat()
    except ValueError:
        raise InvalidInput(f"Ngày {label} không hợp lệ: {text} (dạng YYYY-MM-DD)",
                           f"Invalid --{label} date: {text} (use YYYY-MM-DD)") from None


def build_report(date_from: str | date, date_to: str | date) -> dict[str, Any]:
    """The section-6 report over service days ``date_from`` .. ``date_to`` (inclusive).

    Returns the JSON-ready dict printed by ``onestop report --format json``.
    Services and counters that are active (or had activity) are always listed,
    so a quiet service shows as zeros; days and officers only with activity.
    """
    day_from, day_to = _parse_day(str(date_from), "from"), _parse_day(str(date_to), "to")
    if day_from > day_to:
        raise InvalidInput(f"Khoảng ngày sai: {day_from} sau {day_to}", f"--from {day_from} is after --to {day_to}")
    span = (day_from, day_to)

    def read() -> dict[str, Any]:
        with read_transaction():
            site = Site.get_or_none()
            levels = sorted((lv.value for lv in site_info(site).rating_levels), reverse=True) if site else [3, 2, 1]
            totals = _breakdown(_TOTALS, span, levels).get(0) or _figures(None, None, None, 0, levels)
            parts = {dim.name: _breakdown(dim, span, levels) for dim in _DIMENSIONS}
            arrivals = _arrivals(span)
            services = list(Service.select().order_by(Service.sort_order, Service.code))
            counters = list(Counter.select().order_by(Counter.number))
            officers = {o.id: o.username for o in Officer.select(Officer.id, Officer.username)}

        empty = _figures(None, None, None, 0, levels)
        by_service = [
            {"service": s.code, **parts["service"].get(s.id, empty)}
            for s in services if s.active or s.id in parts["service"]
        ]
        by_counter = [
            {"counter": c.number, **parts["counter"].get(c.id, empty)}
            for c in counters if c.active or c.id in parts["counter"]
        ]
        by_officer = sorted(
            ({"officer": officers.get(oid, str(oid)), **figures} for oid, figures in parts["officer"].items()),
            key=lambda row: row["officer"],
        )
        by_day = [{"day": str(day), **parts["day"][day]} for day in sorted(parts["day"])]
        return {
            "from": day_from,
            "to": day_to,
            "totals": totals,
            "by_day": by_day,
            "by_service": by_service,
            "by_counter": by_counter,
            "by_officer": by_officer,
            "arrivals_by_hour": arrivals,
        }

    return with_retry(read)


# ----------------------------------------------------------------- extras for screens and exports

def report_labels() -> dict[str, Any]:
    """Names to show next to the report's keys (the JSON itself carries only codes)."""

    def read() -> dict[str, Any]:
        site = Site.get_or_none()
        info = site_info(site) if site else None
        return {
            "site": info.name if info else "",
            "site_en": info.name_en if info else "",
            "services": {s.code: (s.name, s.name_en or s.name) for s in Service.select()},
            "counters": {c.number: c.name for c in Counter.select()},
            "officers": {o.username: o.full_name for o in Officer.select()},
            "levels": [(lv.value, lv.label, lv.label_en) for lv in info.rating_levels] if info else [],
        }

    return with_retry(read)


def wait_histogram(date_from: str | date, date_to: str | date, *, bucket_s: int = 300,
                   buckets: int = 12) -> list[dict[str, int]]:
    """Served tickets per waiting-time bucket (for the admin chart).

    Bucket i holds waits in [i*bucket_s, (i+1)*bucket_s); the last bucket also
    holds everything longer.  Grouped by the database, like the report.
    """
    day_from, day_to = _parse_day(str(date_from), "from"), _parse_day(str(date_to), "to")
    last = buckets - 1

    def read() -> list[dict[str, int]]:
        rows = _rows(f"""
            SELECT CASE WHEN b > {last} THEN {last} ELSE b END AS bucket, COUNT(*)
            FROM (SELECT {_floor_int(f"(t.called_at - t.issued_at) / {int(bucket_s)}")} AS b
                  FROM ticket t
                  WHERE {_IN_RANGE} AND t.status = 'done' AND t.called_at IS NOT NULL) d
            GROUP BY bucket""", (day_from, day_to))
        counts = {int(b): int(n) for b, n in rows}
        return [{"from_s": i * bucket_s, "to_s": (i + 1) * bucket_s if i < last else None,
                 "served": counts.get(i, 0)} for i in range(buckets)]

    return with_retry(read)
