"""What is printed on one ticket, as plain values (``TicketSlip``).

``hardware`` never imports the database, so the printer does not know what a
ticket or a site is: the caller (``services.ticket_printing``) fills a slip
from its own records and ``layout.render_ticket`` draws it.  A plain script
can print a ticket without any database at all::

    slip = TicketSlip(code="A001", service_name="Tư pháp", site_name="UBND xã X",
                      issued_at=datetime.now(timezone.utc), qr_payload="A001")
    open_printer("tcp://192.168.1.50").print_ticket(render_ticket(slip))
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class TicketSlip:
    """The words, numbers and QR payload of one printed ticket."""

    code: str                               # "A001", drawn huge
    service_name: str                       # Vietnamese
    site_name: str                          # the office, at the top
    issued_at: datetime                     # aware; shown in ``timezone``
    qr_payload: str                         # drawn as the QR code, exactly as given
    service_name_en: str = ""
    site_name_en: str = ""
    timezone: str = "Asia/Ho_Chi_Minh"      # IANA name of the office's local time
    priority: bool = False                  # draws the "ƯU TIÊN / PRIORITY" badge
    ahead: int = 0                          # people waiting before this ticket
    estimated_wait_s: int | None = None     # None: the wait line is left out
    estimated_wait_range_s: tuple[int, int] | None = None   # (low, high): printed as "10-15 phút" instead
    counters: tuple[int, ...] = ()          # the counters that serve it
