"""The daily rollup gives the exact report's figures (docs/rollup.md), on both engines.

The reference is the same report computed with the rollup switched off
(``db.reports._plan`` returning the all-live plan): every count, mean, share
and maximum must be identical; medians and p90 too for ranges up to 31 days
and per day; over longer ranges the totals' and breakdowns' medians and p90
must be within half a histogram bucket (5 s below 2 h, 150 s in the 2-12 h band).
"""

from __future__ import annotations

import random

import pytest
from rollup_data import FIRST, TODAY, fill

from db import histogram, reports
from db.rollup_read import ReadPlan

pytestmark = pytest.mark.usefixtures("site_db")

YESTERDAY = "2026-11-24"


@pytest.fixture
def history(site_db):
    """Four months of generated tickets, rolled up to yesterday."""
    fill()
    roll()
    return site_db


def roll(*, rebuild: bool = False):
    from db import current_site, rollup
    from db.connection import write_transaction

    return rollup.refresh(current_site.site_id(), TODAY.isoformat(), rebuild=rebuild, step=write_transaction)


def exact(monkeypatch, build, *args):
    """The report with the rollup switched off: every day read from the ticket rows."""
    with monkeypatch.context() as m:
        m.setattr(reports, "_plan", lambda span: ReadPlan())
        return build(*args)


def plan(span):
    from db.connection import read_transaction

    with read_transaction():
        return reports._plan(span)


def _flatten(value, path=()):
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _flatten(inner, (*path, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _flatten(inner, (*path, index))
    else:
        yield path, value


def _bound(exact_value: float) -> float:
    """Half a bucket where the exact value lies (+ the 0.1 s rounding of both figures)."""
    return (histogram.FINE_ERROR_S if exact_value < 7200 else 150.0 if exact_value < 43200 else 1800.0) + 0.1


def compare(rolled: dict, live: dict, *, percentiles_exact: bool, days_exact: bool = True) -> int:
    """Assert the two documents agree; returns how many median/p90 figures were estimated.

    ``days_exact``: one site's ``by_day`` medians stay exact over long ranges; the all-sites report's are
    estimated like the rest.
    """
    mine, theirs = dict(_flatten(rolled)), dict(_flatten(live))
    assert mine.keys() == theirs.keys()
    estimated = 0
    for path, value in theirs.items():
        approximate = (not percentiles_exact and path[-1] in ("median", "p90")
                       and (path[0] != "by_day" or not days_exact))
        if approximate and value is not None:
            assert mine[path] is not None, path
            assert abs(mine[path] - value) <= _bound(value), (path, mine[path], value)
            estimated += 1
        else:
            assert mine[path] == value, (path, mine[path], value)
    return estimated


def test_closed_days_are_rolled_and_today_stays_live(history):
    p = plan((FIRST.isoformat(), TODAY.isoformat()))
    assert p.rolled_days[0] == FIRST.isoformat() and p.rolled_days[-1] == YESTERDAY
    assert TODAY.isoformat() in p.raw_days
    # November so far (1-24) has its histograms and summed grain too: only today is read live
    assert p.hist_months == p.grain_months == ("2026-08", "2026-09", "2026-10", "2026-11")
    assert dict(p.month_ends)["2026-11"] == YESTERDAY
    assert p.hist_raw_days == (TODAY.isoformat(),)


@pytest.mark.parametrize("span", [("2026-11-01", "2026-11-25"), ("2026-10-01", "2026-10-31"),
                                  ("2026-11-24", "2026-11-24")], ids=["month-to-today", "closed-month", "one-day"])
def test_short_ranges_equal_the_exact_report(history, monkeypatch, span):
    assert plan(span).uses_rollup
    compare(reports.build_report(*span), exact(monkeypatch, reports.build_report, *span), percentiles_exact=True)


@pytest.mark.parametrize("span", [(FIRST.isoformat(), TODAY.isoformat()), ("2026-08-15", "2026-11-20")],
                         ids=["months-and-today", "partial-months"])
def test_long_ranges_count_exactly_and_estimate_percentiles_within_half_a_bucket(history, monkeypatch, span):
    rolled = reports.build_report(*span)
    estimated = compare(rolled, exact(monkeypatch, reports.build_report, *span), percentiles_exact=False)
    assert estimated > 50   # totals, services, counters, officers: wait, service and appointment figures
    assert rolled["totals"]["issued"] > 1500


def test_a_late_rating_and_a_synced_ticket_make_their_days_live_until_rolled_again(history, monkeypatch):
    from db.connection import write_transaction
    from db.models import Event, Rating, Ticket

    span = ("2026-11-01", "2026-11-25")
    late_day, synced_day = "2026-11-10", "2026-11-12"
    with write_transaction():
        rated = Ticket.select().where((Ticket.service_day == late_day) & (Ticket.status == "done")).first()
        Rating.create(counter=rated.counter_id, officer=rated.officer_id, ticket=rated.id, value=1,
                      pressed_at=rated.finished_at + 30, service_day=late_day, source="keypad", counted=True)
        model = Ticket.select().where(Ticket.service_day == synced_day).first()
        data = {k: v for k, v in model.__data__.items() if k != "id"}
        copied = Ticket.create(**{**data, "number": 900, "code": "X900"})
        Event.create(at=copied.issued_at, kind="issued", ticket_id=copied.id, code=copied.code)
    stale = set(plan(span).raw_days)
    assert {late_day, synced_day, "2026-11-25"} <= stale
    compare(reports.build_report(*span), exact(monkeypatch, reports.build_report, *span), percentiles_exact=True)

    result = roll()
    assert result.days_built == 2 and result.months_built == 1   # November so far holds both days
    assert set(plan(span).raw_days) == {"2026-11-25"}
    compare(reports.build_report(*span), exact(monkeypatch, reports.build_report, *span), percentiles_exact=True)


def test_a_changed_waiting_target_is_read_live_until_rebuilt(history, monkeypatch):
    from db import current_site
    from db.connection import write_transaction
    from db.models import Service

    span = (FIRST.isoformat(), TODAY.isoformat())
    with write_transaction():
        Service.update(target_wait_min=3).where(Service.site == current_site.site_id()).execute()
    assert not plan(span).uses_rollup
    live = exact(monkeypatch, reports.build_report, *span)
    assert reports.build_report(*span) == live
    assert roll().days_built > 100
    compare(reports.build_report(*span), live, percentiles_exact=False)


def test_rebuild_gives_the_same_rows_and_all_sites_report_matches(history, monkeypatch):
    from db.models import ReportDay, ReportHist

    before = (ReportDay.select().count(), ReportHist.select().count())
    result = roll(rebuild=True)
    assert result.days_built == (TODAY - FIRST).days and result.months_built == 4   # 3 months and November so far
    assert (ReportDay.select().count(), ReportHist.select().count()) == before
    span = ("2026-09-01", "2026-11-25")
    compare(reports.build_all_sites_report(*span), exact(monkeypatch, reports.build_all_sites_report, *span),
            percentiles_exact=False, days_exact=False)


def test_onestop_rollup_command(site_db, capsys):
    import cli.main
    from db.connection import current_url
    from db.models import ReportState

    fill(first=TODAY.replace(day=20), per_day=5)
    url = current_url()
    assert cli.main.main(["--db", url, "rollup"]) == 0
    assert "days and" in capsys.readouterr().err
    assert ReportState.select().where(ReportState.kind == "day").count() >= 5
    assert cli.main.main(["--db", url, "rollup", "--rebuild"]) == 0


def test_histogram_estimates_stay_within_half_a_bucket():
    rng = random.Random(3)
    for n in (1, 2, 3, 10, 101, 5000):
        values = sorted(rng.choice((rng.uniform(0, 3000), rng.uniform(7200, 40000))) for _ in range(n))
        median = (values[(n + 1) // 2 - 1] + values[(n + 2) // 2 - 1]) / 2
        p90 = values[(9 * n + 9) // 10 - 1]
        counts: dict[int, int] = {}
        for v in values:
            counts[histogram.bucket_of(v)] = counts.get(histogram.bucket_of(v), 0) + 1
        got_median, got_p90 = histogram.median_and_p90(counts.items(), values[-1])
        assert abs(got_p90 - p90) <= _bound(p90) - 0.1
        # the two middle values may lie in different bands: each is within its own half bucket
        assert abs(got_median - median) <= max(_bound(values[(n + 1) // 2 - 1]), _bound(values[(n + 2) // 2 - 1]))


def test_the_first_ticket_of_a_day_rolls_the_last_week_and_a_failing_rollup_never_stops_it(site_db, monkeypatch):
    from datetime import timedelta

    import peewee as pw
    from rollup_data import midnight

    from db import queue, rollup
    from db.models import ReportState

    fill(first=TODAY - timedelta(days=40), last=TODAY - timedelta(days=2), per_day=6)
    queue._rolled_over.clear()
    monkeypatch.setattr(rollup, "refresh", lambda *a, **k: (_ for _ in ()).throw(pw.ProgrammingError("denied")))
    assert queue.issue_ticket("TP", now=midnight(TODAY - timedelta(days=1)) + 9 * 3600).code
    assert ReportState.select().count() == 0
    monkeypatch.undo()
    queue.issue_ticket("TP", now=midnight(TODAY) + 9 * 3600)
    rolled = {s.first_day for s in ReportState.select().where(ReportState.kind == "day")}
    assert YESTERDAY in rolled and "2026-11-01" in rolled and "2026-10-31" not in rolled
    assert TODAY.isoformat() not in rolled
