"""The report figures of docs/interfaces.md §7, computed by the database.

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
* ``bookings`` (docs/appointments.md) counts the bookings whose slot lies on
  the range's days, per slot day and booked service: ``made`` (all of them),
  ``checked_in``, ``cancelled``, and ``no_show`` = still booked after the
  check-in window closed (slot start + ``grace_min``) at the report's ``now``.
  A booking has no counter or officer: 0 per counter and officer.
* ``appointment_wait_s`` = first call - the later of slot start and check-in,
  over served appointment tickets (0 when called before the slot started),
  counted where the ticket was served like ``wait_s``.
* ``dossiers`` = dossier codes attached to the range's tickets, counted where
  the ticket was served (a ticket with two codes counts 2).
* Times are rounded to 0.1 s, percentages to 0.01.

Closed days come from the daily rollup (``db.rollup``, docs/rollup.md): the
same grains (``db.report_grains``) stored once per day, summed with the live
grain of today and of days not rolled (``_grain``), so the counts are those of
the ticket rows.  Over ranges longer than 31 days the medians and p90 of the
totals and breakdowns (not ``by_day``) are read from stored histograms
(``db.report_hist``): within half a bucket, 5 s below 2 h.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from db import current_site, inputs, report_hist, rollup_read
from db.connection import read_transaction, with_retry
from db.errors import InvalidInput
from db.models import Counter, Officer, Service, Site
from db.report_grains import (
    APPT_WAIT,
    DONE,
    GRAIN_NAMES,
    SCOPE,
    SERVICE,
    SITE_SERVICES,
    TICKET_MEASURES,
    WAIT,
    appointment_grain,
    dossier_grain,
    floor_int,
    hour_grain,
    in_range,
    percentile_sql,
    press_grain,
    rating_grain,
    raw_days,
    rows,
    sites_sql,
    ticket_grain,
    tune_for_report,
)
from db.rollup_read import ReadPlan
from db.site import site_info

STAT_KEYS = ("mean", "median", "p90", "max")
#: the plan that reads every day from the ticket rows (no rollup)
_LIVE = ReadPlan()


@dataclass(frozen=True)
class _Dimension:
    """One breakdown and the columns that say which of its groups a ticket belongs to.

    The ``*_col`` names are columns of the per-group "grain" (see
    ``_ticket_figures``); ``key`` is the same as an expression on ticket ``t``
    for the window-function queries, ``press_key`` on rating ``r``.
    """

    name: str                # "day", "service", ... ("" for the totals)
    issued_col: str          # grain column for issued / no_show / cancelled / transferred
    served_col: str          # grain column for served, times, ratings
    press_key: str | None    # press grain column for unattached presses; None = not applicable
    ticket_key: str = ""     # the key on ticket ``t`` when it is not ``t.<served_col>``

    @property
    def key(self) -> str:
        return self.ticket_key or (f"t.{self.served_col}" if self.served_col else "0")


_TOTALS = _Dimension("", "", "", "")
_DIMENSIONS = (
    _Dimension("day", "service_day", "service_day", "service_day"),
    _Dimension("service", "issued_service_id", "service_id", None),
    _Dimension("counter", "counter_id", "counter_id", "counter_id"),
    _Dimension("officer", "officer_id", "officer_id", "officer_id"),
)
_ALL = (_TOTALS, *_DIMENSIONS)
#: ``by_site`` of the all-sites report: a ticket never leaves its site, so its issued and served
#: services, its counter and its presses' counter all name the same site (joined in ``_site_branch``)
_SITE = _Dimension("site", "issued_service_id", "service_id", "counter_id",
                   "(SELECT x.site_id FROM service x WHERE x.id = t.service_id)")
_ALL_SITES = (*_ALL, _SITE)

#: Site ids the queries cover; None = this process's site.  Set by ``build_all_sites_report``.
_SCOPE = SCOPE
_sites_sql = sites_sql
_in_range = in_range
_rows = rows
_floor_int = floor_int
_DONE, _WAIT, _SERVICE, _APPT_WAIT = DONE, WAIT, SERVICE, APPT_WAIT


def _rollup(grain: str, branches: list[tuple[str, str]], measures: str, params: Iterable[Any],
            day_grain: str | None = None) -> list[tuple]:
    """Aggregate a small grouped "grain" CTE once more per breakdown, in one statement.

    ``branches`` are (label, grain column); an empty column is the grand total.
    Keys come back as text (one column type for all branches); ``_key``
    turns them back.  The grain is referenced several times, so both engines
    materialise it: the ticket range is scanned once.  With ``day_grain`` (the
    grain of a long rolled range, ``_grains``) the "day" branch sums that one
    and the others the month-level ``grain``; the live part, and so ``params``,
    appears in both.
    """
    parts = []
    for label, column in branches:
        source = "gd" if day_grain is not None and label == "day" else "g"
        if label.split(":")[-1] == "site":
            join, key = _site_branch(source, column)
            parts.append(f"SELECT '{label}', CAST({key} AS TEXT), {measures.replace('g.', source + '.')} "
                         f"FROM {source}{join} GROUP BY {key}")
        elif column:
            parts.append(f"SELECT '{label}', CAST({source}.{column} AS TEXT), {measures.replace('g.', source + '.')} "
                         f"FROM {source} GROUP BY {source}.{column}")
        else:
            # No GROUP BY: one row even for an empty range (NULL sums), skipped by the caller.
            parts.append(f"SELECT '{label}', CAST('*' AS TEXT), {measures} FROM g")
    ctes = f"g AS ({grain})" + (f",\ngd AS ({day_grain})" if day_grain is not None else "")
    params = tuple(params)
    return _rows(f"WITH {ctes}\n" + "\nUNION ALL\n".join(parts), params * 2 if day_grain is not None else params)


def _site_branch(source: str, column: str) -> tuple[str, str]:
    """(join, key) that group grain ``source`` by the site owning its ``column`` (a service or counter id)."""
    table = "counter" if column == "counter_id" else "service"
    return f" JOIN {table} x ON x.id = {source}.{column}", "x.site_id"


def _key(dim_name: str, text: str | None) -> Any:
    """Back from the rollup's text key: day stays text, ids become ints, totals are 0."""
    if text is None:
        return None
    if dim_name == "":
        return 0
    return text if dim_name == "day" else int(text)


# ----------------------------------------------------------------- the queries

def _grain(build: Callable[[], str], table: str, columns: str, plan: ReadPlan) -> str:
    """The grain ``build`` makes, live for the plan's raw days, ``UNION ALL`` the stored rows of its rolled days.

    Both halves have the same columns (the rollup stores what ``build`` returns), so whatever sums
    the grain gives the same figures either way; the stored half takes no parameters.
    """
    with raw_days(plan.raw_days):
        live = build()
    if not plan.rolled_days:
        return live
    return f"{live}\nUNION ALL\n{rollup_read.rolled_sql(table, columns, plan.rolled_days, _sites_sql())}"


def _grains(build: Callable[[], str], table: str, month_table: str, columns: str,
            plan: ReadPlan) -> tuple[str, str | None]:
    """(grain, day grain): ``_grain``, and for a plan with whole rolled months a cheaper pair.

    Then the first sums ``month_table`` for those months (one row per key and month instead of
    one per key and day) and the second, for the "day" breakdown only, is ``_grain`` itself.
    """
    day = _grain(build, table, columns, plan)
    if not plan.grain_months:
        return day, None
    in_months = plan.month_days()
    with raw_days(plan.raw_days):
        live = build()
    sites = _sites_sql()
    firsts = tuple(f"{m}-01" for m in plan.grain_months)
    rest = tuple(d for d in plan.rolled_days if d not in in_months)
    grain = (f"{live}\nUNION ALL\n{rollup_read.rolled_sql(table, columns, rest, sites)}"
             f"\nUNION ALL\n{rollup_read.rolled_sql(month_table, columns, firsts, sites)}")
    return grain, day


def _ticket_figures(span: tuple[str, str], plan: ReadPlan = _LIVE, dims: tuple[_Dimension, ...] = _ALL
                    ) -> tuple[dict[tuple[str, Any], tuple], dict[tuple[str, Any], dict]]:
    """Counts (issued side) and served sums/maxima (served side) for every breakdown.

    The grain groups the range's tickets by every key at once (a month of a
    busy province is a few thousand groups); each breakdown then sums the
    grain.  Means are sums over counts, so they roll up exactly.
    """
    grain, day_grain = _grains(ticket_grain, "report_day", "report_month",
                               f"{GRAIN_NAMES}, {', '.join(TICKET_MEASURES)}", plan)
    measures = ("SUM(g.issued), SUM(g.no_show), SUM(g.cancelled), SUM(g.transferred), SUM(g.served), "
                "SUM(g.wait_sum), MAX(g.wait_max), SUM(g.service_sum), MAX(g.service_max), "
                "SUM(g.with_target), SUM(g.within)")
    branches = [(d.name, d.issued_col) for d in dims] + [("served:service", "service_id")]
    counts: dict[tuple[str, Any], tuple] = {}
    served: dict[tuple[str, Any], dict] = {}
    for label, text, issued, no_show, cancelled, transferred, n, wait_sum, wait_max, svc_sum, svc_max, \
            with_target, within in _rollup(grain, branches, measures, span, day_grain):
        if issued is None:
            continue  # the totals row of an empty range
        name = label.split(":")[-1]
        key = _key(name, text)
        if not label.startswith("served:"):
            counts[(name, key)] = (int(issued), int(no_show or 0), int(cancelled or 0), int(transferred or 0))
        if (name != "service" or label.startswith("served:")) and n:
            served[(name, key)] = {
                "served": int(n),
                "wait_s": {"mean": float(wait_sum) / int(n), "max": wait_max},
                "service_s": {"mean": float(svc_sum) / int(n), "max": svc_max},
                "with_target": int(with_target or 0),
                "within": int(within or 0),
            }
    return counts, served


def _percentiles(dim: _Dimension, span: tuple[str, str], value: str) -> dict[Any, tuple[Any, Any]]:
    """(median, p90) of ``value`` over served tickets, per served-side key (exact, from the ticket rows).

    One query per breakdown (``report_grains.percentile_sql``): sorting all breakdowns' rows together
    costs more.
    """
    return {k: (median, p90) for k, median, p90 in _rows(percentile_sql(dim.key, value), span)}


def _rating_figures(span: tuple[str, str], plan: ReadPlan = _LIVE, dims: tuple[_Dimension, ...] = _ALL
                    ) -> dict[tuple[str, Any], dict[int, tuple[int, int]]]:
    """Per breakdown key and rating value: (rated tickets, of which served).

    A ticket's rating is its latest counted press, picked by ``ROW_NUMBER``
    over the presses of the range's tickets (``rating(ticket, pressed_at)``
    index); ratings count where the ticket was served.
    """
    grain, day_grain = _grains(rating_grain, "report_day_rating", "report_month_rating",
                               f"{GRAIN_NAMES}, value, rated, served", plan)
    result: dict[tuple[str, Any], dict[int, tuple[int, int]]] = {}
    branches_sql = []
    for d in dims:
        g = "gd" if day_grain is not None and d.name == "day" else "g"
        join, column = _site_branch(g, d.served_col) if d is _SITE else ("", f"{g}.{d.served_col}")
        column = column if d.served_col else "'*'"
        group = f"GROUP BY {column}, {g}.value" if d.served_col else f"GROUP BY {g}.value"
        branches_sql.append(f"SELECT '{d.name}', CAST({column} AS TEXT), {g}.value, SUM({g}.rated), "
                            f"SUM({g}.served) FROM {g}{join} {group}")
    ctes = f"g AS ({grain})" + (f",\ngd AS ({day_grain})" if day_grain is not None else "")
    params = (*span, True) * (2 if day_grain is not None else 1)
    for label, text, value, rated, served in _rows(f"WITH {ctes}\n" + "\nUNION ALL\n".join(branches_sql), params):
        if rated is None:
            continue
        result.setdefault((label, _key(label, text)), {})[int(value)] = (int(rated), int(served or 0))
    return result


def _unattached(span: tuple[str, str], plan: ReadPlan = _LIVE, dims: tuple[_Dimension, ...] = _ALL
                ) -> dict[tuple[str, Any], int]:
    """Counted presses that found no ticket, by the press's own day, counter and officer."""
    grain = _grain(press_grain, "report_day_press", "service_day, counter_id, officer_id, n", plan)
    branches = [(d.name, d.press_key) for d in dims if d.press_key is not None]
    return {(label, _key(label, text)): int(n) for label, text, n in _rollup(grain, branches, "SUM(g.n)",
                                                                             (True, *span)) if n}


def _booking_figures(span: tuple[str, str], now: float, grace_s: float, dims: tuple[_Dimension, ...] = _ALL
                     ) -> dict[tuple[str, Any], tuple]:
    """(made, checked_in, no_show, cancelled) per slot day, booked service (and site) and in total (always live)."""
    grain = """
        SELECT b.service_day, b.service_id,
               COUNT(*) AS made,
               SUM(CASE WHEN b.status = 'checked_in' THEN 1 ELSE 0 END) AS checked_in,
               SUM(CASE WHEN b.status = 'booked' AND b.slot_start + ? < ? THEN 1 ELSE 0 END) AS no_show,
               SUM(CASE WHEN b.status = 'cancelled' THEN 1 ELSE 0 END) AS cancelled
        FROM booking b
        WHERE b.service_day BETWEEN ? AND ? AND b.service_id IN (""" + SITE_SERVICES.format(
        site=_sites_sql()) + """)
        GROUP BY b.service_day, b.service_id"""
    branches = [("", ""), ("day", "service_day"), ("service", "service_id")]
    if _SITE in dims:
        branches.append(("site", "service_id"))
    rows = _rollup(grain, branches, "SUM(g.made), SUM(g.checked_in), SUM(g.no_show), SUM(g.cancelled)",
                   (grace_s, now, *span))
    return {(label, _key(label, text)): tuple(int(v or 0) for v in values)
            for label, text, *values in rows if values[0] is not None}


def _appointment_figures(span: tuple[str, str], plan: ReadPlan = _LIVE, dims: tuple[_Dimension, ...] = _ALL
                         ) -> dict[tuple[str, Any], dict[str, Any]]:
    """Served appointment tickets' waits (count, mean, max; median and p90 added later), served side."""
    grain = _grain(appointment_grain, "report_day_appt", f"{GRAIN_NAMES}, n, total, longest", plan)
    branches = [(d.name, d.served_col) for d in dims]
    result: dict[tuple[str, Any], dict[str, Any]] = {}
    for label, text, n, total, longest in _rollup(grain, branches, "SUM(g.n), SUM(g.total), MAX(g.longest)", span):
        if n:
            result[(label, _key(label, text))] = {"mean": float(total) / int(n), "max": longest}
    return result


def _dossier_figures(span: tuple[str, str], plan: ReadPlan = _LIVE, dims: tuple[_Dimension, ...] = _ALL
                     ) -> dict[tuple[str, Any], int]:
    """Dossier codes attached to the range's tickets, counted where the ticket was served."""
    grain = _grain(dossier_grain, "report_day_dossier", f"{GRAIN_NAMES}, dossiers", plan)
    branches = [(d.name, d.served_col) for d in dims]
    return {(label, _key(label, text)): int(n) for label, text, n in _rollup(grain, branches, "SUM(g.dossiers)", span)
            if n}


def _arrivals(span: tuple[str, str], plan: ReadPlan = _LIVE) -> list[dict[str, int]]:
    grain = _grain(hour_grain, "report_day_hour", "service_day, hour, issued", plan)
    rows = dict(_rows(f"WITH g AS ({grain}) SELECT g.hour, SUM(g.issued) FROM g GROUP BY g.hour", span))
    return [{"hour": int(hour), "issued": int(rows.get(hour, 0))} for hour in range(24)]


# ----------------------------------------------------------------- assembling

def _seconds(value: Any) -> float | None:
    return None if value is None else round(float(value), 1)


def _pct(part: int, whole: int) -> float | None:
    return None if not whole else round(100.0 * part / whole, 2)


def _stats(values: dict[str, Any] | None) -> dict[str, float | None]:
    values = values or {}
    return {key: _seconds(values.get(key)) for key in STAT_KEYS}


def _figures(counts: tuple[int, int, int, int] | None, served: dict[str, Any] | None,
             ratings: dict[int, tuple[int, int]] | None, unattached: int, levels: list[int],
             dossiers: int = 0, *, booked: tuple[int, int, int, int] | None = None,
             appointment_wait: dict[str, Any] | None = None) -> dict[str, Any]:
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
        "dossiers": dossiers,
        "ratings": {
            "count": rated,
            "by_value": {str(v): ratings.get(v, (0, 0))[0] for v in values},
            "pct_by_value": {str(v): _pct(ratings.get(v, (0, 0))[0], rated) for v in values},
            "rated_share_pct": _pct(rated_served, n_served),
            "unattached": unattached,
        },
        "bookings": dict(zip(("made", "checked_in", "no_show", "cancelled"), booked or (0, 0, 0, 0))),
        "appointment_wait_s": _stats(appointment_wait),
    }


def _all_breakdowns(span: tuple[str, str], levels: list[int], now: float | None = None,
                    grace_s: float = 900.0, plan: ReadPlan = _LIVE, *, dims: tuple[_Dimension, ...] = _ALL,
                    booked: dict[tuple[str, Any], tuple] | None = None,
                    levels_of: Callable[[str, Any], list[int]] | None = None
                    ) -> dict[str, dict[Any, dict[str, Any]]]:
    """FIGURES for every key of every breakdown ("" = totals) that has any activity in the range.

    ``plan`` says which days the rollup answers (``db.rollup_read.plan``); the default reads every
    day live.  Medians and p90 are exact for ranges up to ``EXACT_PERCENTILE_DAYS``; longer rolled
    ranges, and with ``dims`` including ``by_site`` (the all-sites report) every rolled range, read
    them from stored histograms (``db.report_hist``).  ``booked`` replaces the bookings read with
    ``grace_s``; ``levels_of(breakdown, key)`` the rating ``levels`` of one entry.
    """
    several = _SITE in dims
    counts, served = _ticket_figures(span, plan, dims)
    if booked is None:
        booked = _booking_figures(span, time.time() if now is None else now, grace_s, dims)
    appointments = _appointment_figures(span, plan, dims)
    if plan.uses_rollup and (several or _days(span) > rollup_read.EXACT_PERCENTILE_DAYS):
        report_hist.add_percentiles(span, plan, served, appointments, single_site=not several,
                                    exact=_exact_percentiles)
    else:
        _exact_percentiles(span, served, appointments, dims=dims)
    ratings = _rating_figures(span, plan, dims)
    unattached = _unattached(span, plan, dims)
    dossiers = _dossier_figures(span, plan, dims)
    result: dict[str, dict[Any, dict[str, Any]]] = {d.name: {} for d in dims}
    for name, key in (set(counts) | set(served) | set(ratings) | set(unattached) | set(dossiers) | set(booked)
                      | set(appointments)):
        if key is None:  # never called: no counter / officer
            continue
        result[name][key] = _figures(counts.get((name, key)), served.get((name, key)), ratings.get((name, key)),
                                     unattached.get((name, key), 0),
                                     levels_of(name, key) if levels_of else levels, dossiers.get((name, key), 0),
                                     booked=booked.get((name, key)), appointment_wait=appointments.get((name, key)))
    return result


def _exact_percentiles(span: tuple[str, str], served: dict, appointments: dict,
                       dims: Iterable[_Dimension] = _ALL) -> None:
    """Add the exact medians and p90 of ``dims`` (window functions over the ticket rows; ``RAW_DAYS`` applies)."""
    dims = [d if isinstance(d, _Dimension) else _BY_NAME[d] for d in dims]
    for dim in dims:
        for k, (median, p90) in _percentiles(dim, span, _APPT_WAIT).items():
            if (dim.name, k) in appointments:
                appointments[(dim.name, k)].update(median=median, p90=p90)
    for dim in dims:
        for name, value in (("wait_s", _WAIT), ("service_s", _SERVICE)):
            for k, (median, p90) in _percentiles(dim, span, value).items():
                entry = served.get((dim.name, k))
                if entry is not None:
                    entry[name].update(median=median, p90=p90)


_BY_NAME = {d.name: d for d in _ALL_SITES}


def _days(span: tuple[str, str]) -> int:
    return (date.fromisoformat(span[1]) - date.fromisoformat(span[0])).days + 1


def _scope_ids() -> tuple[int, ...]:
    """The covered site ids (``_SCOPE``, else this process's site)."""
    return _SCOPE.get() or (current_site.site_id(),)


def _plan(span: tuple[str, str]) -> ReadPlan:
    """Which days of ``span`` the rollup answers for the covered sites (read in the report's transaction)."""
    return rollup_read.plan(span, _scope_ids())


def _parse_day(text: str, label: str) -> str:
    if isinstance(text, date):
        return text.isoformat()
    return inputs.iso_day(text, f"Ngày {label}", f"--{label} date").isoformat()


def build_report(date_from: str | date, date_to: str | date, *, now: float | None = None) -> dict[str, Any]:
    """The section-6 report over service days ``date_from`` .. ``date_to`` (inclusive).

    Returns the JSON-ready dict printed by ``onestop report --format json``.
    Services and counters that are active (or had activity) are always listed,
    so a quiet service shows as zeros; days and officers only with activity.
    ``now`` (default: the clock) decides which bookings are no-shows yet.
    """
    day_from, day_to = _parse_day(str(date_from), "from"), _parse_day(str(date_to), "to")
    if day_from > day_to:
        raise InvalidInput(f"Khoảng ngày sai: {day_from} sau {day_to}", f"--from {day_from} is after --to {day_to}")
    span = (day_from, day_to)

    def read() -> dict[str, Any]:
        with read_transaction():
            tune_for_report()
            site = current_site.row_or_none()
            levels = sorted((lv.value for lv in site_info(site).rating_levels), reverse=True) if site else [3, 2, 1]
            plan = _plan(span)
            parts = _all_breakdowns(span, levels, now, _grace_s(site), plan)
            totals = parts[""].get(0) or _figures(None, None, None, 0, levels)
            arrivals = _arrivals(span, plan)
            services = list(current_site.rows(Service).order_by(Service.sort_order, Service.code))
            counters = list(current_site.rows(Counter).order_by(Counter.number))
            officers = {o.id: o.username for o in current_site.rows(Officer, Officer.id, Officer.username)}

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


def build_all_sites_report(date_from: str | date, date_to: str | date, *,
                           now: float | None = None) -> dict[str, Any]:
    """``onestop report --all-sites``: the section-6 document over every site of the database.

    ``totals``, ``by_day`` and ``arrivals_by_hour`` are computed over all sites
    at once (medians are not sums, so they are not added up from the sites);
    ``by_site`` holds each site's own totals plus ``"site"`` and ``"name"``;
    ``by_service``, ``by_counter`` and ``by_officer`` are each site's rows with
    ``"site"`` added (codes and numbers are only unique within a site).  All of
    it is one pass over the sites together (``by_site`` is one more breakdown),
    not one report per site: a province's month is 120 sites.  Booking no-shows
    use each site's own grace, in the totals too.  Medians and p90 of a range
    with rolled days come from histograms (docs/rollup.md); counts are exact.
    """
    day_from, day_to = _parse_day(str(date_from), "from"), _parse_day(str(date_to), "to")
    if day_from > day_to:
        raise InvalidInput(f"Khoảng ngày sai: {day_from} sau {day_to}", f"--from {day_from} is after --to {day_to}")
    span = (day_from, day_to)

    def read() -> dict[str, Any]:
        with read_transaction():
            tune_for_report()
            sites = list(Site.select().order_by(Site.code))
            ids = tuple(site.id for site in sites) or (-1,)
            site_levels = {site.id: sorted((lv.value for lv in site_info(site).rating_levels), reverse=True)
                           for site in sites}
            levels = sorted({v for values in site_levels.values() for v in values} or {3, 2, 1}, reverse=True)
            services = list(Service.select().where(Service.site.in_(ids)).order_by(Service.sort_order, Service.code))
            counters = list(Counter.select().where(Counter.site.in_(ids)).order_by(Counter.number))
            officers = list(Officer.select(Officer.id, Officer.username, Officer.site)
                            .where(Officer.site.in_(ids)))
            owner = {("site", site.id): site.id for site in sites}
            owner.update({("service", row.id): row.site_id for row in services})
            owner.update({("counter", row.id): row.site_id for row in counters})
            owner.update({("officer", row.id): row.site_id for row in officers})
            token = _SCOPE.set(ids)
            try:
                plan = _plan(span)
                booked = _bookings_by_grace(span, time.time() if now is None else now, sites)
                parts = _all_breakdowns(span, levels, now, plan=plan, dims=_ALL_SITES, booked=booked,
                                        levels_of=lambda name, key: site_levels.get(owner.get((name, key)), levels))
                arrivals = _arrivals(span, plan)
            finally:
                _SCOPE.reset(token)

        def empty(site_id: int) -> dict[str, Any]:
            return _figures(None, None, None, 0, site_levels[site_id])

        def rows_of(site: Site, section: str, label: str, listed: list, code: Callable[[Any], Any]) -> list[dict]:
            return [{"site": site.code, label: code(row), **parts[section].get(row.id, empty(site.id))}
                    for row in listed if row.site_id == site.id and (row.active or row.id in parts[section])]

        by_officer = []
        for site in sites:
            named = sorted(({"site": site.code, "officer": o.username, **parts["officer"][o.id]}
                            for o in officers if o.site_id == site.id and o.id in parts["officer"]),
                           key=lambda row: row["officer"])
            by_officer.extend(named)
        return {
            "from": day_from,
            "to": day_to,
            "totals": parts[""].get(0) or _figures(None, None, None, 0, levels),
            "by_site": [{"site": site.code, "name": site.name, **parts["site"].get(site.id, empty(site.id))}
                        for site in sites],
            "by_day": [{"day": str(day), **parts["day"][day]} for day in sorted(parts["day"])],
            "by_service": [row for site in sites
                           for row in rows_of(site, "service", "service", services, lambda s: s.code)],
            "by_counter": [row for site in sites
                           for row in rows_of(site, "counter", "counter", counters, lambda c: c.number)],
            "by_officer": by_officer,
            "arrivals_by_hour": arrivals,
        }

    return with_retry(read)


def _bookings_by_grace(span: tuple[str, str], now: float, sites: list[Site]) -> dict[tuple[str, Any], tuple]:
    """The bookings of every site, each site's no-shows after its own grace (one query per distinct grace)."""
    groups: dict[float, list[int]] = {}
    for site in sites:
        groups.setdefault(_grace_s(site), []).append(site.id)
    total: dict[tuple[str, Any], tuple] = {}
    for grace_s, ids in groups.items():
        token = _SCOPE.set(tuple(ids))
        try:
            part = _booking_figures(span, now, grace_s, _ALL_SITES)
        finally:
            _SCOPE.reset(token)
        for key, values in part.items():
            total[key] = tuple(a + b for a, b in zip(total.get(key, (0, 0, 0, 0)), values))
    return total


def all_sites_labels() -> dict[str, Any]:
    """``report_labels`` for an all-sites document: names keyed by ``"SITE/code"`` (see ``report_export``)."""
    from db.models import Site as SiteRow

    labels: dict[str, Any] = {"site": "Tất cả các điểm", "site_en": "All sites", "services": {}, "counters": {},
                              "officers": {}, "sites": {}, "levels": []}
    seen: set[int] = set()
    for site in with_retry(lambda: list(SiteRow.select().order_by(SiteRow.code))):
        with current_site.acting_for(site.id):
            one = report_labels()
        labels["sites"][site.code] = one["site"]
        for kind in ("services", "counters", "officers"):
            labels[kind].update({f"{site.code}/{key}": name for key, name in one[kind].items()})
        for level in one["levels"]:
            if level[0] not in seen:
                seen.add(level[0])
                labels["levels"].append(level)
    return labels


def _grace_s(site: Site | None) -> float:
    """``[booking] grace_min`` in seconds: after it a booking not checked in is a no-show."""
    settings = json.loads(site.settings or "{}") if site is not None else {}
    return 60.0 * int((settings.get("booking") or {}).get("grace_min", 15))


# ----------------------------------------------------------------- extras for screens and exports

def report_labels() -> dict[str, Any]:
    """Names to show next to the report's keys (the JSON itself carries only codes)."""

    def read() -> dict[str, Any]:
        site = current_site.row_or_none()
        info = site_info(site) if site else None
        return {
            "site": info.name if info else "",
            "site_en": info.name_en if info else "",
            "services": {s.code: (s.name, s.name_en or s.name) for s in current_site.rows(Service)},
            "counters": {c.number: c.name for c in current_site.rows(Counter)},
            "officers": {o.username: o.full_name for o in current_site.rows(Officer)},
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
                  WHERE {_in_range()} AND {_DONE} AND t.called_at IS NOT NULL) d
            GROUP BY bucket""", (day_from, day_to))
        counts = {int(b): int(n) for b, n in rows}
        return [{"from_s": i * bucket_s, "to_s": (i + 1) * bucket_s if i < last else None,
                 "served": counts.get(i, 0)} for i in range(buckets)]

    return with_retry(read)
