"""The kiosk's one-tap service: the busiest active service of the last 30 days, or the site's choice."""

from __future__ import annotations

from db import popular, queue


def test_the_quick_service_is_the_one_with_most_tickets_in_30_days(site_db, clock):
    now = clock(9, 30)
    assert popular.most_issued_service(now=now) is None            # no ticket yet: no quick button
    for _ in range(2):
        queue.issue_ticket("DD", now=now)
    queue.issue_ticket("TP", now=now)
    assert popular.most_issued_service(now=now) == "DD"
    assert popular.most_issued_service(now=now + 31 * 86_400) is None     # older than 30 days: not counted
    assert popular.quick_service("TP", {"TP", "DD"}, now=now) == "TP"
    assert popular.quick_service("off", {"TP", "DD"}, now=now) is None
    assert popular.quick_service("auto", {"TP", "DD"}, now=now) == "DD"
