"""Everything the kiosk asks of the database and the printer, as plain calls.

Each method is blocking and is run off the UI thread (``ui_common.tasks``),
so a slow database or a hung printer can never freeze the screen.  Nothing
here decides queue rules: ``db.queue`` does (opening hours, limits, numbers)
and ``services.ticket_printing`` applies the print-failure policy.  The
kiosk only reads the answers and shows them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from db import bookings, popular, queue
from db.officers import OfficerInfo, authenticate
from db.site import list_services, load_site
from db.status import hall_status
from db.values import ServiceInfo, SiteInfo, TicketInfo
from hardware.printing.base import TicketPrinter
from hardware.printing.printers import open_printer
from hardware.printing.status import PrinterStatus
from services.print_journal import PrintJournal
from services.ticket_printing import (
    CheckinOutcome,
    PrintOutcome,
    cancel_unprinted,
    checkin_and_print,
    issue_and_print,
    settle_unprinted,
)

#: Roles allowed to close the kiosk.
ADMIN_ROLES = ("supervisor", "admin")


@dataclass(frozen=True)
class SiteData:
    """The site and its active services, read once at start (and on re-import)."""

    site: SiteInfo
    services: tuple[ServiceInfo, ...]
    bookable: tuple[str, ...] = ()       # codes of the services that take bookings ("I have an appointment")
    quick: str | None = None             # the one-tap service ([kiosk] quick_service, or the busiest: db.popular)


@dataclass(frozen=True)
class Snapshot:
    """What changes during the day: waiting counts and why a service cannot issue."""

    waiting: dict[str, int] = field(default_factory=dict)
    reasons: dict[str, str | None] = field(default_factory=dict)


class KioskBackend:
    """Blocking database and printer calls for one kiosk."""

    def __init__(self, printer: str | TicketPrinter, *, kiosk_id: str | None = None,
                 journal: PrintJournal | None = None) -> None:
        """``journal``: where this kiosk lists the slips it has not settled (the real program has one)."""
        # A malformed URL is refused here (PrinterUrlError), before the window opens.
        self.printer = open_printer(printer) if isinstance(printer, str) else printer
        self.kiosk_id = kiosk_id
        self.journal = journal

    def load_site(self, now: float | None = None) -> SiteData:
        if self.journal is not None:      # at start: the tickets a killed kiosk left without a slip
            settle_unprinted(self.journal, now=now)
        site, services = load_site(), tuple(list_services())
        quick = popular.quick_service(site.quick_service, {s.code for s in services}, now=now)
        return SiteData(site, services, tuple(s.code for s in bookings.bookable_services()), quick)

    def snapshot(self, now: float | None = None) -> Snapshot:
        status = hall_status(now=now, next_count=0)
        waiting = {s.code: s.waiting for s in status.services}
        reasons = {s.code: queue.issue_check(s.code, now=now) for s in status.services if s.active}
        return Snapshot(waiting, reasons)

    def printer_status(self) -> PrinterStatus:
        return self.printer.check_ready()

    def issue(self, service_code: str, *, priority: bool, now: float | None = None) -> PrintOutcome:
        return issue_and_print(service_code, self.printer, priority=priority, kiosk=self.kiosk_id, now=now,
                               journal=self.journal)

    def cancel_unprinted(self, ticket_id: int, *, now: float | None = None) -> TicketInfo:
        """Retry the "cancel" policy's cancel the database refused (the kiosk calls it until it lands)."""
        return cancel_unprinted(ticket_id, now=now)

    def check_in(self, reference: str, *, now: float | None = None) -> CheckinOutcome:
        """A scanned manage_url or a typed booking code -> its ticket, printed once (a repeat is not)."""
        return checkin_and_print(reference, self.printer, kiosk=self.kiosk_id, now=now)

    def authenticate(self, username: str, pin: str) -> OfficerInfo:
        return authenticate(username, pin, roles=ADMIN_ROLES)
