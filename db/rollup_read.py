"""Which days of a report range the daily rollup may answer, and the SQL that reads them.

A rolled unit (a site's day, or a site's month of histograms: ``report_state``)
answers only while it is *fresh*: the waiting targets it used are still the
services' targets, and no change to its tickets has a larger id than its
watermarks.  A change is an event naming one of its tickets (every queue
operation records one, and ``onestop sync`` copies them with the tickets), a
rating press for one of its tickets or on its day, or a dossier attached to
one of its tickets.  Everything else (today, stale days, days never rolled)
is read live from the ticket table, so a report is never wrong, only slower.

The freshness check reads only changes newer than the oldest watermark in the
range; as ``db.rollup`` moves every fresh unit's watermarks forward when it
runs, that is about one day of events.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from db.models import ReportState, Service
from db.report_grains import day_list, rows

#: ranges up to this many days keep the exact (window-function) medians and p90 of the raw rows
EXACT_PERCENTILE_DAYS = 31


@dataclass(frozen=True)
class ReadPlan:
    """How one report range is read: ``rolled_days`` from ``report_day*``, the rest live.

    ``raw_days`` is None when nothing is rolled (the live queries then read the whole range, exactly
    as before the rollup existed); ``hist_months`` are the months whose stored histograms answer the
    medians of a long range, ``hist_raw_days`` the range's days outside them (bucketed live).
    """

    rolled_days: tuple[str, ...] = ()
    raw_days: tuple[str, ...] | None = None
    hist_months: tuple[str, ...] = ()
    hist_raw_days: tuple[str, ...] | None = None
    #: fresh months whose days are all rolled: every breakdown but ``by_day`` sums ``report_month*`` for them
    grain_months: tuple[str, ...] = ()
    #: (month, last day) of each stored month: the month's last day, or the last closed one (the month so far)
    month_ends: tuple[tuple[str, str], ...] = ()

    def month_days(self) -> set[str]:
        """The days the ``grain_months`` stand for."""
        ends = dict(self.month_ends)
        return {d for m in self.grain_months for d in calendar(f"{m}-01", ends[m])}

    @property
    def uses_rollup(self) -> bool:
        return bool(self.rolled_days)


def calendar(first: str, last: str) -> list[str]:
    """Every day from ``first`` to ``last`` inclusive, as ``YYYY-MM-DD``."""
    day, end = date.fromisoformat(first), date.fromisoformat(last)
    days = []
    while day <= end:
        days.append(day.isoformat())
        day += timedelta(days=1)
    return days


def month_bounds(month: str) -> tuple[str, str]:
    """First and last day of ``YYYY-MM``."""
    first = date.fromisoformat(f"{month}-01")
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return first.isoformat(), (following - timedelta(days=1)).isoformat()


#: the layout of a stored month's histograms; a month built with another is stale (rebuilt by the next refresh).
#: 2: also a "day" breakdown (the all-sites report's per-day medians), and months so far (month-to-date)
HIST_LAYOUT = 2


def config_digest(site_id: int, kind: str = "day") -> str:
    """What a rolled unit's figures depend on besides its tickets: the site's waiting targets
    (``within_target``) and, for a month's histograms, their layout (``HIST_LAYOUT``)."""
    return config_digests((site_id,))[(site_id, kind)]


def config_digests(site_ids: Iterable[int]) -> dict[tuple[int, str], str]:
    """``config_digest`` of every (site, "day" | "month") of ``site_ids``, from one read of the services."""
    targets: dict[int, list[tuple[int, int | None]]] = {site: [] for site in site_ids}
    for service_id, site_id, target in (Service.select(Service.id, Service.site, Service.target_wait_min)
                                        .where(Service.site.in_(list(targets))).tuples()):
        targets[site_id].append((service_id, target))
    digests = {}
    for site, listed in targets.items():
        listed.sort()
        for kind, basis in (("day", listed), ("month", (listed, HIST_LAYOUT))):
            digests[(site, kind)] = hashlib.sha256(repr(basis).encode()).hexdigest()[:32]
    return digests


def changes_since(site_ids: Iterable[int], event_id: int, rating_id: int, dossier_id: int,
                  first: str, last: str) -> dict[tuple[int, str], tuple[int, int, int]]:
    """(site, day) -> the newest (event, rating, dossier) id touching it, for ids above the given ones."""
    sites = ", ".join(str(int(s)) for s in site_ids)
    found: dict[tuple[int, str], list[int]] = {}

    def note(index: int, result: list[tuple]) -> None:
        for site, day, newest in result:
            if day is not None and first <= day <= last:
                found.setdefault((int(site), day), [0, 0, 0])[index] = int(newest)

    note(0, rows(f"""
        SELECT e.site_id, t.service_day, MAX(e.id) FROM event e JOIN ticket t ON t.id = e.ticket_id
        WHERE e.site_id IN ({sites}) AND e.id > ? GROUP BY e.site_id, t.service_day""", (event_id,)))
    note(1, rows(f"""
        SELECT c.site_id, COALESCE(t.service_day, r.service_day), MAX(r.id)
        FROM rating r JOIN counter c ON c.id = r.counter_id LEFT JOIN ticket t ON t.id = r.ticket_id
        WHERE r.id > ? AND c.site_id IN ({sites}) GROUP BY c.site_id, COALESCE(t.service_day, r.service_day)""",
                 (rating_id,)))
    note(2, rows(f"""
        SELECT s.site_id, t.service_day, MAX(d.id)
        FROM ticket_dossier d JOIN ticket t ON t.id = d.ticket_id JOIN service s ON s.id = +t.service_id
        WHERE d.id > ? AND s.site_id IN ({sites}) GROUP BY s.site_id, t.service_day""", (dossier_id,)))
    return {key: (e, r, d) for key, (e, r, d) in found.items()}


def fresh_states(site_ids: tuple[int, ...], first: str, last: str) -> list[ReportState]:
    """The fresh ``report_state`` rows lying inside ``first`` .. ``last`` for these sites."""
    states = list(ReportState.select().where(ReportState.site_id.in_(site_ids) & (ReportState.first_day >= first)
                                             & (ReportState.last_day <= last)))
    if not states:
        return []
    digests = config_digests(site_ids)
    states = [s for s in states if s.config == digests.get((s.site_id, s.kind))]
    if not states:
        return []
    changes = changes_since(site_ids, min(s.event_id for s in states), min(s.rating_id for s in states),
                            min(s.dossier_id for s in states), first, last)
    by_site: dict[int, list[tuple[str, tuple[int, int, int]]]] = {}
    for (site, day), ids in changes.items():
        by_site.setdefault(site, []).append((day, ids))
    fresh = []
    for state in states:
        marks = (state.event_id, state.rating_id, state.dossier_id)
        if not any(state.first_day <= day <= state.last_day and any(i > m for i, m in zip(ids, marks))
                   for day, ids in by_site.get(state.site_id, ())):
            fresh.append(state)
    return fresh


def plan(span: tuple[str, str], site_ids: tuple[int, ...]) -> ReadPlan:
    """Decide, for the covered sites, which days of ``span`` the rollup answers (every site fresh)."""
    first, last = span
    states = fresh_states(site_ids, first, last)
    wanted = len(set(site_ids))
    day_sites: dict[str, set[int]] = {}
    month_spans: dict[str, dict[int, str]] = {}
    for state in states:
        if state.kind == "day":
            day_sites.setdefault(state.first_day, set()).add(state.site_id)
        else:
            month_spans.setdefault(state.first_day, {})[state.site_id] = state.last_day
    rolled = tuple(sorted(d for d, sites in day_sites.items() if len(sites) == wanted))
    if not rolled:
        return ReadPlan()
    everything = calendar(first, last)
    rolled_set = set(rolled)
    # A month's histograms serve when every site has them over the same days (whole month or month so far).
    spans = {m: next(iter(ends.values())) for m, ends in month_spans.items()
             if len(ends) == wanted and len(set(ends.values())) == 1}
    months = tuple(sorted(m[:7] for m in spans))
    in_months = {d for m, end in spans.items() for d in calendar(m, end)}
    summed = tuple(m[:7] for m, end in sorted(spans.items()) if all(d in rolled_set for d in calendar(m, end)))
    return ReadPlan(rolled_days=rolled, raw_days=tuple(d for d in everything if d not in rolled_set),
                    hist_months=months, hist_raw_days=tuple(d for d in everything if d not in in_months),
                    grain_months=summed, month_ends=tuple((m[:7], end) for m, end in sorted(spans.items())))


def rolled_sql(table: str, columns: str, days: tuple[str, ...], sites: str) -> str:
    """``SELECT columns FROM table`` for the rolled days of the covered sites (an empty result if none)."""
    if not days:
        return f"SELECT {columns} FROM {table} WHERE 1 = 0"
    return f"SELECT {columns} FROM {table} WHERE site_id IN ({sites}) AND service_day IN ({day_list(days)})"


def hist_sql(measure: str, months: tuple[str, ...], sites: str, dims: Iterable[str]) -> str:
    """(dim, group_key, bucket, n) of the stored histograms of ``months`` for ``dims`` (no parameters).

    A site's totals are its "site" histogram: the "" rows keyed by their site.
    """
    listed = ", ".join(f"'{m}'" for m in months if len(m) == 7 and m[4] == "-" and m.replace("-", "").isdigit())
    dims = set(dims)
    stored = sorted(d for d in dims if d != "site")
    where = f"site_id IN ({sites}) AND measure = '{measure}' AND month IN ({listed})"
    named = ", ".join(f"'{d}'" for d in stored)
    parts = [f"SELECT dim, group_key, bucket, n FROM report_hist WHERE {where} AND dim IN ({named})"] \
        if listed and stored else []
    if listed and "site" in dims:
        parts.append(f"SELECT CAST('site' AS TEXT), site_id, bucket, n FROM report_hist WHERE {where} AND dim = ''")
    return "\nUNION ALL\n".join(parts) or "SELECT dim, group_key, bucket, n FROM report_hist WHERE 1 = 0"
