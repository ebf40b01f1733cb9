"""The daily report rollup: storing each closed day's report grains (docs/rollup.md).

A day is *closed* for a site when it is before the site's local today and
none of its tickets is still open.  ``refresh`` rolls a site's closed days:
every day without a fresh ``report_state`` (never rolled, or changed since:
``db.rollup_read``) gets its grains stored again by ``INSERT ... SELECT`` of
the very SQL the live report runs (``db.report_grains``), and every month
whose days are all rolled gets its time histograms.  Fresh units only have
their watermarks moved forward, which keeps the freshness check of the next
report small.

Two callers: ``db.queue`` when a day closes (``close_days_before``: the last
week, inside the operation's transaction) and ``onestop rollup`` (all history,
one transaction per batch of days; ``--rebuild`` ignores the fingerprints).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, timedelta

import peewee as pw

from db import clock, current_site, statuses
from db.connection import database_proxy, is_postgres
from db.models import ROLLUP_DAY_MODELS, ReportDayStats, ReportState
from db.report_grains import (
    GRAIN_NAMES,
    MEASURES,
    SCOPE,
    SITE_SERVICES,
    TICKET_MEASURES,
    appointment_grain,
    day_list,
    dossier_grain,
    hist_by_dim,
    hour_grain,
    percentile_sql,
    press_grain,
    rating_grain,
    raw_days,
    rows,
    site_column,
    sql,
    ticket_grain,
)
from db.rollup_read import calendar, config_digest, fresh_states, month_bounds

_log = logging.getLogger(__name__)

#: how far back ``close_days_before`` looks (late ratings, a sync of last week); older days: ``onestop rollup``
RECENT_DAYS = 7
#: days built per statement (and per transaction for ``onestop rollup``)
BATCH_DAYS = 31

#: (table, its columns after site_id, grain builder, parameters of the builder: "span" or "press"/"rating")
_DAY_TABLES = (
    ("report_day", f"{GRAIN_NAMES}, {', '.join(TICKET_MEASURES)}", ticket_grain, "span"),
    ("report_day_rating", f"{GRAIN_NAMES}, value, rated, served", rating_grain, "rating"),
    ("report_day_appt", f"{GRAIN_NAMES}, n, total, longest", appointment_grain, "span"),
    ("report_day_dossier", f"{GRAIN_NAMES}, dossiers", dossier_grain, "span"),
    ("report_day_press", "service_day, counter_id, officer_id, n", press_grain, "press"),
    ("report_day_hour", "service_day, hour, issued", hour_grain, "span"),
)


_MONTH_KEYS = "issued_service_id, service_id, counter_id, officer_id"
#: (month table, the day table it sums, its keys besides site and day, (column, aggregate) pairs)
_MONTH_TABLES = (
    ("report_month", "report_day", _MONTH_KEYS,
     tuple((name, "MAX" if name.endswith("_max") else "SUM") for name in TICKET_MEASURES)),
    ("report_month_rating", "report_day_rating", f"{_MONTH_KEYS}, value", (("rated", "SUM"), ("served", "SUM"))),
)


@dataclass
class RollupResult:
    """What one ``refresh`` of a site did."""

    site_id: int
    days_built: int = 0
    months_built: int = 0
    days_fresh: int = 0
    days_open: int = 0

    def line(self, code: str) -> str:
        return (f"site {code}: {self.days_built} days and {self.months_built} months rolled, "
                f"{self.days_fresh} days already fresh, {self.days_open} days with open tickets left live")


def close_days_before(today: str) -> None:
    """Roll this process's site's recent closed days (called by ``db.queue`` when its day closes).

    Runs inside the caller's write transaction, after the day's open tickets were closed.  Looks back
    ``RECENT_DAYS`` (from the first of that month, so a month that just ended gets its histograms);
    older history is rolled by ``onestop rollup``.  The month so far is left to ``onestop rollup``:
    rebuilding it reads the whole month's tickets, which the first citizen of the day would wait for
    (3 M tickets on SQLite: 28 ms for the day alone, 312 ms with the month so far; a site's month in a
    province database is seconds).
    """
    site_id = current_site.site_id_or_none()
    if site_id is None or not _claim(site_id):
        return
    first = (date.fromisoformat(today) - timedelta(days=RECENT_DAYS)).isoformat()
    try:
        # A savepoint: a rollup that cannot be written (a program role granted before v11, a bug)
        # must never cost the ticket being issued; reports then read those days live.
        with database_proxy.obj.atomic():
            refresh(site_id, today, first=first, month_so_far=False)
    except (pw.ProgrammingError, pw.IntegrityError, pw.DataError) as exc:
        _log.warning("daily report rollup skipped: %s", exc)


def refresh(site_id: int, today: str, *, first: str | None = None, rebuild: bool = False,
            step: Callable[[], AbstractContextManager] = contextlib.nullcontext,
            month_so_far: bool = True) -> RollupResult:
    """Roll every closed day of ``site_id`` from ``first`` (default: the oldest ticket) to yesterday.

    ``step`` wraps each batch of writes (``onestop rollup`` passes ``write_transaction``; inside an
    operation nothing is needed).  ``rebuild`` rebuilds fresh days too.  ``month_so_far``: also the
    histograms of a month whose days are not all closed yet (its days so far); else whole months only.
    """
    result = RollupResult(site_id)
    with _scope(site_id):
        origin = rows("SELECT MIN(service_day) FROM ticket", ())[0][0]
        if origin is None:
            return result
        start = max(first or origin, origin)
        start = date.fromisoformat(start).replace(day=1).isoformat()  # whole months, for the histograms
        last = (date.fromisoformat(today) - timedelta(days=1)).isoformat()
        if start > last:
            return result
        days = calendar(start, last)
        head = _head()
        fresh = {(s.kind, s.first_day): s for s in fresh_states((site_id,), start, last)}
        counts = _ticket_counts(start, last)
        fresh_days = {d for (kind, d), s in fresh.items() if kind == "day" and s.tickets == counts.get(d, 0)}
        open_days = _open_days(start, last)
        build = [d for d in days if (rebuild or d not in fresh_days) and d not in open_days]
        result.days_open = len(open_days)
        result.days_fresh = len(fresh_days - set(build) - open_days)
        with step():
            _forget_days(site_id, sorted(open_days))
        for batch in _chunks(build, BATCH_DAYS):
            with step():
                _build_days(site_id, batch, head, counts)
        result.days_built = len(build)
        with step():
            _move_watermarks(site_id, "day", sorted(fresh_days - set(build)), head)
        rolled = (fresh_days | set(build)) - open_days
        built = set(build)
        for month in sorted({d[:7] for d in days}):
            month_first, month_last = month_bounds(month)
            covered = _rolled_prefix(month, last, rolled)
            if month_first < start or covered is None or (not month_so_far and covered != month_last):
                continue
            state = fresh.get(("month", month_first))
            if (rebuild or state is None or state.last_day != covered
                    or any(d in built for d in calendar(month_first, covered))):
                with step():
                    _build_month(site_id, month, covered, head)
                result.months_built += 1
            else:
                with step():
                    _move_watermarks(site_id, "month", [month_first], head)
    return result


#: advisory lock class of "this site's days are being rolled" (PostgreSQL); the key is the site id
ROLLUP_LOCK = 0x726F6C6C  # "roll"


def _claim(site_id: int) -> bool:
    """PostgreSQL: this transaction alone rolls ``site_id`` (True), or another one is at it (False).

    Every kiosk and counter process of a site rolls its closed days at its first operation of the
    day, so on a Monday morning twenty of them start at once; without the lock each read "not
    rolled" and inserted the same ``report_state`` rows (the soak saw the duplicate-key warnings).
    A busy lock means another process is doing it: the citizen's ticket does not wait for it.  The
    lock lasts until the transaction ends.  SQLite needs none: its writers take the database lock
    one at a time.
    """
    if not is_postgres():
        return True
    return bool(rows(f"SELECT pg_try_advisory_xact_lock({ROLLUP_LOCK}, {int(site_id)})", ())[0][0])


@contextlib.contextmanager
def _holding(site_id: int) -> Iterator[None]:
    """``onestop rollup``: the ``_claim`` lock held across its many transactions (a session lock)."""
    if not is_postgres():
        yield
        return
    rows(f"SELECT pg_advisory_lock({ROLLUP_LOCK}, {int(site_id)})", ())
    try:
        yield
    finally:
        rows(f"SELECT pg_advisory_unlock({ROLLUP_LOCK}, {int(site_id)})", ())


@contextlib.contextmanager
def _scope(site_id: int) -> Iterator[None]:
    token = SCOPE.set((site_id,))
    try:
        yield
    finally:
        SCOPE.reset(token)


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _head() -> tuple[int, int, int]:
    """The newest event, rating and dossier ids, read before building: the watermarks of what is built.

    Read first, so a change committed while the rollup runs has a larger id and is seen next time
    (on PostgreSQL event ids follow commit order, db/events.py; a rating or dossier always comes with
    an event, except through a sync, which also brings the ticket's events).
    """
    (event, rating, dossier), = rows("SELECT (SELECT COALESCE(MAX(id), 0) FROM event), "
                                     "(SELECT COALESCE(MAX(id), 0) FROM rating), "
                                     "(SELECT COALESCE(MAX(id), 0) FROM ticket_dossier)", ())
    return int(event), int(rating), int(dossier)


def _site_services() -> str:
    return SITE_SERVICES.format(site=str(int(SCOPE.get()[0])))


def _ticket_counts(first: str, last: str) -> dict[str, int]:
    """Tickets per day of the site (an index-only count): a ticket added without an event changes it."""
    return {day: int(n) for day, n in rows(
        f"SELECT t.service_day, COUNT(*) FROM ticket t WHERE t.service_day BETWEEN ? AND ? "
        f"AND {site_column('issued_service_id')} IN ({_site_services()}) GROUP BY t.service_day", (first, last))}


def _open_days(first: str, last: str) -> set[str]:
    """Days with a ticket still waiting or at a counter: not closed yet (the queue closes them first)."""
    listed = ", ".join(f"'{s}'" for s in statuses.OPEN)
    return {day for (day,) in rows(
        f"SELECT DISTINCT t.service_day FROM ticket t WHERE t.status IN ({listed}) "
        f"AND t.service_day BETWEEN ? AND ? AND {site_column('service_id')} IN ({_site_services()})", (first, last))}


def _delete(site_id: int, days: list[str]) -> None:
    """Remove the stored rows and states of a site's ``days``."""
    if not days:
        return
    listed = day_list(days)
    for model in ROLLUP_DAY_MODELS:
        table = model._meta.table_name
        _execute(f"DELETE FROM {table} WHERE site_id = ? AND service_day IN ({listed})", (site_id,))
    _execute(f"DELETE FROM report_state WHERE site_id = ? AND kind = 'day' AND first_day IN ({listed})", (site_id,))


def _execute(text: str, params: tuple) -> None:
    database_proxy.obj.execute_sql(sql(text), params)


def _forget_days(site_id: int, days: list[str]) -> None:
    """Days that reopened (a ticket is open again): their rows go, the report reads them live."""
    _delete(site_id, days)


def _build_days(site_id: int, days: list[str], head: tuple[int, int, int], counts: dict[str, int]) -> None:
    """Store the grains, hourly arrivals and exact per-day medians of ``days`` (one batch)."""
    _delete(site_id, days)
    span = (days[0], days[-1])
    params = {"span": span, "rating": (*span, True), "press": (True, *span)}
    with raw_days(tuple(days)):
        for table, columns, build, kind in _DAY_TABLES:
            _execute(f"INSERT INTO {table} (site_id, {columns}) SELECT {int(site_id)}, {columns} FROM ({build()}) g",
                     params[kind])
        stats = []
        for measure, value in MEASURES.items():
            for day, median, p90 in rows(percentile_sql("t.service_day", value), span):
                stats.append({"site_id": site_id, "service_day": day, "measure": measure, "median": median,
                              "p90": p90})
    for start in range(0, len(stats), 500):
        ReportDayStats.insert_many(stats[start:start + 500]).execute()
    _write_states(site_id, "day", [(d, d) for d in days], head, counts)


def _rolled_prefix(month: str, yesterday: str, rolled: set[str]) -> str | None:
    """The last day of ``month``'s unbroken run of rolled days from its first (None: its first is not rolled).

    A whole month's histograms answer any range that covers the month; those of the month so far
    ("month-to-date", up to yesterday) answer a range that starts on the first, which is what a
    province's monthly report of the current month is.
    """
    covered = None
    first, last = month_bounds(month)
    for day in calendar(first, min(last, yesterday)):
        if day not in rolled:
            break
        covered = day
    return covered


def _build_month(site_id: int, month: str, last: str, head: tuple[int, int, int]) -> None:
    """Store the served-time histograms of ``month``'s days up to ``last`` per breakdown and measure, and its grain.

    ``last`` is the month's last day, or for the current month the last closed day (month-to-date).
    The grain summed over those days (``report_month*``) stands for them in every breakdown but
    ``by_day`` (``ReadPlan.grain_months``).
    """
    first = month_bounds(month)[0]
    _execute("DELETE FROM report_hist WHERE site_id = ? AND month = ?", (site_id, month))
    _execute("DELETE FROM report_state WHERE site_id = ? AND kind = 'month' AND first_day = ?", (site_id, first))
    with raw_days(None):
        for measure in MEASURES:
            _execute(f"WITH {hist_by_dim(measure)}\n"
                     f"INSERT INTO report_hist (site_id, month, dim, group_key, measure, bucket, n) "
                     f"SELECT {int(site_id)}, '{month}', dim, group_key, '{measure}', bucket, n FROM d",
                     (first, last))
    for table, source, keys, sums in _MONTH_TABLES:
        _execute(f"DELETE FROM {table} WHERE site_id = ? AND service_day = ?", (site_id, first))
        _execute(f"INSERT INTO {table} (site_id, service_day, {keys}, {', '.join(name for name, _ in sums)}) "
                 f"SELECT site_id, '{first}', {keys}, {', '.join(f'{fn}({name})' for name, fn in sums)} "
                 f"FROM {source} WHERE site_id = ? AND service_day BETWEEN ? AND ? GROUP BY site_id, {keys}",
                 (site_id, first, last))
    _write_states(site_id, "month", [(first, last)], head, {})


def _write_states(site_id: int, kind: str, units: list[tuple[str, str]], head: tuple[int, int, int],
                  counts: dict[str, int]) -> None:
    config = config_digest(site_id, kind)
    moment = clock.now_epoch()
    ReportState.insert_many([
        {"site_id": site_id, "kind": kind, "first_day": first, "last_day": last, "event_id": head[0],
         "rating_id": head[1], "dossier_id": head[2], "tickets": counts.get(first, 0) if kind == "day" else 0,
         "config": config, "built_at": moment}
        for first, last in units]).execute()


def _move_watermarks(site_id: int, kind: str, firsts: list[str], head: tuple[int, int, int]) -> None:
    """Fresh units checked up to ``head``: the next check starts there (only rows that change are written)."""
    if not firsts:
        return
    _execute(f"UPDATE report_state SET event_id = ?, rating_id = ?, dossier_id = ? "
             f"WHERE site_id = ? AND kind = ? AND first_day IN ({day_list(firsts)}) "
             f"AND (event_id <> ? OR rating_id <> ? OR dossier_id <> ?)", (*head, site_id, kind, *head))


def roll_sites(site_ids: list[int] | None = None, *, rebuild: bool = False) -> list[tuple[str, RollupResult]]:
    """``onestop rollup``: refresh every site (or ``site_ids``) up to its own local yesterday.

    One write transaction per batch of days, so kiosks and counters on SQLite wait at most for one
    batch, never for the whole history.
    """
    from db.connection import with_retry, write_transaction
    from db.models import Site

    sites = with_retry(lambda: list(Site.select().order_by(Site.code)))
    done = []
    for site in sites:
        if site_ids is not None and site.id not in site_ids:
            continue
        today = clock.service_day(clock.now_epoch(), site.timezone)
        with _holding(site.id):
            done.append((site.code, refresh(site.id, today, rebuild=rebuild, step=write_transaction)))
    return done
