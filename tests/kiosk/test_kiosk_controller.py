"""The controller alone (no Qt, no database): flow rules with a scripted backend.

These pin down the decisions the screens rely on, with every answer of the
backend under the test's control (a refusal, an outage, an unprinted ticket).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from db.errors import DatabaseUnavailable, LimitReached, ServiceClosed
from db.values import ServiceInfo, SiteInfo, TicketInfo
from hardware.printing.errors import PrinterError
from hardware.printing.status import UNCHECKED, PrinterStatus
from kiosk_app.backend import SiteData, Snapshot
from kiosk_app.controller import (
    OFFLINE_PROBE_S,
    PRINT_FAILURE_HOLD_S,
    PRINTER_POLL_S,
    TAP_GUARD_S,
    KioskController,
    Screen,
)
from services.ticket_printing import PrintOutcome
from tools.kiosk_harness import FakeClock


def service(code: str, group: str | None, name: str) -> ServiceInfo:
    return ServiceInfo(id=hash(code) % 1000, code=code, name=name, name_en=f"{name} (en)", prefix=code[0],
                       group=group, group_en=f"{group} (en)" if group else None, start=1, end=999,
                       daily_limit=None, target_wait_min=None, active=True, counters=(1,))


SITE = SiteInfo(name="UBND xã Thử", name_en="Test Commune", timezone="Asia/Ho_Chi_Minh",
                opening_hours=("00:00-24:00",), days=("mon", "tue", "wed", "thu", "fri", "sat", "sun"),
                rating_levels=(), allow_priority=True)
SERVICES = (service("TP", "Tư pháp", "Chứng thực"), service("KS", "Tư pháp", "Khai sinh"),
            service("KD", "Kinh doanh", "Hộ kinh doanh"), service("KN", None, "Kiến nghị"))


def ticket(code: str = "E001", *, service_code: str = "KD", priority: bool = False) -> TicketInfo:
    return TicketInfo(id=7, code=code, number=1, service=service_code, service_name="Hộ kinh doanh",
                      service_name_en="Household business", issued_service=service_code, status="waiting",
                      priority=priority, service_day=date(2026, 11, 25),
                      issued_at=datetime(2026, 11, 25, 2, 30, tzinfo=UTC), ahead=3, estimated_wait_s=600)


class ScriptedBackend:
    """Answers as told; records what the controller asked for."""

    def __init__(self, site: SiteInfo = SITE) -> None:
        self.site = site
        self.issued: list[tuple[str, bool]] = []
        self.outcome: PrintOutcome | Exception = PrintOutcome(ticket(), printed=True)
        self.snapshot_answer: Snapshot | Exception = Snapshot({"TP": 2, "KS": 1}, {})
        self.status: PrinterStatus = PrinterStatus(ready=True, checked=True, online=True, paper="ok")
        self.down = False

    def load_site(self, now: float | None = None) -> SiteData:
        if self.down:
            raise DatabaseUnavailable("down")
        return SiteData(self.site, SERVICES)

    def snapshot(self, now=None) -> Snapshot:
        if self.down:
            raise DatabaseUnavailable("down")
        if isinstance(self.snapshot_answer, Exception):
            raise self.snapshot_answer
        return self.snapshot_answer

    def printer_status(self) -> PrinterStatus:
        return self.status

    def issue(self, code: str, *, priority: bool, now=None) -> PrintOutcome:
        self.issued.append((code, priority))
        if isinstance(self.outcome, Exception):
            raise self.outcome
        return self.outcome

    def authenticate(self, username: str, pin: str):
        return username


def sync_runner(operation, on_done, on_failed) -> None:
    try:
        result = operation()
    except Exception as exc:
        on_failed(exc)
        return
    on_done(result)


@pytest.fixture
def made():
    clock = FakeClock(1_795_000_000.0)
    backend = ScriptedBackend()
    controller = KioskController(backend, sync_runner, now=clock.now, monotonic=clock.monotonic)
    states = []
    controller.subscribe(states.append)
    controller.start()
    clock.advance(1)
    return controller, backend, clock, states


def test_home_has_one_tile_per_field_and_ungrouped_services_on_their_own(made):
    controller, _, _, _ = made
    tiles = controller.state.tiles
    assert [t.key for t in tiles] == ["field:Tư pháp", "field:Kinh doanh", "service:KN"]
    justice, business, petitions = tiles
    assert justice.service is None and justice.waiting == 3 and justice.detail.vi == "Chứng thực · Khai sinh"
    assert business.service == "KD" and business.title.vi == "Kinh doanh" and business.detail.vi == "Hộ kinh doanh"
    assert petitions.service == "KN" and [t.colour for t in tiles] == [0, 1, 2]


def test_one_tap_one_ticket_and_the_guard_covers_the_confirmation(made):
    controller, backend, clock, _ = made
    controller.tap_tile("field:Kinh doanh")
    controller.tap_tile("field:Kinh doanh")
    assert backend.issued == [("KD", False)]
    assert controller.state.screen is Screen.TICKET
    clock.advance(TAP_GUARD_S - 0.1)
    controller.touch_ticket()
    assert controller.state.screen is Screen.TICKET
    clock.advance(0.2)
    controller.touch_ticket()
    assert controller.state.screen is Screen.HOME


def test_priority_toggle_goes_with_the_tap_and_is_never_asked_after_it(made):
    controller, backend, clock, _ = made
    controller.toggle_priority()
    controller.tap_tile("field:Tư pháp")
    clock.advance(1)
    controller.tap_service("KS")
    assert backend.issued == [("KS", True)]
    assert controller.state.screen is Screen.TICKET      # straight to the ticket: no question in between


def test_database_lost_at_the_tap_goes_out_of_service_and_a_probe_brings_it_back(made):
    controller, backend, clock, _ = made
    backend.outcome = DatabaseUnavailable("gone")
    backend.down = True
    controller.tap_tile("field:Kinh doanh")
    assert controller.state.screen is Screen.OFFLINE and not controller.state.busy
    clock.advance(OFFLINE_PROBE_S + 0.1)
    controller.tick()
    assert controller.state.screen is Screen.OFFLINE      # still down
    backend.down = False
    clock.advance(OFFLINE_PROBE_S + 0.1)
    controller.tick()
    assert controller.state.screen is Screen.HOME


def test_feed_offline_wins_until_the_feed_is_back(made):
    controller, _, _, _ = made
    controller.feed_online(False)
    assert controller.state.screen is Screen.OFFLINE
    controller.refresh()                                  # an old connection may still answer: not enough
    assert controller.state.screen is Screen.OFFLINE
    controller.feed_online(True)
    assert controller.state.screen is Screen.HOME


@pytest.mark.parametrize("refusal", [ServiceClosed("Dịch vụ tạm ngừng", "Service stopped"),
                                     LimitReached("Hết lượt", "Limit reached")])
def test_a_refusal_after_the_tap_is_shown_in_both_languages(made, refusal):
    controller, backend, _, _ = made
    backend.outcome = refusal
    controller.tap_tile("service:KN")
    state = controller.state
    assert state.screen is Screen.MESSAGE
    assert state.message.title.vi == "Không lấy được số"
    assert (state.message.body.vi, state.message.body.en) == (refusal.message_vi, refusal.message_en)


def test_an_unexpected_error_never_shows_a_traceback(made):
    controller, backend, _, _ = made
    backend.outcome = RuntimeError("bug in a driver")
    controller.tap_tile("service:KN")
    assert controller.state.screen is Screen.MESSAGE
    assert "bug" not in controller.state.message.body.vi
    assert controller.state.message.body.en == "Something went wrong, please try again"


def test_unprinted_ticket_stays_until_done_and_a_touch_does_not_end_it(made):
    controller, backend, clock, _ = made
    backend.outcome = PrintOutcome(ticket(), printed=False, error=PrinterError("paper_out"))
    controller.tap_tile("field:Kinh doanh")
    state = controller.state
    assert state.screen is Screen.TICKET and not state.ticket.printed
    assert state.ticket.reference == "OSQ1:UBND-XA-THU:20261125:E001:7"
    assert state.printer_problem == "paper_out" and state.printer_banner is not None
    clock.advance(5)
    controller.touch_ticket()
    assert controller.state.screen is Screen.TICKET
    controller.finish_ticket()
    assert controller.state.screen is Screen.HOME


def test_printers_that_cannot_report_keep_a_failed_print_in_mind_for_a_while(made):
    controller, backend, clock, _ = made
    cancel = SITE.__class__(**{**SITE.__dict__, "on_print_failure": "cancel"})
    backend.site = cancel
    controller.feed_events([type("E", (), {"kind": "site_imported"})()])
    backend.status = UNCHECKED
    failure = PrinterError("not_found")
    backend.outcome = PrintOutcome(ticket(), printed=False, error=failure, cancelled=True)
    controller.tap_tile("service:KN")
    assert controller.state.screen is Screen.MESSAGE and controller.state.issuing_disabled
    clock.advance(PRINTER_POLL_S)
    controller.tick()
    assert controller.state.issuing_disabled              # an unchecked "ready" does not clear it yet
    clock.advance(PRINT_FAILURE_HOLD_S)
    controller.tick()
    assert not controller.state.issuing_disabled          # ... after a while, printing is tried again


def test_site_reimport_reloads_the_services(made):
    controller, backend, _, _ = made
    backend.site = SiteInfo(**{**SITE.__dict__, "allow_priority": False})
    controller.toggle_priority()
    assert controller.state.priority
    controller.feed_events([type("E", (), {"kind": "site_imported"})()])
    assert not controller.state.allow_priority and not controller.state.priority


def test_admin_exit_is_requested_only_after_authentication(made):
    controller, backend, _, _ = made
    controller.open_admin()
    assert controller.state.screen is Screen.ADMIN and not controller.state.exit_requested
    backend.authenticate = lambda u, p: (_ for _ in ()).throw(
        __import__("db.errors", fromlist=["AuthError"]).AuthError("Sai", "Wrong"))
    controller.submit_admin("admin", "0000")
    assert controller.state.admin_error.en == "Wrong" and not controller.state.exit_requested
    backend.authenticate = lambda u, p: u
    controller.submit_admin("admin", "1234")
    assert controller.state.exit_requested
