"""The citizen's path: field -> service -> printed ticket -> confirmation -> home.

Real window, real clicks, real database, and a TCP printer simulator that
must receive the ticket's bytes.
"""

from __future__ import annotations

from kiosk_helpers import click, load_site, next_tick

from db import queue
from db.models import Ticket
from kiosk_app.controller import Screen

JUSTICE = "field:Tư pháp - Hộ tịch"
BUSINESS = "field:Kinh doanh"          # a field with a single service (KD)
LAND = "field:Đất đai - Xây dựng"


def test_whole_flow_prints_the_ticket_on_the_printer_and_returns_home(kiosk, simulator, qtbot, clock):
    k = kiosk(simulator.url, epoch=clock(9, 30))
    window = k.window
    assert k.state.screen is Screen.HOME and k.state.lang == "vi"
    assert window.home.title.text() == "Mời chọn lĩnh vực cần giải quyết"
    # fields and the ungrouped service are on the first screen, in the site's order
    assert list(window.home.buttons) == [JUSTICE, LAND, BUSINESS, "field:Chính sách xã hội", "service:KN"]

    click(qtbot, window.tile_button(JUSTICE))
    k.wait_for(lambda s: s.screen is Screen.SERVICES)
    assert window.stack.currentWidget() is window.services
    assert window.services.title.text() == "Tư pháp - Hộ tịch"
    assert [b.text() for b in window.services.buttons.values()] == ["Chứng thực, hộ tịch",
                                                                    "Đăng ký khai sinh, kết hôn, khai tử"]
    k.pass_guards()
    click(qtbot, window.service_button("KS"))
    state = k.wait_for(lambda s: s.screen is Screen.TICKET)

    job = simulator.wait_for_jobs(1)[0]
    assert job.printed and job.cut and not job.partial
    assert job.image is not None and job.image.getbbox() is not None       # ink on paper
    ticket = Ticket.get(Ticket.code == "B001")
    assert ticket.status == "waiting" and ticket.kiosk == "test-kiosk" and not ticket.priority
    assert k.backend.printer.last_job == job.data                           # the bytes sent are the bytes received

    page = window.ticket
    assert window.stack.currentWidget() is page
    assert state.ticket.code == "B001" and state.ticket.printed
    assert page.code.text() == "B001"
    assert page.headline.text() == "Vui lòng nhận phiếu" and page.subline.text() == "Please take your ticket"
    assert page.service.text() == "Đăng ký khai sinh, kết hôn, khai tử"
    assert "Số người chờ trước" in page.ahead.text() and "<b>0</b>" in page.ahead.text()
    assert not page.qr.isVisible()                                          # printed: no QR on screen

    k.pass_guards()
    click(qtbot, page)                                                      # a touch anywhere ends it
    k.wait_for(lambda s: s.screen is Screen.HOME)
    assert window.stack.currentWidget() is window.home


def test_confirmation_returns_home_by_itself_after_ten_seconds(kiosk, simulator, qtbot, clock):
    k = kiosk(simulator.url, epoch=clock(9, 30))
    click(qtbot, k.window.tile_button(BUSINESS))
    k.wait_for(lambda s: s.screen is Screen.TICKET)
    k.clock.advance(9)
    assert next_tick(qtbot, k).screen is Screen.TICKET
    k.clock.advance(1.2)
    k.wait_for(lambda s: s.screen is Screen.HOME)


def test_field_with_one_service_and_ungrouped_service_issue_at_once(kiosk, simulator, qtbot, clock):
    k = kiosk(simulator.url, epoch=clock(9, 30))
    click(qtbot, k.window.tile_button(BUSINESS))
    state = k.wait_for(lambda s: s.screen is Screen.TICKET)
    assert state.ticket.code == "E001"
    k.pass_guards()
    click(qtbot, k.window.ticket)
    k.wait_for(lambda s: s.screen is Screen.HOME)
    k.pass_guards()
    click(qtbot, k.window.tile_button("service:KN"))
    state = k.wait_for(lambda s: s.screen is Screen.TICKET)
    assert state.ticket.code == "K001"
    assert len(simulator.wait_for_jobs(2)) == 2
    assert [t.code for t in Ticket.select().order_by(Ticket.id)] == ["E001", "K001"]


def test_back_from_a_field_returns_home_without_a_ticket(kiosk, simulator, qtbot, clock):
    k = kiosk(simulator.url, epoch=clock(9, 30))
    click(qtbot, k.window.tile_button(LAND))
    k.wait_for(lambda s: s.screen is Screen.SERVICES)
    k.pass_guards()
    click(qtbot, k.window.services.back)
    k.wait_for(lambda s: s.screen is Screen.HOME)
    assert Ticket.select().count() == 0 and simulator.jobs == []


def test_waiting_counts_on_the_buttons_follow_the_event_feed(kiosk, simulator, qtbot, clock):
    k = kiosk(simulator.url, epoch=clock(9, 30))
    justice = k.window.tile_button(JUSTICE)
    assert justice.badge == "Không có người chờ"
    for code in ("TP", "KS", "TP"):            # another kiosk (or the CLI) issues meanwhile
        queue.issue_ticket(code, now=clock(9, 31))
    qtbot.waitUntil(lambda: justice.badge == "3 người đang chờ", timeout=5000)
    queue.call_next(1, now=clock(9, 32))
    qtbot.waitUntil(lambda: justice.badge == "2 người đang chờ", timeout=5000)
    click(qtbot, justice)
    k.wait_for(lambda s: s.screen is Screen.SERVICES)
    assert k.window.service_button("TP").badge == "1 người đang chờ"
    assert k.window.service_button("KS").badge == "1 người đang chờ"


def test_uncertain_estimated_wait_shows_as_a_range_on_the_confirmation(kiosk, simulator, qtbot, clock):
    for i in range(3):
        queue.issue_ticket("KD", now=clock(8, 0) + i)
    queue.call_next(4, now=clock(8, 10))
    queue.start_service(4, now=clock(8, 10))
    queue.finish_service(4, now=clock(8, 20))          # one served in 10 min at counter 4 (KD's only counter)
    k = kiosk(simulator.url, epoch=clock(9, 30))
    click(qtbot, k.window.tile_button(BUSINESS))
    state = k.wait_for(lambda s: s.screen is Screen.TICKET)
    assert state.ticket.ahead == 2
    assert "<b>2</b>" in k.window.ticket.ahead.text()
    # one served ticket is little to go on: 2 x (600 s + call gap) x 1.15 = ~24 min, shown as a range
    # that reaches further above than below (a wait runs long more often than short: docs/estimate.md)
    assert state.ticket.wait.get("en") == "15-40 min"
    assert k.window.ticket.wait.text().endswith("<b>15-40 phút</b>")


def test_english_is_one_touch_away_and_vietnamese_comes_back_after_the_ticket(kiosk, simulator, qtbot, clock):
    k = kiosk(simulator.url, epoch=clock(9, 30))
    window = k.window
    assert window.language.text() == "English"
    click(qtbot, window.language)
    k.wait_for(lambda s: s.lang == "en")
    assert window.home.title.text() == "Please choose a service"
    assert window.tile_button(JUSTICE).text() == "Justice - Civil status"
    assert window.language.text() == "Tiếng Việt"
    assert window.site_name.text() == "Quang Kim Commune - One-Stop Department"
    click(qtbot, window.tile_button(JUSTICE))
    k.wait_for(lambda s: s.screen is Screen.SERVICES)
    assert window.services.back.text() == "‹  Back"
    assert window.service_button("TP").text() == "Certification, civil status"
    k.pass_guards()
    click(qtbot, window.service_button("TP"))
    k.wait_for(lambda s: s.screen is Screen.TICKET)
    assert window.ticket.headline.text() == "Please take your ticket"
    assert window.ticket.subline.text() == "Vui lòng nhận phiếu"
    assert window.ticket.service.text() == "Certification, civil status"
    k.pass_guards()
    click(qtbot, window.ticket)
    k.wait_for(lambda s: s.screen is Screen.HOME)
    assert k.state.lang == "vi" and window.home.title.text() == "Mời chọn lĩnh vực cần giải quyết"
    assert window.language.text() == "English"


def test_priority_is_chosen_before_the_service_and_resets_for_the_next_citizen(kiosk, simulator, qtbot, clock):
    k = kiosk(simulator.url, epoch=clock(9, 30))
    window = k.window
    assert window.priority.isVisible()
    assert "Người cao tuổi" in window.priority.detail and "dưới 6 tuổi" in window.priority.detail
    queue.issue_ticket("KD", now=clock(9, 0))          # somebody already waiting
    click(qtbot, window.priority)
    k.wait_for(lambda s: s.priority)
    click(qtbot, window.tile_button(BUSINESS))         # the tap on the service issues at once: no extra question
    state = k.wait_for(lambda s: s.screen is Screen.TICKET)
    assert state.ticket.priority and state.ticket.ahead == 0          # called before the earlier normal ticket
    assert window.ticket.badge.isVisible() and window.ticket.badge.text() == "ƯU TIÊN"
    assert Ticket.get(Ticket.code == "E002").priority
    k.pass_guards()
    click(qtbot, window.ticket)
    state = k.wait_for(lambda s: s.screen is Screen.HOME)
    assert not state.priority
    k.pass_guards()
    click(qtbot, window.tile_button(BUSINESS))
    k.wait_for(lambda s: s.screen is Screen.TICKET)
    assert not Ticket.get(Ticket.code == "E003").priority


def test_no_priority_toggle_when_the_site_does_not_allow_it(kiosk, simulator, qtbot, clock):
    load_site(allow_priority=False)
    k = kiosk(simulator.url, epoch=clock(9, 30))
    assert not k.window.priority.isVisible()
    k.session.controller.toggle_priority()
    assert not k.state.priority


def test_a_half_finished_choice_is_reset_for_the_next_citizen(kiosk, simulator, qtbot, clock):
    k = kiosk(simulator.url, epoch=clock(9, 30))
    click(qtbot, k.window.language)
    click(qtbot, k.window.priority)
    click(qtbot, k.window.tile_button(JUSTICE))
    k.wait_for(lambda s: s.screen is Screen.SERVICES and s.lang == "en" and s.priority)
    k.clock.advance(46)                              # the citizen walked away
    state = k.wait_for(lambda s: s.screen is Screen.HOME)
    assert state.lang == "vi" and not state.priority
