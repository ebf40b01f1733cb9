"""``/board`` for a TV's browser at 1920x1080: live from other processes, same data as ``onestop status``."""

from __future__ import annotations

import json

from playwright.sync_api import expect

from db import queue
from db.site import set_notice

LIVE_S = 2_000


def test_board_shows_calls_counters_and_waiting_live(web_server, onestop, tv):
    for _ in range(3):
        queue.issue_ticket("TP")
    queue.issue_ticket("DD")
    tv.goto(web_server.url + "/board")
    page = tv.locator("body")
    expect(page).to_contain_text("Chưa có số nào được gọi")
    expect(tv.locator(".waiting")).to_contain_text("Chứng thực, hộ tịch")
    expect(tv.locator(".waiting li", has_text="Chứng thực, hộ tịch").locator(".n")).to_have_text("3")
    tv.evaluate("window.__same_page = true")

    onestop("call", "--counter", "2")
    expect(tv.locator(".now-code")).to_have_text("A001", timeout=LIVE_S)
    expect(tv.locator(".now-counter")).to_have_text("Quầy 2")
    expect(tv.locator(".waiting li", has_text="Chứng thực, hộ tịch").locator(".n")).to_have_text("2")
    onestop("call", "--counter", "3")
    expect(tv.locator(".now-code")).to_have_text("C001", timeout=LIVE_S)
    expect(tv.locator(".ctr-called", has_text="Quầy 2")).to_contain_text("A001")

    onestop("recall", "--counter", "2")                  # a recall brings A001 back to "now calling"
    expect(tv.locator(".now-code")).to_have_text("A001", timeout=LIVE_S)
    onestop("pause", "--counter", "4")
    expect(tv.locator(".ctr-paused")).to_contain_text("Tạm dừng", timeout=LIVE_S)
    set_notice("Hôm nay nghỉ lúc 16 giờ")
    expect(tv.locator(".notice")).to_contain_text("Hôm nay nghỉ lúc 16 giờ", timeout=LIVE_S)
    assert tv.evaluate("window.__same_page === true")

    # the same numbers as `onestop status`
    status = json.loads(onestop("status").stdout)
    for counter in status["counters"]:
        cell = tv.locator(".ctr", has_text=f"Quầy {counter['number']}").locator(".ctr-code")
        if counter["current"]:
            expect(cell).to_have_text(counter["current"]["code"])
    for service in status["services"]:
        if service["active"]:
            row = tv.locator(".waiting li", has_text=service["name"]).locator(".n")
            expect(row).to_have_text(str(service["waiting"]))
    text = tv.inner_text("body")
    assert "Vi Thị Lan" not in text and "Nguyễn Văn Hùng" not in text   # no officer names on the public board


def test_board_in_english_and_its_weight(web_server, onestop, tv):
    tv.goto(web_server.url + "/board?lang=en")
    expect(tv.locator("body")).to_contain_text("No number called yet")
    queue.issue_ticket("KD")
    onestop("call", "--counter", "4")
    expect(tv.locator(".now-counter")).to_have_text("Counter 4", timeout=LIVE_S)
    weight = tv.evaluate("""() => performance.getEntriesByType('navigation').concat(
        performance.getEntriesByType('resource')).reduce((n, e) => n + (e.encodedBodySize || 0), 0)""")
    assert 0 < weight < 100_000
