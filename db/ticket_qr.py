"""The ticket's QR payload: what the kiosk prints and the counter's scanner reads back.

The domain owns its meaning (the kiosk shows it, the counter program calls the
ticket it names); the printer only draws whatever string it is given.

Format: ``OSQ1:<SITE-SLUG>:<YYYYMMDD>:<CODE>:<ID>``, e.g.
``OSQ1:UBND-XA-QUANG-KIM:20250102:A001:4711``.

Everything is upper-case letters, digits, ``-`` and ``:``, which is the QR
"alphanumeric" character set: the code stays at QR version 3 (29x29 modules)
and scans quickly.  The site slug lets the counter program refuse a ticket
from another office; the service day and code let an officer read it by eye;
the id is what the counter program calls.  Hand-held scanners act as
keyboards and may add CR/LF or turn the text to lower case, so the parser is
lenient about both.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from db.errors import InvalidInput
from db.values import SiteInfo, TicketInfo

__all__ = ["PREFIX", "TicketReference", "TicketReferenceError", "build_ticket_reference", "parse_ticket_reference",
           "site_slug"]

PREFIX = "OSQ1"
SLUG_MAX = 20

_REFERENCE = re.compile(r"^OSQ1:([A-Z0-9-]{1,40}):(\d{8}):([A-Z0-9]{1,12}):(\d{1,12})$")


class TicketReferenceError(InvalidInput):
    """A scanned text that is not one of our ticket QR codes."""

    def __init__(self, text: str) -> None:
        super().__init__(
            "Mã QR không phải phiếu số thứ tự của hệ thống",
            "This QR code is not a queue ticket of this system",
            text=text,
        )


@dataclass(frozen=True)
class TicketReference:
    site_slug: str
    service_day: date
    code: str
    ticket_id: int

    def matches_site(self, site: SiteInfo | str) -> bool:
        return self.site_slug == site_slug(site)

    def __str__(self) -> str:
        return f"{PREFIX}:{self.site_slug}:{self.service_day:%Y%m%d}:{self.code}:{self.ticket_id}"


def ascii_fold(text: str) -> str:
    """Vietnamese to plain ASCII ("Quầy số Đ" -> "Quay so D")."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).encode("ascii", "ignore").decode()


def site_slug(site: SiteInfo | str) -> str:
    """Short stable id of a site, derived from its Vietnamese name.

    ``"UBND xã Quang Kim - Bộ phận Một cửa"`` -> ``"UBND-XA-QUANG-KIM"``: the
    part before the first " - " (when it has a few letters), folded to ASCII,
    upper case, words joined by ``-``, cut at a word boundary to at most 20
    characters.  The counter program computes the same slug to compare.
    """
    name = site.name if isinstance(site, SiteInfo) else site
    head = name.split(" - ", 1)[0]
    if len(re.findall(r"[A-Za-z0-9]", ascii_fold(head))) >= 4:
        name = head          # "UBND xã X - Bộ phận Một cửa": the office is the first part
    words = re.findall(r"[A-Z0-9]+", ascii_fold(name).upper())
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > SLUG_MAX:
            break
        slug = candidate
    if not slug:
        slug = (words[0][:SLUG_MAX] if words else "SITE")
    return slug


def build_ticket_reference(ticket: TicketInfo, site: SiteInfo | str) -> str:
    """The QR payload for ``ticket`` issued at ``site``."""
    return str(TicketReference(site_slug(site), ticket.service_day, ticket.code.upper(), ticket.id))


def parse_ticket_reference(text: str) -> TicketReference:
    """Read a scanned QR payload back; raises ``TicketReferenceError`` if it is not one."""
    cleaned = "".join(text.split()).upper()
    match = _REFERENCE.match(cleaned)
    if not match:
        raise TicketReferenceError(text)
    slug, day, code, ticket_id = match.groups()
    try:
        service_day = date(int(day[:4]), int(day[4:6]), int(day[6:]))
    except ValueError:
        raise TicketReferenceError(text) from None
    return TicketReference(slug, service_day, code, int(ticket_id))
