"""Report figures (docs/interfaces.md §7) against the hand-computed fixture day.

Every number below is worked out by hand from the timeline in ``fixture_day.py``;
the ``report_db`` fixture runs each test on SQLite and on PostgreSQL, and
``test_both_engines_give_the_identical_report`` compares the whole documents.
"""

from __future__ import annotations

import json

import pytest
from fixture_day import DAY, NEXT, connect_with_fixture_day

from db.errors import InvalidInput
from db.reports import build_report, wait_histogram


def stats(mean, median, p90, maximum):
    return {"mean": mean, "median": median, "p90": p90, "max": maximum}


NONE_STATS = stats(None, None, None, None)
#: the fixture day has no bookings (appointment figures: tests/booking/test_booking_reports.py)
NO_APPOINTMENTS = {"bookings": {"made": 0, "checked_in": 0, "no_show": 0, "cancelled": 0},
                   "appointment_wait_s": NONE_STATS}


def ratings(count, by_value, pct, share, unattached=0):
    return {"count": count, "by_value": dict(zip("321", by_value)), "pct_by_value": dict(zip("321", pct)),
            "rated_share_pct": share, "unattached": unattached}


# Day 25: T1..T8.  Served: T1 T2 T3 T6 T7.
#   waits (first call - issue): 300, 600, 480, 1800, 300 -> sorted 300 300 480 600 1800
#     mean 3480/5 = 696, median = 3rd = 480, p90 = rank ceil(4.5) = 5th = 1800
#   service (done - start): 600, 480, 1200, 600 (no start: from the call), 420 (across midnight)
#     sorted 420 480 600 600 1200 -> mean 660, median 600, p90 1200
#   within target: T6 waited 30 min for a 15 min target; 4 of 5
#   ratings: T1 3 (the debounced "1" ignored), T2 2 (latest of 1, 2), T6 1, T7 3 (pressed on the 26th)
TOTALS_25 = {
    "issued": 8, "served": 5, "no_show": 1, "cancelled": 2, "transferred": 1,
    "wait_s": stats(696.0, 480.0, 1800.0, 1800.0),
    "service_s": stats(660.0, 600.0, 1200.0, 1200.0),
    "within_target_pct": 80.0, "dossiers": 0,
    "ratings": ratings(4, (2, 1, 1), (50.0, 25.0, 25.0), 80.0, unattached=1),
    **NO_APPOINTMENTS,
}


def test_totals_of_the_fixture_day(report_db):
    report = build_report(DAY, DAY)
    assert report["from"] == DAY and report["to"] == DAY
    assert report["totals"] == TOTALS_25
    assert report["by_day"] == [{"day": DAY, **TOTALS_25}]


def test_ticket_counts_under_issued_service_but_is_served_where_it_was_served(report_db):
    """T3 was issued for KS and transferred to DD: issued/transferred in KS, served in DD."""
    by_service = {row["service"]: row for row in build_report(DAY, DAY)["by_service"]}
    assert by_service["TP"] == {
        "service": "TP", "issued": 4, "served": 3, "no_show": 0, "cancelled": 1, "transferred": 0,
        # T1 300, T2 600 (the recall does not move the first call), T7 300
        "wait_s": stats(400.0, 300.0, 600.0, 600.0),
        "service_s": stats(500.0, 480.0, 600.0, 600.0),
        "within_target_pct": 100.0, "dossiers": 0,
        "ratings": ratings(3, (2, 1, 0), (66.67, 33.33, 0.0), 100.0),
        **NO_APPOINTMENTS,
    }
    assert by_service["KS"] == {
        "service": "KS", "issued": 3, "served": 1, "no_show": 0, "cancelled": 1, "transferred": 1,
        "wait_s": stats(1800.0, 1800.0, 1800.0, 1800.0),
        "service_s": stats(600.0, 600.0, 600.0, 600.0),
        "within_target_pct": 0.0, "dossiers": 0,
        "ratings": ratings(1, (0, 0, 1), (0.0, 0.0, 100.0), 100.0),
        **NO_APPOINTMENTS,
    }
    assert by_service["DD"] == {
        "service": "DD", "issued": 1, "served": 1, "no_show": 1, "cancelled": 0, "transferred": 0,
        "wait_s": stats(480.0, 480.0, 480.0, 480.0),        # T3: 08:12 -> first call 08:20
        "service_s": stats(1200.0, 1200.0, 1200.0, 1200.0),
        "within_target_pct": 100.0, "dossiers": 0,                          # DD's target is 20 min
        "ratings": ratings(0, (0, 0, 0), (None, None, None), 0.0),
        **NO_APPOINTMENTS,
    }
    quiet = by_service["XD"]
    assert quiet["issued"] == 0 and quiet["wait_s"] == NONE_STATS and quiet["within_target_pct"] is None
    assert quiet["ratings"]["rated_share_pct"] is None
    services = [row["service"] for row in build_report(DAY, DAY)["by_service"]]
    assert services == ["TP", "KS", "DD", "XD", "KD", "XH", "KN"]


def test_counters_count_what_they_last_held(report_db):
    by_counter = {row["counter"]: row for row in build_report(DAY, DAY)["by_counter"]}
    assert by_counter[1] == {
        "counter": 1, "issued": 2, "served": 2, "no_show": 0, "cancelled": 0, "transferred": 0,
        "wait_s": stats(300.0, 300.0, 300.0, 300.0),
        "service_s": stats(510.0, 510.0, 600.0, 600.0),       # even count: median = mean of 420 and 600
        "within_target_pct": 100.0, "dossiers": 0,
        "ratings": ratings(2, (2, 0, 0), (100.0, 0.0, 0.0), 100.0),
        **NO_APPOINTMENTS,
    }
    assert by_counter[2] == {
        "counter": 2, "issued": 2, "served": 2, "no_show": 0, "cancelled": 0, "transferred": 0,
        "wait_s": stats(1200.0, 1200.0, 1800.0, 1800.0),
        "service_s": stats(540.0, 540.0, 600.0, 600.0),
        "within_target_pct": 50.0, "dossiers": 0,
        "ratings": ratings(2, (0, 1, 1), (0.0, 50.0, 50.0), 100.0),
        **NO_APPOINTMENTS,
    }
    assert by_counter[3] == {
        "counter": 3, "issued": 2, "served": 1, "no_show": 1, "cancelled": 0, "transferred": 1,
        "wait_s": stats(480.0, 480.0, 480.0, 480.0),
        "service_s": stats(1200.0, 1200.0, 1200.0, 1200.0),
        "within_target_pct": 100.0, "dossiers": 0,
        "ratings": ratings(0, (0, 0, 0), (None, None, None), 0.0),
        **NO_APPOINTMENTS,
    }
    assert by_counter[4] == {
        "counter": 4, "issued": 0, "served": 0, "no_show": 0, "cancelled": 0, "transferred": 0,
        "wait_s": NONE_STATS, "service_s": NONE_STATS, "within_target_pct": None, "dossiers": 0,
        "ratings": ratings(0, (0, 0, 0), (None, None, None), None, unattached=1),
        **NO_APPOINTMENTS,
    }


def test_officers_mirror_their_counters(report_db):
    report = build_report(DAY, DAY)
    by_officer = {row["officer"]: row for row in report["by_officer"]}
    by_counter = {row["counter"]: row for row in report["by_counter"]}
    assert [row["officer"] for row in report["by_officer"]] == ["hung", "lan", "mai"]
    for username, number in (("lan", 1), ("hung", 2), ("mai", 3)):
        mine = dict(by_officer[username])
        theirs = dict(by_counter[number])
        del mine["officer"], theirs["counter"]
        assert mine == theirs


def test_arrivals_by_hour(report_db):
    arrivals = build_report(DAY, DAY)["arrivals_by_hour"]
    assert [a["hour"] for a in arrivals] == list(range(24))
    assert {a["hour"]: a["issued"] for a in arrivals if a["issued"]} == {8: 3, 9: 2, 10: 1, 23: 2}


def test_ticket_served_after_midnight_belongs_to_its_issue_day(report_db):
    """T7 (issued 23:50, done 00:03) and T8 (closed at rollover) stay on the 25th."""
    report = build_report(NEXT, NEXT)
    assert report["totals"]["issued"] == 1 and report["totals"]["served"] == 1
    assert report["totals"]["cancelled"] == 0
    assert report["totals"]["wait_s"] == stats(120.0, 120.0, 120.0, 120.0)
    assert report["totals"]["service_s"] == stats(300.0, 300.0, 300.0, 300.0)
    assert report["totals"]["ratings"]["count"] == 0       # T7's press on the 26th counts for the 25th
    two_days = build_report(DAY, NEXT)
    assert [row["day"] for row in two_days["by_day"]] == [DAY, NEXT]
    assert two_days["totals"]["issued"] == 9 and two_days["totals"]["served"] == 6
    # waits 300 300 480 600 1800 + 120 -> mean 3600/6, median (300+480)/2, p90 rank ceil(5.4) = 6th
    assert two_days["totals"]["wait_s"] == stats(600.0, 390.0, 1800.0, 1800.0)


def test_empty_range_has_zeros_and_nulls(report_db):
    report = build_report("2026-12-01", "2026-12-31")
    assert report["totals"]["issued"] == 0
    assert report["totals"]["wait_s"] == NONE_STATS
    assert report["totals"]["within_target_pct"] is None
    assert report["by_day"] == [] and report["by_officer"] == []
    assert len(report["by_service"]) == 7 and len(report["by_counter"]) == 4
    assert sum(a["issued"] for a in report["arrivals_by_hour"]) == 0


def test_bad_dates_are_refused(report_db):
    with pytest.raises(InvalidInput):
        build_report("2026-11-31", DAY)
    with pytest.raises(InvalidInput):
        build_report(NEXT, DAY)


def test_wait_histogram_buckets(report_db):
    buckets = wait_histogram(DAY, DAY, bucket_s=300, buckets=4)
    # waits 300 300 480 600 1800 -> [0,300): 0, [300,600): 3, [600,900): 1, 900+: 1
    assert [b["served"] for b in buckets] == [0, 3, 1, 1]
    assert buckets[-1]["to_s"] is None


def test_report_is_plain_json(report_db):
    report = build_report(DAY, NEXT)
    assert json.loads(json.dumps(report)) == report


def test_both_engines_give_the_identical_report(sqlite_url, pg_server):
    from db.connection import close

    documents = []
    for url in (sqlite_url, pg_server.create_database()):
        connect_with_fixture_day(url)
        documents.append((build_report(DAY, NEXT), wait_histogram(DAY, NEXT)))
        close()
    assert documents[0] == documents[1]
