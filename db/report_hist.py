"""Medians and p90 of a long report range from the rollup (docs/rollup.md, "Medians and p90").

For one site per day (``by_day``) they stay exact: each rolled day stores its
own (``report_day_stats``), the other days are computed from their ticket rows.
For the totals and per service, counter and officer (and, across sites, per
day and per site) they come from summed histograms: the stored month
histograms (``report_hist``: whole months, or the current month so far) the
range covers, plus the remaining days bucketed live.  The estimate is
within half a bucket of the exact figure (``db.histogram``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from db.histogram import median_and_p90
from db.report_grains import day_key, day_list, hist_by_dim, raw_days, rows, sites_sql
from db.rollup_read import ReadPlan, hist_sql

#: report_day_stats.measure -> where its figures go: the served entry's key, or None for appointments
_TARGETS = {"wait": "wait_s", "service": "service_s", "appt": None}


#: the breakdowns of one site's long report read from histograms (``by_day`` stays exact)
SITE_DIMS = ("", "service", "counter", "officer")
#: the all-sites report: every breakdown, a day's median over all sites and each site's own
ALL_SITES_DIMS = ("", "service", "counter", "officer", "day", "site")


def add_percentiles(span: tuple[str, str], plan: ReadPlan, served: dict, appointments: dict, *,
                    single_site: bool, exact: Callable[..., None]) -> None:
    """Fill ``median``/``p90`` of every breakdown entry of ``served`` and ``appointments`` from histograms.

    One site (a range longer than ``EXACT_PERCENTILE_DAYS``): ``by_day`` stays exact (stored per
    day, the other days from their rows).  Several sites: everything from histograms, ``by_day`` and
    ``by_site`` included; that is what keeps a province's month out of its 7 million ticket rows.
    """
    if single_site:
        _stored_day_stats(plan, served, appointments)
        with raw_days(plan.raw_days):
            exact(span, served, appointments, dims=("day",))
    dims = SITE_DIMS if single_site else ALL_SITES_DIMS
    for measure, target in _TARGETS.items():
        for (dim, key), pairs in _summed_buckets(measure, span, plan, dims).items():
            entry = appointments.get((dim, key)) if target is None else (served.get((dim, key)) or {}).get(target)
            if entry is not None:
                median, p90 = median_and_p90(pairs, entry.get("max"))
                entry.update(median=median, p90=p90)


def _stored_day_stats(plan: ReadPlan, served: dict, appointments: dict) -> None:
    if not plan.rolled_days:
        return
    for day, measure, median, p90 in rows(
            f"SELECT service_day, measure, median, p90 FROM report_day_stats WHERE site_id IN ({sites_sql()}) "
            f"AND service_day IN ({day_list(plan.rolled_days)})", ()):
        target = _TARGETS.get(measure)
        entry = appointments.get(("day", day)) if target is None else (served.get(("day", day)) or {}).get(target)
        if entry is not None:
            entry.update(median=median, p90=p90)


def _summed_buckets(measure: str, span: tuple[str, str], plan: ReadPlan,
                    dims: tuple[str, ...]) -> dict[tuple[str, Any], list]:
    """(dim, key) -> [(bucket, n)] over the range: stored months + the other days live."""
    with raw_days(plan.hist_raw_days):
        live = hist_by_dim(measure, dims)
    stored = hist_sql(measure, plan.hist_months, sites_sql(), dims)
    query = (f"WITH {live}\n"
             f"SELECT x.dim, x.group_key, x.bucket, SUM(x.n) FROM "
             f"(SELECT dim, group_key, bucket, n FROM d UNION ALL {stored}) x "
             f"GROUP BY x.dim, x.group_key, x.bucket")
    result: dict[tuple[str, Any], list] = {}
    for dim, key, bucket, n in rows(query, span):
        result.setdefault((dim, day_key(key) if dim == "day" else int(key)), []).append((int(bucket), int(n)))
    return result
