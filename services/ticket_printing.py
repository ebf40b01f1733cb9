"""Issue a ticket and print it, with no ghost ticket when the printer fails.

The one operation that combines the queue (``db``) and the printer
(``hardware``), so neither has to know the other: the domain issues and
cancels, the printer draws a ``TicketSlip`` filled here.  Shared by
``onestop issue --printer``, the kiosk and the demo.  The site's
``on_print_failure`` policy decides what a printer fault means:

- ``"show"``: the ticket stays valid (the kiosk shows it on screen); the
  outcome says ``printed=False`` and carries the ``PrinterError``.
- ``"cancel"``: a ticket that could not be printed is cancelled with reason
  ``print_failed`` (never called, still counted in reports).  Where the
  printer reports its status, it is asked *before* issuing, so a printer that
  is known to be out of paper creates no ticket at all: ``issue_and_print``
  then raises the ``PrinterError`` (kind ``DEVICE``, exit code 3).  One
  exception: a job the printer received whole but never confirmed in time
  (``timeout`` with ``delivered``) is *not* cancelled: a slow printer prints
  it, and a cancelled ticket in a citizen's hand is never called, while a
  kept one at worst becomes a no-show.  For the same reason a ticket a counter
  called while the print was failing (a hung printer takes seconds) is kept,
  not cancelled under the officer (``cancel_ticket(only_waiting=True)``).

Runs synchronously (a printer that hangs after the ready check costs up to
``confirm_timeout``, 10 s): GUI callers run it in
a worker thread.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image

from db import bookings, queue, statuses
from db.errors import NotAllowed, NotFound
from db.site import get_service, load_site
from db.ticket_qr import build_ticket_reference
from db.values import SiteInfo, TicketInfo
from errors import OnestopError
from hardware.printing import layout
from hardware.printing.base import TicketPrinter, classify
from hardware.printing.errors import PrinterError
from hardware.printing.printers import open_printer
from hardware.printing.slip import TicketSlip
from services.print_journal import PrintJournal

__all__ = ["PRINT_FAILED", "CheckinOutcome", "PrintOutcome", "checkin_and_print", "issue_and_print",
           "cancel_unprinted", "print_issued_ticket", "render_ticket", "settle_unprinted", "ticket_slip",
           "unconfirmed"]

log = logging.getLogger(__name__)

#: ``cancel_reason`` of a ticket the "cancel" policy withdrew because it was not printed.
PRINT_FAILED = "print_failed"


def ticket_slip(ticket: TicketInfo, site: SiteInfo, counters: Sequence[int] = ()) -> TicketSlip:
    """What the printer draws for ``ticket`` issued at ``site``: the printer knows no tickets."""
    return TicketSlip(
        code=ticket.code, service_name=ticket.service_name, service_name_en=ticket.service_name_en,
        site_name=site.name, site_name_en=site.name_en, issued_at=ticket.issued_at, timezone=site.timezone,
        qr_payload=ticket.track_url or build_ticket_reference(ticket, site), priority=ticket.priority,
        ahead=ticket.ahead, estimated_wait_s=ticket.estimated_wait_s, counters=tuple(counters),
        estimated_wait_range_s=ticket.estimated_wait_range_s,
    )


def render_ticket(ticket: TicketInfo, site: SiteInfo, *, counters: Sequence[int] = (), width_mm: int = 80,
                  lang_en: bool = True) -> Image.Image:
    """The ticket image the printer gets (and the PNG preview shows)."""
    return layout.render_ticket(ticket_slip(ticket, site, counters), width_mm=width_mm, lang_en=lang_en)


def unconfirmed(error: PrinterError) -> bool:
    """True for a job the printer received whole and may have printed: it only failed to answer in time."""
    return error.fault == "timeout" and error.delivered


@dataclass(frozen=True)
class PrintOutcome:
    """What happened to one issue-and-print.

    ``ticket`` is the ticket as it stands now: cancelled when
    ``cancelled`` is True.  ``error`` is None exactly when ``printed``.
    """

    ticket: TicketInfo
    printed: bool
    error: PrinterError | None = None
    cancelled: bool = False
    #: The database error that kept the "cancel" policy from cancelling the unprinted ticket: it is
    #: still ``waiting`` and the caller must ``cancel_unprinted`` it until that lands (no ghost).
    cancel_error: OnestopError | None = None

    @property
    def cancel_pending(self) -> bool:
        """True when the unprinted ticket still has to be cancelled (``cancel_unprinted``)."""
        return self.cancel_error is not None

    @property
    def exit_code(self) -> int:
        """0, or the printer fault's exit code when the policy cancelled the ticket (docs/interfaces.md §3)."""
        if self.cancel_error is not None:
            return self.cancel_error.exit_code
        return self.error.exit_code if self.cancelled and self.error is not None else 0

    def to_json(self) -> dict:
        """The ticket object plus ``printed`` (and the fault, when there was one; ``cancel_pending``)."""
        document = {**self.ticket.to_json(), "printed": self.printed}
        if self.error is not None:
            document["print_error"] = self.error.to_json()
        if self.cancel_pending:
            document["cancel_pending"] = True
        return document


def cancel_unprinted(ticket_id: int, *, now: float | None = None) -> TicketInfo:
    """Cancel a ticket the "cancel" policy could not cancel at once; raises while the database refuses.

    A ticket that meanwhile closed another way (an officer cancelled it), or that a counter called
    meanwhile (it is kept: at worst it becomes a no-show), counts as landed.
    """
    try:
        return queue.cancel_ticket(ticket_id, reason=PRINT_FAILED, now=now, only_waiting=True)
    except NotAllowed:
        return queue.find_ticket(ticket_id, now=now)


def print_issued_ticket(ticket: TicketInfo, printer: TicketPrinter, site: SiteInfo,
                        counters: Sequence[int] = ()) -> None:
    """Render and print an existing ticket (reprints); raises ``PrinterError``."""
    try:
        image = render_ticket(ticket, site, counters=counters, width_mm=printer.width_mm, lang_en=bool(site.name_en))
        printer.print_ticket(image, name=f"{ticket.service_day:%Y%m%d}-{ticket.code}-{ticket.id}")
    except PrinterError:
        raise
    except Exception as exc:  # a bug in layout or a driver must not leave a ghost ticket either
        log.exception("printing ticket %s failed", ticket.code)
        raise classify(exc, printer.url) from exc


def issue_and_print(service_code: str, printer_url: str | TicketPrinter, *, priority: bool = False,
                    kiosk: str | None = None, now: float | None = None,
                    journal: PrintJournal | None = None) -> PrintOutcome:
    """Issue a ticket for ``service_code`` and print it on ``printer_url``.

    Queue refusals (closed, limit, unknown service) propagate as
    ``QueueError``; a malformed printer URL is ``PrinterUrlError`` (exit 2),
    raised before anything is issued.  ``journal`` (a kiosk's): the ticket is
    listed there from its issue until its outcome is settled, so a kiosk
    killed in between cancels it when it starts again (``settle_unprinted``).
    """
    outcome = None
    ticket_id: list[int] = []
    try:
        outcome = _issue_and_print(service_code, printer_url, priority=priority, kiosk=kiosk, now=now,
                                   issued=lambda t: (ticket_id.append(t.id), journal and journal.add(t.id)))
        return outcome
    finally:
        if journal is not None and ticket_id:
            # Settled: an outcome whose cancel is not still owed (a pending cancel the kiosk retries, and a
            # restart would too), or an unexpected error after which the ticket no longer waits.
            settled = not outcome.cancel_pending if outcome is not None else not _still_waiting(ticket_id[0])
            if settled:
                journal.discard(ticket_id[0])


def _still_waiting(ticket_id: int) -> bool:
    """After an unexpected error: keep the ticket listed if it may be a ghost (or the database cannot say)."""
    try:
        return queue.find_ticket(ticket_id).status == statuses.WAITING
    except OnestopError:
        return True


def settle_unprinted(journal: PrintJournal, *, now: float | None = None) -> list[TicketInfo]:
    """Cancel the tickets a killed kiosk left listed (reason ``print_failed``, only while still waiting).

    Returns the tickets settled; one the database refuses to settle now stays
    listed for the next start.  A ticket a counter has called meanwhile is kept.
    """
    settled = []
    for ticket_id in journal.pending():
        try:
            ticket = cancel_unprinted(ticket_id, now=now)
        except NotFound:
            journal.discard(ticket_id)        # not in this database (a re-initialised one): nothing to do
            continue
        except OnestopError as exc:
            log.error("ticket id %s left by a killed kiosk not yet settled: %s", ticket_id, exc)
            continue
        log.warning("ticket %s was issued by a kiosk that stopped before settling its slip: %s", ticket.code,
                    ticket.status)
        journal.discard(ticket_id)
        settled.append(ticket)
    return settled


def _issue_and_print(service_code: str, printer_url: str | TicketPrinter, *, priority: bool, kiosk: str | None,
                     now: float | None, issued) -> PrintOutcome:
    printer = open_printer(printer_url) if isinstance(printer_url, str) else printer_url
    service = get_service(service_code)
    site = load_site()
    cancel = site.on_print_failure == "cancel"

    ready_error: PrinterError | None = None
    if queue.issue_check(service_code, now=now) is None:     # a refusal is reported by issue_ticket itself
        status = printer.check_ready()
        ready_error = status.error
        if ready_error is not None and cancel:
            log.info("printer %s not ready (%s): no ticket issued", printer.url, ready_error.fault)
            raise ready_error

    ticket = queue.issue_ticket(service_code, priority=priority, kiosk=kiosk, now=now)
    issued(ticket)
    error = ready_error
    if error is None:
        try:
            print_issued_ticket(ticket, printer, site, service.counters)
            return PrintOutcome(ticket, printed=True)
        except PrinterError as exc:
            error = exc
    log.info("ticket %s not printed on %s: %s (%s)", ticket.code, printer.url, error.fault, error.detail)
    if cancel and unconfirmed(error):
        log.warning("ticket %s: printer %s got the whole job but did not confirm it; ticket kept", ticket.code,
                    printer.url)
    elif cancel:
        try:
            cancelled = queue.cancel_ticket(ticket.id, reason=PRINT_FAILED, now=now, only_waiting=True)
        except NotAllowed:   # a counter called it while the printer failed (seconds): kept, shown on screen
            log.warning("ticket %s not printed but already called at a counter; ticket kept", ticket.code)
            return PrintOutcome(queue.find_ticket(ticket.id, now=now), printed=False, error=error)
        except OnestopError as exc:     # locked, unavailable, disk full: the caller retries it
            log.error("ticket %s not printed and not yet cancelled: %s", ticket.code, exc)
            return PrintOutcome(ticket, printed=False, error=error, cancel_error=exc)
        return PrintOutcome(cancelled, printed=False, error=error, cancelled=True)
    return PrintOutcome(ticket, printed=False, error=error)


@dataclass(frozen=True)
class CheckinOutcome(PrintOutcome):
    """What happened to one check-in-and-print (``checkin_and_print``).

    ``repeat`` is True when the booking had its ticket already: the same
    ticket, not printed again (a second slip for one number would let two
    people stand in for it), and ``printed`` is then False with no error.
    """

    repeat: bool = False

    def to_json(self) -> dict:
        return {**super().to_json(), "repeat": self.repeat}


def checkin_and_print(reference: str, printer_url: str | TicketPrinter, *, kiosk: str | None = None,
                      now: float | None = None) -> CheckinOutcome:
    """Check a booking in (``db.bookings.check_in``) and print its ticket like ``issue_and_print`` does.

    ``reference`` is what the citizen scanned or typed: the booking code, its
    manage token or the whole manage_url.  The booking rules' refusals
    (``BookingRefused``: too early, too late, cancelled; ``NotFound``)
    propagate before anything is printed.  The print-failure policy differs
    from a walk-in's in one point: under ``"cancel"`` a printer known to be
    out of order refuses the check-in before it happens (the booking stays
    usable at another kiosk or later), but a print that fails *after* the
    check-in keeps the ticket: a booking is checked in once, so cancelling
    its ticket would cost the citizen the appointment.  The kiosk shows that
    ticket on screen instead.
    """
    printer = open_printer(printer_url) if isinstance(printer_url, str) else printer_url
    site = load_site()
    booking = bookings.find(reference, now=now)
    if booking.ticket_id is not None:
        return CheckinOutcome(bookings.check_in(reference, kiosk=kiosk, now=now), printed=False, repeat=True)
    ready = printer.check_ready()
    if ready.error is not None and site.on_print_failure == "cancel":
        log.info("printer %s not ready (%s): booking %s not checked in", printer.url, ready.error.fault, booking.code)
        raise ready.error
    ticket = bookings.check_in(reference, kiosk=kiosk, now=now)
    error = ready.error
    if error is None:
        try:
            print_issued_ticket(ticket, printer, site, get_service(ticket.service).counters)
            return CheckinOutcome(ticket, printed=True)
        except PrinterError as exc:
            error = exc
    log.info("appointment ticket %s not printed on %s: %s (%s)", ticket.code, printer.url, error.fault, error.detail)
    return CheckinOutcome(ticket, printed=False, error=error)
