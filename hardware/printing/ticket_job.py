"""Issue a ticket and print it, with no ghost ticket when the printer fails.

Shared by ``onestop issue --printer`` and the kiosk.  The site's
``on_print_failure`` policy decides what a printer fault means:

- ``"show"``: the ticket stays valid (the kiosk shows it on screen); the
  outcome says ``printed=False`` and carries the ``PrinterError``.
- ``"cancel"``: a ticket that could not be printed is cancelled with reason
  ``print_failed`` (never called, still counted in reports).  Where the
  printer reports its status, it is asked *before* issuing, so a printer that
  is known to be out of paper creates no ticket at all: ``issue_and_print``
  then raises the ``PrinterError`` (a ``QueueError``, exit code 3).

Runs synchronously (a hung printer costs up to ~3 s): GUI callers run it in
a worker thread.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Sequence

from db.values import SiteInfo, TicketInfo
from hardware.printing.base import TicketPrinter, classify
from hardware.printing.errors import PrinterError
from hardware.printing.layout import render_ticket
from hardware.printing.printers import open_printer

log = logging.getLogger(__name__)

PRINT_FAILED = "print_failed"


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

    @property
    def exit_code(self) -> int:
        """docs/interfaces.md §3: 0, or 3 when the policy cancelled the ticket."""
        return 3 if self.cancelled else 0

    def to_json(self) -> dict:
        """The ticket object plus ``printed`` (and the fault, when there was one)."""
        document = {**self.ticket.to_json(), "printed": self.printed}
        if self.error is not None:
            document["print_error"] = self.error.to_json()
        return document


def print_issued_ticket(ticket: TicketInfo, printer: TicketPrinter, site: SiteInfo, counters: Sequence[int] = ()) -> None:
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
                    kiosk: str | None = None, now: float | None = None) -> PrintOutcome:
    """Issue a ticket for ``service_code`` and print it on ``printer_url``.

    Queue refusals (closed, limit, unknown service) propagate as
    ``QueueError``; a malformed printer URL is ``PrinterUrlError`` (exit 2),
    raised before anything is issued.
    """
    from db import queue
    from db.site import get_service, load_site

    printer = open_printer(printer_url) if isinstance(printer_url, str) else printer_url
    service = get_service(service_code)
    site = load_site()
    cancel = site.on_print_failure == "cancel"

    ready_error: PrinterError | None = None
    if queue.issue_check(service_code, now=now) is None:     # a refusal is reported by issue_ticket itself
        status = printer.check_ready()
        ready_error = status.error
        if ready_error is not None and cancel:
            log.info("printer %s not ready (%s): no ticket issued", printer.url, ready_error.kind)
            raise ready_error

    ticket = queue.issue_ticket(service_code, priority=priority, kiosk=kiosk, now=now)
    error = ready_error
    if error is None:
        try:
            print_issued_ticket(ticket, printer, site, service.counters)
            return PrintOutcome(ticket, printed=True)
        except PrinterError as exc:
            error = exc
    log.info("ticket %s not printed on %s: %s (%s)", ticket.code, printer.url, error.kind, error.detail)
    if cancel:
        cancelled = queue.cancel_ticket(ticket.id, reason=PRINT_FAILED, now=now)
        return PrintOutcome(cancelled, printed=False, error=error, cancelled=True)
    return PrintOutcome(ticket, printed=False, error=error)
