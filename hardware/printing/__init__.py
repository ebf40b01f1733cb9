"""Thermal ticket printing: layout, ESC/POS drivers by URL, status, simulator.

The ticket is drawn as a 1-bit image (``layout.render_ticket``) because cheap
ESC/POS printers have no usable Vietnamese code page; ``open_printer(url)``
returns a ``TicketPrinter`` for the URL schemes of docs/interfaces.md §5;
``ticket_job.issue_and_print`` applies the site's ``on_print_failure`` policy
so a printer fault never leaves a ghost ticket.  See ``docs/printing.md``.
"""

from __future__ import annotations

from hardware.printing.base import TicketPrinter
from hardware.printing.errors import KINDS, PrinterError
from hardware.printing.layout import render_ticket
from hardware.printing.printers import PrinterUrlError, open_printer
from hardware.printing.reference import build_ticket_reference, parse_ticket_reference
from hardware.printing.status import PrinterStatus

__all__ = [
    "KINDS",
    "PrinterError",
    "PrinterStatus",
    "PrinterUrlError",
    "TicketPrinter",
    "build_ticket_reference",
    "open_printer",
    "parse_ticket_reference",
    "render_ticket",
]
