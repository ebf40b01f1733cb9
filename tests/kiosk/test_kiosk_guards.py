"""One tap = one ticket; closed hours; a used-up service; taps that must do nothing."""

from __future__ import annotations

from kiosk_helpers import click, load_site, tap

from db import queue
from db.models import Ticket
from hardware.printing.simulator import PrinterSimulator, SimulatedState
from kiosk_app.controller import Screen

BUSINESS = "field:Kinh doanh"
LAND = "field:Đất đai - Xây dựng"


def test_double_tap_on_a_service_issues_one_ticket(kiosk, simulator, qtbot, clock):
    k = kiosk(simulator.url, epoch=clock(9, 30))
    button = k.window.tile_button(BUSINESS)
    tap(qtbot, button, k.window.tile_tapped)
    assert k.state.busy and not button.isEnabled()
    click(qtbot, button)                                  # same instant: the finger bounced
    k.wait_for(lambda s: s.screen is Screen.TICKET)
    assert not k.state.busy                               # no second ticket on its way
    assert Ticket.select().count() == 1
    assert len(simulator.wait_for_jobs(1)) == 1


def test_buttons_are_disabled_while_a_ticket_is_in_flight(kiosk, tmp_path, qtbot, clock):
    with PrinterSimulator(out_dir=tmp_path / "slow", state=SimulatedState(slow_s=0.8)) as slow:
        k = kiosk(slow.url, epoch=clock(9, 30))
        button = k.window.tile_button(BUSINESS)
        other = k.window.tile_button("service:KN")
        click(qtbot, button)
        k.wait_for(lambda s: s.busy)
        assert not button.isEnabled() and not other.isEnabled() and not k.window.language.isEnabled()
        assert button.badge == "Đang in phiếu…"
        k.clock.advance(2.0)                            # past the tap guard, still printing
        click(qtbot, button)
        click(qtbot, other)
        k.session.controller.tap_service("KN")        # even a tap that reached the controller does nothing
        k.wait_for(lambda s: s.screen is Screen.TICKET, timeout=10)
        assert [t.code for t in Ticket.select()] == ["E001"]
        assert len(slow.wait_for_jobs(1)) == 1


def test_second_tap_within_1_5_s_does_nothing_even_on_the_next_screen(kiosk, simulator, qtbot, clock):
    k = kiosk(simulator.url, epoch=clock(9, 30))
    click(qtbot, k.window.tile_button(BUSINESS))
    k.wait_for(lambda s: s.screen is Screen.TICKET)
    k.clock.advance(1.0)
    tap(qtbot, k.window.ticket, k.window.ticket_touched)  # the second half of a slow double tap
    assert k.state.screen is Screen.TICKET                # the confirmation stays
    k.clock.advance(0.6)
    click(qtbot, k.window.ticket)
    k.wait_for(lambda s: s.screen is Screen.HOME)
    # and at the controller: two service taps 1.4 s apart give one ticket
    k.pass_guards()
    controller = k.session.controller
    controller.tap_service("KN")
    k.wait_for(lambda s: s.screen is Screen.TICKET)
    assert Ticket.select().count() == 2


def test_double_tap_on_a_field_does_not_land_on_a_service(kiosk, simulator, qtbot, clock):
    k = kiosk(simulator.url, epoch=clock(9, 30))
    click(qtbot, k.window.tile_button(LAND))
    k.wait_for(lambda s: s.screen is Screen.SERVICES)
    k.clock.advance(0.2)                                  # second half of the double tap, on the new screen
    tap(qtbot, k.window.service_button("XD"), k.window.service_tapped)
    assert k.state.screen is Screen.SERVICES and not k.state.busy and Ticket.select().count() == 0
    k.clock.advance(0.5)                                  # a deliberate tap is honoured
    click(qtbot, k.window.service_button("XD"))
    k.wait_for(lambda s: s.screen is Screen.TICKET)
    assert [t.code for t in Ticket.select()] == ["D001"]


def test_closed_hours_show_when_the_kiosk_opens_again_and_it_reopens_by_itself(kiosk, simulator, qtbot, clock):
    load_site(real_hours=True)
    k = kiosk(simulator.url, epoch=clock(11, 29), wait_home=False)
    k.wait_for(lambda s: s.screen is Screen.HOME and bool(s.tiles))
    click(qtbot, k.window.tile_button("field:Tư pháp - Hộ tịch"))
    k.wait_for(lambda s: s.screen is Screen.SERVICES)

    k.clock.set_time(clock(11, 30))                       # lunch break: even an open field closes
    k.wait_for(lambda s: s.screen is Screen.CLOSED)
    page = k.window.closed
    assert k.window.stack.currentWidget() is page
    assert page.title.text() == "Ngoài giờ làm việc" and page.title_en.text() == "Closed"
    assert page.body.text() == "Mở cửa lại lúc 13:30 hôm nay"
    assert page.body_en.text() == "Open again at 13:30 today"
    assert "07:30–11:30, 13:30–17:00 (Thứ Hai – Thứ Sáu)" in page.note.text()
    assert not k.window.language.isVisible() and not k.window.priority.isVisible()
    k.session.controller.tap_service("TP")                # nothing can be issued from here
    assert Ticket.select().count() == 0

    k.clock.set_time(clock(13, 30))
    k.wait_for(lambda s: s.screen is Screen.HOME)
    k.pass_guards()
    click(qtbot, k.window.tile_button("field:Kinh doanh"))
    k.wait_for(lambda s: s.screen is Screen.TICKET)
    assert Ticket.select().count() == 1

    k.clock.set_time(clock(17, 0))
    k.wait_for(lambda s: s.screen is Screen.CLOSED)       # the ticket screen has timed out meanwhile
    assert page.body.text() == "Mở cửa lại lúc 07:30 ngày mai"
    k.clock.set_time(clock(17, 5, day=27))                # Friday evening: next is Monday
    k.wait_for(lambda s: s.reopens is not None and "30/11" in s.reopens.vi)
    assert page.body.text() == "Mở cửa lại lúc 07:30 Thứ Hai 30/11"


def test_kiosk_started_outside_hours_shows_closed_at_once(kiosk, simulator, qtbot, clock):
    load_site(real_hours=True)
    k = kiosk(simulator.url, epoch=clock(6, 0, day=28), wait_home=False)     # Saturday
    k.wait_for(lambda s: s.screen is Screen.CLOSED)
    assert k.window.closed.body.text() == "Mở cửa lại lúc 07:30 Thứ Hai 30/11"


def test_service_past_its_daily_limit_is_shown_unavailable_with_the_reason(kiosk, simulator, qtbot, clock):
    load_site(dd_limit=2)
    queue.issue_ticket("DD", now=clock(8, 0))
    k = kiosk(simulator.url, epoch=clock(9, 30))
    click(qtbot, k.window.tile_button(LAND))
    k.wait_for(lambda s: s.screen is Screen.SERVICES)
    land = k.window.service_button("DD")
    assert land.isEnabled() and land.badge == "1 người đang chờ"
    queue.issue_ticket("DD", now=clock(9, 31))            # the last one, taken at another kiosk
    qtbot.waitUntil(lambda: not land.isEnabled(), timeout=5000)
    assert land.badge == "Đã hết lượt hôm nay"
    assert k.window.service_button("XD").isEnabled()      # the other service of the field still works
    k.pass_guards()
    click(qtbot, land)                                    # a disabled button sends nothing ...
    k.session.controller.tap_service("DD")                # ... and the controller refuses at once
    assert k.state.screen is Screen.SERVICES and not k.state.busy
    assert Ticket.select().count() == 2 and simulator.jobs == []
    switch = k.window.language
    click(qtbot, switch)
    k.wait_for(lambda s: s.lang == "en")
    assert land.badge == "Today's limit reached"


def test_field_is_unavailable_only_when_all_its_services_are(kiosk, simulator, qtbot, clock):
    from db.models import Service

    load_site(dd_limit=1)
    queue.issue_ticket("DD", now=clock(8, 0))
    k = kiosk(simulator.url, epoch=clock(9, 30))
    field = k.window.tile_button(LAND)
    assert field.isEnabled()                              # XD is still open
    Service.update(end=1).where(Service.code == "XD").execute()
    queue.issue_ticket("XD", now=clock(9, 31))
    qtbot.waitUntil(lambda: not field.isEnabled(), timeout=5000)
    assert field.badge == "Đã hết lượt hôm nay"


def test_limit_reached_between_refresh_and_tap_says_why_and_prints_nothing(kiosk, simulator, qtbot, clock):
    load_site(dd_limit=2)
    queue.issue_ticket("DD", now=clock(8, 0))
    k = kiosk(simulator.url, epoch=clock(9, 30))
    k.feed.stop()                                         # the kiosk does not hear of the next ticket in time
    click(qtbot, k.window.tile_button(LAND))
    k.wait_for(lambda s: s.screen is Screen.SERVICES)
    queue.issue_ticket("DD", now=clock(9, 31))
    k.pass_guards()
    click(qtbot, k.window.service_button("DD"))
    state = k.wait_for(lambda s: s.screen is Screen.MESSAGE)
    page = k.window.message
    assert page.title.text() == "Không lấy được số" and page.title_en.text() == "No ticket could be issued"
    assert "đã đủ 2 lượt hôm nay" in page.body.text() and "limit of 2 tickets" in page.body_en.text()
    assert Ticket.select().count() == 2 and simulator.jobs == []
    assert state.message is not None
    k.wait_for(lambda s: not next(t for t in s.tiles if t.key == LAND).pending)
    k.clock.advance(1)
    click(qtbot, page)
    k.wait_for(lambda s: s.screen is Screen.HOME)
    k.pass_guards()
    click(qtbot, k.window.tile_button(LAND))
    k.wait_for(lambda s: s.screen is Screen.SERVICES)
    # refreshed after the refusal (the re-read runs in the background: allow it a moment)
    qtbot.waitUntil(lambda: not k.window.service_button("DD").isEnabled(), timeout=5_000)


def test_number_range_used_up_is_shown_unavailable(kiosk, simulator, qtbot, clock):
    from db.models import Service

    Service.update(end=2).where(Service.code == "KD").execute()
    queue.issue_ticket("KD", now=clock(8, 0))
    queue.issue_ticket("KD", now=clock(8, 1))
    k = kiosk(simulator.url, epoch=clock(9, 30))
    tile = k.window.tile_button(BUSINESS)
    assert not tile.isEnabled() and tile.badge == "Đã hết số hôm nay"
