"""Booking online: the ``/book`` pages in a real phone-sized Chromium and ``/api/v1/bookings``, on both engines.

The site is open around the clock every day and the tests book *tomorrow*:
today's slots run out as the wall clock passes them (a run near midnight finds
none left), tomorrow's are all there whenever the tests run. TP takes 2 places per 15-minute slot and KS one per
30 minutes; ``[web] public_url`` points at the running server, so the booking's
QR holds a link that opens its own page.
"""

from __future__ import annotations

import json
import re

import httpx
from playwright.sync_api import expect
from web_helpers import run_onestop

from db import api_keys, bookings, statuses


def _page_weight(page) -> int:
    return page.evaluate("""() => performance.getEntriesByType('navigation').concat(
        performance.getEntriesByType('resource')).reduce((n, e) => n + (e.encodedBodySize || 0), 0)""")


def _tomorrow() -> str:
    """The second bookable day (the site is open every day): every one of its slots is still ahead."""
    return bookings.booking_days()[1].isoformat()


def test_a_citizen_books_on_a_phone_sees_the_code_and_qr_and_cancels(booking_server, phone):
    phone.goto(booking_server.url + "/")
    phone.get_by_text("Đặt lịch hẹn trước").click()
    expect(phone.locator("h1")).to_have_text("Chọn thủ tục cần giải quyết")
    expect(phone.locator(".choice")).to_have_count(2)                 # DD takes no bookings
    phone.get_by_text("Khai sinh").click()
    phone.get_by_role("navigation", name="Ngày").get_by_role("link").nth(1).click()   # tomorrow
    expect(phone).to_have_url(re.compile(f"day={_tomorrow()}"))
    first_free = phone.locator(".slot:not(.full)").first
    expect(first_free).to_contain_text("còn 1 chỗ")
    chosen = first_free.locator("input").get_attribute("value")
    first_free.click()
    phone.get_by_label("Họ và tên").fill("Nguyễn Thị Hoà")
    phone.get_by_label("Số điện thoại di động").fill("0912 345 678")
    phone.get_by_role("button", name="Đặt lịch").click()

    expect(phone.locator(".done")).to_contain_text("Đặt lịch thành công")
    code = phone.locator("#booking-code").inner_text()
    assert re.fullmatch(r"[23456789A-HJ-NP-Z]{6}", code)
    stored = bookings.find(code)
    assert stored.status == statuses.BOOKED and stored.name == "Nguyễn Thị Hoà" and stored.phone == "0912345678"
    assert stored.slot_start.strftime("%Y-%m-%dT%H:%M") == chosen and stored.source == "web"
    assert phone.url.startswith(stored.manage_url)                   # the page is the booking's manage_url
    body = phone.locator("body")
    expect(body).to_contain_text("Khai sinh")
    expect(body).not_to_contain_text("Nguyễn Thị Hoà")                # no name or phone on the page
    expect(body).not_to_contain_text("0912345678")
    expect(phone.locator(".qr svg")).to_be_visible()
    assert _page_weight(phone) < 100_000
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    # the slot it took shows full to the next citizen
    slots = httpx.get(booking_server.url + "/api/v1/slots", params={"service": "KS", "day": chosen[:10]}).json()
    assert next(s for s in slots if s["start"].startswith(chosen))["places_left"] == 0

    phone.get_by_label("Tôi muốn huỷ lịch hẹn này").check()
    phone.get_by_role("button", name="Huỷ lịch hẹn").click()
    expect(phone.locator(".done")).to_contain_text("Đã huỷ lịch hẹn")
    expect(phone.locator("#booking-status")).to_have_text("Đã huỷ")
    expect(phone.get_by_role("button", name="Huỷ lịch hẹn")).to_have_count(0)
    assert bookings.find(code).status == statuses.BOOKING_CANCELLED
    slots = httpx.get(booking_server.url + "/api/v1/slots", params={"service": "KS", "day": chosen[:10]}).json()
    assert next(s for s in slots if s["start"].startswith(chosen))["places_left"] == 1


def test_a_refusal_comes_back_in_the_form_with_what_was_typed(booking_server, phone):
    phone.goto(booking_server.url + f"/book/TP?lang=en&day={_tomorrow()}")
    phone.locator(".slot:not(.full)").first.click()
    phone.get_by_label("Full name").fill("Trần Văn Bình")
    phone.get_by_label("Mobile phone number").fill("12345")
    phone.get_by_role("button", name="Book").click()
    expect(phone.locator(".refusal")).to_be_visible()
    assert "phone" in phone.locator(".refusal").inner_text().lower()
    expect(phone.get_by_label("Full name")).to_have_value("Trần Văn Bình")
    assert bookings.list_bookings() == [] or all(b.name != "Trần Văn Bình" for b in bookings.list_bookings())

    # the phone's limit (2 a day): the third is refused with the reason, the first two stand
    day_slots = phone.locator(".slot:not(.full) input")
    values = [day_slots.nth(i).get_attribute("value") for i in range(3)]
    for value in values[:2]:
        bookings.book("TP", value, "Trần Văn Bình", "0987654321", source="web")
    phone.goto(booking_server.url + f"/book/TP?lang=en&day={values[2][:10]}")
    phone.locator(f"input[value='{values[2]}']").check()
    phone.get_by_label("Full name").fill("Trần Văn Bình")
    phone.get_by_label("Mobile phone number").fill("0987654321")
    phone.get_by_role("button", name="Book").click()
    expect(phone.locator(".refusal")).to_contain_text("already holds 2 bookings")
    assert sum(b.phone == "0987654321" for b in bookings.list_bookings(values[2][:10])) == 2


def test_booking_pages_speak_english_and_unknown_links_get_a_plain_404(booking_server, phone):
    phone.goto(booking_server.url + "/book?lang=en")
    expect(phone.locator("h1")).to_have_text("Choose the procedure")
    expect(phone.locator(".choice").first).to_have_text("Certification, civil status")
    for path in ("/b/AAAAAAAAAAAAAAAAAAAAAAAA", "/b/ABC234", "/book/DD", "/book/NOPE"):
        answer = httpx.get(booking_server.url + path, headers={"Accept": "text/html"})
        assert answer.status_code == 404, path
        assert "Traceback" not in answer.text and "<html" in answer.text


def test_another_system_books_through_the_api_with_a_key(booking_server):
    url = booking_server.url + "/api/v1/bookings"
    day_slots = httpx.get(booking_server.url + "/api/v1/slots",
                          params={"service": "TP", "day": _tomorrow()}).json()
    start = next(s for s in day_slots if s["places_left"] == 2)["start"][:16]
    body = {"service": "TP", "slot_start": start, "name": "Lê Văn Cường", "phone": "0355555555"}

    assert httpx.post(url, json=body).status_code == 401
    assert httpx.post(url, json=body, headers={"Authorization": "Bearer wrong"}).status_code == 401
    auth = {"Authorization": f"Bearer {api_keys.create_key('portal')}"}
    answer = httpx.post(url, json=body, headers=auth)
    assert answer.status_code == 201, answer.text
    made = answer.json()
    assert made["status"] == "booked" and made["slot_start"].startswith(start) and made["source"] == "api:portal"
    assert made["manage_url"].startswith(booking_server.url + "/b/")
    assert httpx.get(made["manage_url"]).status_code == 200

    second = httpx.post(url, json=body | {"phone": "0366666666"}, headers=auth)
    assert second.status_code == 201
    full = httpx.post(url, json=body | {"phone": "0377777777"}, headers=auth)
    assert full.status_code == 409 and full.json()["kind"] == "limit_reached" and "full" in full.json()["error"]
    bad_phone = httpx.post(url, json=body | {"phone": "123456789"}, headers=auth)
    assert bad_phone.status_code == 400 and "error_vi" in bad_phone.json()
    assert httpx.post(url, json=body | {"extra": 1}, headers=auth).status_code == 422
    assert len([b for b in bookings.list_bookings(start[:10]) if b.slot_start.strftime("%Y-%m-%dT%H:%M") == start]) == 2

    listed = json.loads(run_onestop(booking_server.db_url, "bookings", "--day", start[:10]).stdout)
    assert {b["code"] for b in listed} >= {made["code"], second.json()["code"]}
    doc = httpx.get(booking_server.url + "/api/v1/openapi.json").json()
    assert "post" in doc["paths"]["/api/v1/bookings"] and "get" in doc["paths"]["/api/v1/slots"]
