"""The citizen's tracking page in a real browser at 360x800, changed from other processes."""

from __future__ import annotations

import httpx
from playwright.sync_api import expect
from web_helpers import start_web

from db import queue

LIVE_S = 2_000  # ms: a change must reach the page within 2 s of its commit


def _mark(page) -> None:
    """A value that only survives while the page is not reloaded."""
    page.evaluate("window.__same_page = true")


def _not_reloaded(page) -> bool:
    return page.evaluate("window.__same_page === true")


def test_waiting_page_turns_to_called_then_done_without_reload(web_server, onestop, phone):
    queue.issue_ticket("TP")
    mine = queue.issue_ticket("TP")
    phone.goto(mine.track_url)
    body = phone.locator("body")
    expect(body).to_contain_text(mine.code)
    expect(body).to_contain_text("1 người trước bạn")
    _mark(phone)

    onestop("call", "--counter", "1")                       # A001 goes to counter 1
    expect(body).to_contain_text("Bạn là người tiếp theo", timeout=LIVE_S)
    onestop("done", "--counter", "1")
    onestop("call", "--counter", "2")                       # now it is my turn, at counter 2
    expect(phone.locator(".state-called")).to_contain_text("Mời đến quầy 2", timeout=LIVE_S)
    expect(body).to_contain_text("Please go to counter 2")
    onestop("start", "--counter", "2")
    expect(body).to_contain_text("Đang được phục vụ tại quầy 2", timeout=LIVE_S)
    onestop("done", "--counter", "2")
    expect(body).to_contain_text("Đã hoàn thành", timeout=LIVE_S)
    assert _not_reloaded(phone)
    text = phone.inner_text("body")
    assert "Vi Thị Lan" not in text and "lan" not in text.split()   # no officer name on a public page


def test_no_show_transfer_and_cancel_reach_the_page(web_server, onestop, phone):
    first = queue.issue_ticket("TP")
    second = queue.issue_ticket("TP")
    phone.goto(first.track_url)
    body = phone.locator("body")
    _mark(phone)
    onestop("call", "--counter", "1")
    expect(body).to_contain_text("Mời đến quầy 1", timeout=LIVE_S)
    onestop("transfer", "--counter", "1", "--to-service", "DD")
    expect(body).to_contain_text("Đất đai", timeout=LIVE_S)
    expect(body).to_contain_text("Bạn là người tiếp theo")
    onestop("call", "--counter", "3")
    expect(body).to_contain_text("Mời đến quầy 3", timeout=LIVE_S)
    onestop("no-show", "--counter", "3")
    expect(body).to_contain_text("Đã qua lượt", timeout=LIVE_S)
    assert _not_reloaded(phone)

    phone.goto(second.track_url)
    onestop("cancel", str(second.id))
    expect(body).to_contain_text("Vé đã bị hủy", timeout=LIVE_S)


def test_page_after_a_lost_connection_shows_the_current_state(web_server, web_db, onestop, phone):
    """The connection dies (phone asleep, server restarted), the ticket is called meanwhile:
    EventSource reconnects by itself and the first thing it gets is the current state."""
    mine = queue.issue_ticket("TP")
    phone.goto(mine.track_url)
    body = phone.locator("body")
    expect(body).to_contain_text("Bạn là người tiếp theo")
    _mark(phone)
    assert web_server.stop() == 0
    expect(phone.locator("#conn")).to_contain_text("Mất kết nối", timeout=10_000)
    onestop("call", "--counter", "1")
    again = start_web(web_server.db_url, web_db[1])
    try:
        expect(body).to_contain_text("Mời đến quầy 1", timeout=10_000)
        expect(phone.locator("#conn")).to_contain_text("Tự động cập nhật")
        assert _not_reloaded(phone)
    finally:
        assert again.stop() == 0


def test_english_is_one_tap_away_and_the_page_fits_a_small_phone(web_server, onestop, phone):
    mine = queue.issue_ticket("KS")
    phone.goto(mine.track_url)
    weight = phone.evaluate("""() => performance.getEntriesByType('navigation').concat(
        performance.getEntriesByType('resource')).reduce((n, e) => n + (e.encodedBodySize || 0), 0)""")
    assert 0 < weight < 100_000
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.get_by_text("English").click()
    body = phone.locator("body")
    expect(body).to_contain_text("You are next")
    expect(body).to_contain_text("Birth, marriage and death registration")
    onestop("call", "--counter", "2")
    expect(phone.locator(".state-called")).to_contain_text("Please go to counter 2", timeout=LIVE_S)
    expect(body).to_contain_text("Mời đến quầy 2")


def test_json_form_has_exactly_the_public_fields(web_server, onestop):
    queue.issue_ticket("TP")
    mine = queue.issue_ticket("TP")
    answer = httpx.get(mine.track_url, headers={"Accept": "application/json"})
    assert answer.status_code == 200
    assert answer.json() == {"code": mine.code, "service": "TP", "status": "waiting", "ahead": 1,
                             "estimated_wait_s": None, "counter": None}
    onestop("call", "--ticket", mine.code, "--counter", "2")
    assert httpx.get(mine.track_url, headers={"Accept": "application/json"}).json()["counter"] == 2


def test_tampered_or_foreign_tokens_get_404(web_server, phone, clock):
    import time

    mine = queue.issue_ticket("TP")
    other = queue.issue_ticket("TP")
    yesterday = queue.issue_ticket("TP", now=time.time() - 86_400)
    base, token = mine.track_url.rsplit("-", 1)
    flipped = token[:-1] + ("a" if token[-1] != "a" else "b")
    wrong = [
        f"{base}-{flipped}",                                          # one character changed
        f"{web_server.url}/t/{other.id}-{token}",                     # my token, another ticket's id
        yesterday.track_url,                                          # a genuine link of yesterday
        f"{web_server.url}/t/999999-{token}",
        f"{web_server.url}/t/{mine.id}-short",
    ]
    for url in wrong:
        answer = httpx.get(url, headers={"Accept": "application/json"})
        assert answer.status_code == 404, url
        assert "error" in answer.json() and mine.code not in answer.text
        assert httpx.get(url + "/events").status_code == 404
    phone.goto(wrong[0])
    text = phone.inner_text("body")
    assert "Không tìm thấy" in text and mine.code not in text and "Traceback" not in text
