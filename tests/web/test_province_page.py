"""``/province`` in a real browser: every site of the database, live, with the over-target mark in words."""

from __future__ import annotations

import time

from playwright.sync_api import expect

from db import current_site
from db.queue import issue_ticket
from tests.multisite import import_site_as, midday_timezone

REFRESH_S = 12_000          # the page refreshes every 5 s; a loaded machine gets the rest


def _two_sites() -> None:
    """The hall's one site gets code QK (a coded import renames an uncoded only site), then BX joins.

    Both keep the time of a zone where it is about noon now: the tickets issued "90 minutes ago"
    stay on the sites' today whatever hour the test runs at.
    """
    from db.models import Site

    import_site_as("QK", "Xã Quang Kim")
    import_site_as("BX", "Xã Bản Xèo")
    Site.update(timezone=midday_timezone()).execute()


def _issue_in(code: str, service: str, *, minutes_ago: float) -> None:
    current_site.choose(code)
    try:
        issue_ticket(service, now=time.time() - minutes_ago * 60)
    finally:
        current_site.choose(None)


def test_province_page_lists_every_site_and_marks_the_one_over_target_live(web_server, tv, phone):
    _two_sites()
    tv.goto(web_server.url + "/province")
    rows = tv.locator("tr.site")
    expect(rows).to_have_count(2)
    bx = tv.locator('tr.site[data-site="BX"]')
    expect(bx).to_contain_text("Xã Bản Xèo")
    expect(bx.locator(".waiting")).to_have_text("0")
    expect(tv.locator("tr.over")).to_have_count(0)

    _issue_in("BX", "TP", minutes_ago=90)               # waiting far longer than any target
    _issue_in("BX", "TP", minutes_ago=1)
    expect(bx.locator(".waiting")).to_have_text("2", timeout=REFRESH_S)
    expect(bx).to_have_class("site over")
    expect(bx.locator(".mark")).to_have_text("⚠ Quá thời gian")      # words, not colour alone
    expect(bx.locator(".longest")).to_contain_text("90 phút")
    other = tv.locator("tr.site").filter(has_not=tv.locator(".mark"))
    expect(other).to_have_count(1)                       # the other site is not marked
    assert "Traceback" not in tv.content()

    phone.goto(web_server.url + "/province?lang=en")
    expect(phone.locator('tr.site[data-site="BX"] .mark')).to_have_text("⚠ Over target")
    expect(phone.locator("th").first).to_have_text("Site")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360 + 1   # readable on a phone


def test_province_rows_fragment_and_json_agree(web_server, tv):
    import httpx

    _two_sites()
    _issue_in("BX", "TP", minutes_ago=2)
    sites = {s["site"]: s for s in httpx.get(web_server.url + "/api/v1/province").json()["sites"]}
    assert sites["BX"]["waiting"] == 1
    fragment = httpx.get(web_server.url + "/province/rows")
    assert fragment.status_code == 200 and 'data-site="BX"' in fragment.text
    assert fragment.headers["cache-control"] == "no-store"
