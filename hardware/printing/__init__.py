"""Thermal ticket printing: layout, ESC/POS drivers by URL, status, simulator.

The ticket is drawn as a 1-bit image (``layout.render_ticket``, from a plain
``TicketSlip``) because cheap ESC/POS printers have no usable Vietnamese code
page; ``open_printer(url)`` returns a ``TicketPrinter`` for the URL schemes of
docs/interfaces.md §5 (details in docs/printing.md).  Nothing here knows the database: issuing a ticket and
printing it under the site's ``on_print_failure`` policy is
``services.ticket_printing.issue_and_print``.
"""

from __future__ import annotations

from hardware.printing.base import TicketPrinter
from hardware.printing.errors import FAULTS, PrinterError, PrinterUrlError
from hardware.printing.layout import render_ticket
from hardware.printing.printers import open_printer
from hardware.printing.slip import TicketSlip
from hardware.printing.status import PrinterStatus

__all__ = [
    "FAULTS",
    "PrinterError",
    "PrinterStatus",
    "PrinterUrlError",
    "TicketPrinter",
    "TicketSlip",
    "open_printer",
    "render_ticket",
]
