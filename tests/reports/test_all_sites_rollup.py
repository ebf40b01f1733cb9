"""The all-sites report read in one pass and from the rollup (docs/rollup.md, docs/reports.md), on both engines.

Two sites with months of generated history in one database.  The one-pass report must give each site
exactly its own report (``by_site`` = the site's totals, its ``by_service`` / ``by_counter`` /
``by_officer`` rows), and with the rollup its counts must stay exact while every median and p90
(``by_day`` and ``by_site`` included) is within half a histogram bucket; the current month so far
is read from its stored histograms, not from the ticket rows.
"""

from __future__ import annotations

import pytest
from rollup_data import TODAY, fill
from test_rollup import compare, exact

from db import current_site, reports
from tests.multisite import import_site_as, no_site_chosen  # noqa: F401 (autouse fixture)

pytestmark = pytest.mark.usefixtures("site_db")

MONTH_SO_FAR = ("2026-11-01", TODAY.isoformat())


@pytest.fixture
def two_sites(site_db):
    """Sites "QK" and "BX", each with its own history from August, rolled up to yesterday."""
    from db import rollup
    from db.connection import write_transaction
    from db.models import Site

    import_site_as("QK", "Xã Quang Kim")   # the built-in site takes this code
    import_site_as("BX", "Xã Bản Xèo")
    current_site.choose("QK")
    fill()
    current_site.choose("BX")
    fill(seed=11, per_day=16)
    current_site.choose(None)
    for site in Site.select():
        rollup.refresh(site.id, TODAY.isoformat(), step=write_transaction)
    return "QK", "BX"


def plan(span):
    """The read plan of the all-sites report over ``span`` (every site of the database)."""
    from db.connection import read_transaction
    from db.models import Site
    from db.report_grains import SCOPE

    with read_transaction():
        token = SCOPE.set(tuple(site.id for site in Site.select()))
        try:
            return reports._plan(span)
        finally:
            SCOPE.reset(token)


def _site_reports(codes, span, monkeypatch=None):
    """Each site's own report (exact: the rollup off when ``monkeypatch`` is given)."""
    result = {}
    for code in codes:
        current_site.choose(code)
        result[code] = exact(monkeypatch, reports.build_report, *span) if monkeypatch else reports.build_report(*span)
    current_site.choose(None)
    return result


def test_one_pass_gives_each_site_its_own_report(two_sites, monkeypatch):
    span = ("2026-11-20", TODAY.isoformat())
    alone = _site_reports(two_sites, span, monkeypatch)
    together = exact(monkeypatch, reports.build_all_sites_report, *span)
    assert [row["site"] for row in together["by_site"]] == sorted(two_sites)
    for row in together["by_site"]:
        code = row["site"]
        assert {k: v for k, v in row.items() if k not in ("site", "name")} == alone[code]["totals"], code
        for section in ("by_service", "by_counter", "by_officer"):
            mine = [{k: v for k, v in r.items() if k != "site"} for r in together[section] if r["site"] == code]
            assert mine == alone[code][section], (code, section)
    assert together["totals"]["issued"] == sum(alone[c]["totals"]["issued"] for c in two_sites) > 100
    assert together["totals"]["ratings"]["count"] == sum(alone[c]["totals"]["ratings"]["count"] for c in two_sites)


def test_month_so_far_comes_from_stored_histograms(two_sites, monkeypatch):
    p = plan(MONTH_SO_FAR)
    assert "2026-11" in p.hist_months and p.hist_raw_days == (TODAY.isoformat(),)
    rolled = reports.build_all_sites_report(*MONTH_SO_FAR)
    estimated = compare(rolled, exact(monkeypatch, reports.build_all_sites_report, *MONTH_SO_FAR),
                        percentiles_exact=False, days_exact=False)
    assert estimated > 100   # totals, 25 days, 2 sites, their services, counters and officers
    # the counts of each site are its own report's, exactly
    alone = _site_reports(two_sites, MONTH_SO_FAR)
    for row in rolled["by_site"]:
        mine, theirs = row, alone[row["site"]]["totals"]
        for key in ("issued", "served", "no_show", "cancelled", "transferred", "dossiers", "ratings", "bookings"):
            assert mine[key] == theirs[key], (row["site"], key)
        assert mine["wait_s"]["mean"] == theirs["wait_s"]["mean"] and mine["wait_s"]["max"] == theirs["wait_s"]["max"]


def test_a_late_change_in_the_month_reads_it_live_until_rolled_again(two_sites, monkeypatch):
    from db import rollup
    from db.connection import write_transaction
    from db.models import Rating, Site, Ticket

    with write_transaction():
        rated = Ticket.select().where((Ticket.service_day == "2026-11-05") & (Ticket.status == "done")).first()
        Rating.create(counter=rated.counter_id, officer=rated.officer_id, ticket=rated.id, value=1,
                      pressed_at=rated.finished_at + 30, service_day="2026-11-05", source="keypad", counted=True)
    assert "2026-11" not in plan(MONTH_SO_FAR).hist_months   # one site's month is stale: both read live
    compare(reports.build_all_sites_report(*MONTH_SO_FAR),
            exact(monkeypatch, reports.build_all_sites_report, *MONTH_SO_FAR), percentiles_exact=False,
            days_exact=False)
    for site in Site.select():
        rollup.refresh(site.id, TODAY.isoformat(), step=write_transaction)
    assert "2026-11" in plan(MONTH_SO_FAR).hist_months


def test_a_day_closing_leaves_the_month_so_far_to_onestop_rollup(site_db):
    """A day's first operation rolls closed days and whole months, not the month so far (that reads the month)."""
    from db import rollup
    from db.connection import write_transaction

    fill()
    with write_transaction():
        rollup.close_days_before(TODAY.isoformat())
    # close_days_before looks back a week: the days 18-24/11 are rolled, November's histograms are not
    span = ("2026-11-18", TODAY.isoformat())
    single = plan_of_site(span)
    assert single.rolled_days[0] == "2026-11-18" and single.rolled_days[-1] == "2026-11-24"
    assert "2026-11" not in plan_of_site(MONTH_SO_FAR).hist_months
    with write_transaction():
        rollup.refresh(current_site.site_id(), TODAY.isoformat())   # what `onestop rollup` runs
    assert "2026-11" in plan_of_site(MONTH_SO_FAR).hist_months


def plan_of_site(span):
    from db.connection import read_transaction

    with read_transaction():
        return reports._plan(span)
