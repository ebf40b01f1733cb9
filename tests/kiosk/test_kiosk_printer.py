"""Printer faults at the kiosk, under both ``on_print_failure`` policies.

The printer is the TCP simulator (real sockets, real DLE EOT answers); a
fault is switched on in the simulator and the kiosk must find it by itself.
"""

from __future__ import annotations

import pytest
import zxingcpp
from kiosk_helpers import click, load_site, next_tick, tap
from pg_server import free_port
from PIL import Image
from PySide6.QtCore import QBuffer, QIODevice

from db.models import Ticket
from hardware.printing.simulator import PrinterSimulator, SimulatedState
from kiosk_app.controller import PRINTER_POLL_S, Screen

BUSINESS = "field:Kinh doanh"

#: fault -> (how to make the simulator misbehave, the PrinterError fault the kiosk must report)
STATUS_FAULTS = {
    "paper_out": ("paper_out", "Máy in hết giấy"),
    "offline": ("offline", "Máy in đang ngoại tuyến"),
    "cover_open": ("cover_open", "Nắp máy in đang mở"),
}


def decode_qr(pixmap) -> str:
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    pixmap.save(buffer, "PNG")
    import io

    image = Image.open(io.BytesIO(bytes(buffer.data()))).convert("L")
    results = zxingcpp.read_barcodes(image)
    assert results, "no QR code found on screen"
    return results[0].text


def poll(k) -> None:
    """Let the kiosk's next printer check come due (no real waiting)."""
    k.clock.advance(PRINTER_POLL_S + 0.5)


@pytest.mark.parametrize("fault", list(STATUS_FAULTS))
def test_show_policy_printer_fault_gives_banner_and_an_on_screen_ticket_with_qr(kiosk, simulator, qtbot, clock, fault):
    kind, words = STATUS_FAULTS[fault]
    k = kiosk(simulator.url, epoch=clock(9, 30))
    assert not k.window.banner.isVisible()
    setattr(simulator.state, fault, True)
    poll(k)
    state = k.wait_for(lambda s: s.printer_problem == kind)
    banner = k.window.banner
    assert banner.isVisible()
    vi, en = banner.text().split("\n")
    assert vi.startswith(words) and vi.endswith("Số thứ tự sẽ hiển thị trên màn hình.")
    assert en.endswith("Your number will be shown on the screen.")
    assert not state.issuing_disabled and k.window.tile_button(BUSINESS).isEnabled()

    click(qtbot, k.window.tile_button(BUSINESS))
    state = k.wait_for(lambda s: s.screen is Screen.TICKET)
    page = k.window.ticket
    assert not state.ticket.printed and page.code.text() == "E001"
    assert page.qr.isVisible() and decode_qr(page.qr.pixmap()) == state.ticket.reference
    assert state.ticket.reference.startswith("OSQ1:UBND-XA-QUANG-KIM:20261125:E001:")
    assert "Máy in đang gặp sự cố" in page.headline.text() and page.done_button.isVisible()
    ticket = Ticket.get(Ticket.code == "E001")
    assert ticket.status == "waiting"                      # valid: it will be called
    assert not [j for j in simulator.jobs if j.printed]

    k.pass_guards()
    tap(qtbot, page, k.window.ticket_touched)              # a touch (a phone photo) does not end it ...
    assert k.state.screen is Screen.TICKET
    click(qtbot, page.done_button)                         # ... "Done" does
    k.wait_for(lambda s: s.screen is Screen.HOME)

    k.printer_settled()
    setattr(simulator.state, fault, False)                 # an officer loads paper / closes the cover
    k.clock.advance(3)
    k.wait_for(lambda s: s.printer_problem is None)
    assert not k.window.banner.isVisible()


def test_show_policy_unprinted_ticket_screen_stays_a_minute(kiosk, simulator, qtbot, clock):
    simulator.state.paper_out = True
    k = kiosk(simulator.url, epoch=clock(9, 30))
    k.wait_for(lambda s: s.printer_problem == "paper_out")
    click(qtbot, k.window.tile_button(BUSINESS))
    k.wait_for(lambda s: s.screen is Screen.TICKET)
    k.clock.advance(30)
    assert next_tick(qtbot, k).screen is Screen.TICKET
    k.clock.advance(31)
    k.wait_for(lambda s: s.screen is Screen.HOME)


@pytest.mark.parametrize("fault", list(STATUS_FAULTS))
def test_cancel_policy_printer_fault_disables_issuing_until_fixed(kiosk, simulator, qtbot, clock, fault):
    kind, words = STATUS_FAULTS[fault]
    load_site(policy="cancel")
    k = kiosk(simulator.url, epoch=clock(9, 30))
    setattr(simulator.state, fault, True)
    poll(k)
    state = k.wait_for(lambda s: s.issuing_disabled)
    assert state.printer_problem == kind
    vi, en = k.window.banner.text().split("\n")
    assert vi.startswith(words) and vi.endswith("Tạm ngừng cấp số.")
    assert en.endswith("Tickets cannot be issued for now.")
    for button in k.window.home.buttons.values():
        assert not button.isEnabled() and button.badge == "Máy in đang lỗi"
    k.pass_guards()
    click(qtbot, k.window.tile_button(BUSINESS))           # a disabled button sends nothing ...
    k.session.controller.tap_service("KD")                 # ... and the controller refuses at once
    assert not k.state.busy and k.state.screen is Screen.HOME
    assert Ticket.select().count() == 0

    k.printer_settled()
    setattr(simulator.state, fault, False)
    k.clock.advance(3)
    k.wait_for(lambda s: not s.issuing_disabled and s.printer_problem is None)
    assert k.window.tile_button(BUSINESS).isEnabled() and not k.window.banner.isVisible()
    k.pass_guards()
    click(qtbot, k.window.tile_button(BUSINESS))
    state = k.wait_for(lambda s: s.screen is Screen.TICKET)
    assert state.ticket.printed and simulator.wait_for_jobs(1)[0].printed


def test_cancel_policy_fault_between_checks_issues_nothing_and_says_why(kiosk, simulator, qtbot, clock):
    load_site(policy="cancel")
    k = kiosk(simulator.url, epoch=clock(9, 30))
    simulator.state.paper_out = True                             # runs out after the kiosk's last check
    click(qtbot, k.window.tile_button(BUSINESS))
    k.wait_for(lambda s: s.screen is Screen.MESSAGE)
    page = k.window.message
    assert page.title.text() == "Không lấy được số"
    assert page.body.text().startswith("Máy in hết giấy")
    assert Ticket.select().count() == 0                    # no ghost ticket
    assert k.state.issuing_disabled


@pytest.mark.parametrize("policy", ["show", "cancel"])
def test_printer_hanging_up_mid_job_follows_the_policy(kiosk, simulator, qtbot, clock, policy):
    load_site(policy=policy)
    k = kiosk(simulator.url, epoch=clock(9, 30))
    simulator.state.hangup_after = 300                           # status answers fine, the job is cut short
    click(qtbot, k.window.tile_button(BUSINESS))
    state = k.wait_for(lambda s: s.screen in (Screen.TICKET, Screen.MESSAGE), timeout=10)
    ticket = Ticket.get(Ticket.code == "E001")
    if policy == "show":
        assert state.screen is Screen.TICKET and not state.ticket.printed
        assert ticket.status == "waiting"
    else:
        assert state.screen is Screen.MESSAGE
        assert k.window.message.title.text() == "Không in được phiếu"
        assert k.window.message.body.text().startswith("Số vừa cấp đã được huỷ")
        assert "Mất kết nối với máy in" in k.window.message.note.text()
        assert ticket.status == "cancelled" and ticket.cancel_reason == "print_failed"
    assert state.printer_problem == "disconnected"
    # the printer itself answers again: the banner goes at the next check
    k.printer_settled()
    simulator.state.hangup_after = None
    k.clock.advance(3)
    k.wait_for(lambda s: s.printer_problem is None)


@pytest.mark.parametrize("policy", ["show", "cancel"])
def test_printer_not_answering_is_a_timeout(kiosk, tmp_path, qtbot, clock, policy):
    load_site(policy=policy)
    with PrinterSimulator(out_dir=tmp_path / "hung", state=SimulatedState(hang=True)) as hung:
        k = kiosk(hung.url, epoch=clock(9, 30), wait_home=False)
        state = k.wait_for(lambda s: s.printer_problem == "timeout" and s.screen is Screen.HOME, timeout=10)
        assert "Máy in không phản hồi" in k.window.banner.text()
        assert state.issuing_disabled == (policy == "cancel")
        if policy == "show":
            k.pass_guards()
            click(qtbot, k.window.tile_button(BUSINESS))
            state = k.wait_for(lambda s: s.screen is Screen.TICKET, timeout=10)
            assert not state.ticket.printed and Ticket.get(Ticket.code == "E001").status == "waiting"


@pytest.mark.parametrize("policy", ["show", "cancel"])
def test_printer_switched_off_is_not_found(kiosk, qtbot, clock, policy):
    load_site(policy=policy)
    k = kiosk(f"tcp://127.0.0.1:{free_port()}", epoch=clock(9, 30), wait_home=False)
    state = k.wait_for(lambda s: s.printer_problem == "not_found" and s.screen is Screen.HOME and bool(s.tiles),
                       timeout=10)
    assert k.window.banner.text().startswith("Không tìm thấy máy in")
    assert state.issuing_disabled == (policy == "cancel")
    assert k.window.tile_button(BUSINESS).isEnabled() == (policy == "show")


def test_cancel_the_database_refuses_blocks_taps_until_it_lands(kiosk, simulator, qtbot, clock, monkeypatch):
    """Printer drops mid-job and the database cannot record the cancel: no ghost, no next ticket meanwhile."""
    from db import queue
    from db.errors import DatabaseUnavailable

    load_site(policy="cancel")
    k = kiosk(simulator.url, epoch=clock(9, 30))
    real, refusing, tries = queue.cancel_ticket, [True], []

    def cancel(ticket_id, **kwargs):
        tries.append(ticket_id)
        if refusing[0]:
            raise DatabaseUnavailable("database is locked")
        return real(ticket_id, **kwargs)

    monkeypatch.setattr(queue, "cancel_ticket", cancel)
    simulator.state.hangup_after = 300
    click(qtbot, k.window.tile_button(BUSINESS))
    k.wait_for(lambda s: s.screen is Screen.MESSAGE, timeout=10)
    assert k.window.message.body.text().startswith("Số vừa cấp đã được huỷ")
    qtbot.waitUntil(lambda: len(tries) >= 1, timeout=5000)
    assert Ticket.get(Ticket.code == "E001").status == "waiting"       # the database refused so far
    simulator.state.hangup_after = None
    k.printer_settled()
    k.clock.advance(10)                                                  # past the message and the tap guard
    k.wait_for(lambda s: s.screen is Screen.HOME)
    qtbot.waitUntil(lambda: len(tries) >= 2, timeout=5000)              # retried at the next ticks
    assert not any(t.enabled for t in k.state.tiles if t.service is not None)
    k.pass_guards()
    click(qtbot, k.window.tile_button(BUSINESS))                         # refused: the kiosk owes a cancel
    k.settle()
    assert k.state.screen is Screen.HOME
    assert Ticket.select().count() == 1
    refusing[0] = False
    k.clock.advance(3)
    qtbot.waitUntil(lambda: Ticket.get(Ticket.code == "E001").status == "cancelled", timeout=5000)
    assert Ticket.get(Ticket.code == "E001").cancel_reason == "print_failed"
    k.wait_for(lambda s: any(t.enabled for t in s.tiles if t.service is not None), timeout=5)
