"""What the "call this ticket" box accepts: a typed code or a scanned ticket QR.

A USB scanner is a keyboard: it types the QR payload
(``OSQ1:<site>:<YYYYMMDD>:<code>:<id>``) followed by Enter into whatever has
focus, sometimes in lower case or with stray whitespace.  An officer types a
code such as ``A012``.  Both end up here, and the result is the reference
``db.queue.call_ticket`` takes: the ticket id for a QR (unambiguous, even
across days), the code for typed text.  Plain Python, no Qt.
"""

from __future__ import annotations

import re

from db.errors import InvalidInput
from db.ticket_qr import parse_ticket_reference
from db.tracking import split_reference
from db.values import SiteInfo

_CODE = re.compile(r"^[A-Z]{1,4}\d{1,6}$")


def parse_call_input(text: str, site: SiteInfo | None = None) -> str | int:
    """``"a12 "`` -> ``"A12"``; ``"OSQ1:...:A012:45"`` -> ``45``; a tracking link -> itself.

    A QR from another office is refused (same code, different citizen), and
    so is anything that is neither a code nor one of our QR payloads.
    """
    cleaned = "".join(text.split()).upper()
    if split_reference(text.strip()) is not None:
        return text.strip()        # the tracking link printed in the QR; the engine checks its token
    if not cleaned:
        raise InvalidInput("Hãy nhập số thứ tự hoặc quét mã QR trên phiếu",
                           "Type a ticket code or scan the ticket's QR code")
    if cleaned.startswith("OSQ"):
        reference = parse_ticket_reference(cleaned)
        if site is not None and not reference.matches_site(site):
            raise InvalidInput(f"Phiếu {reference.code} không phải của đơn vị này",
                               f"Ticket {reference.code} was issued by another office")
        return reference.ticket_id
    if _CODE.match(cleaned):
        return cleaned
    raise InvalidInput(f"Không hiểu số thứ tự \"{text.strip()}\" (ví dụ: A012)",
                       f"Not a ticket code: \"{text.strip()}\" (e.g. A012)")
