"""The rules for a value typed from outside: one place for the CLI, the web API and the screens.

A value that reaches the domain from a person or another system (a service
code, a counter number, a name, a date) is checked here, by the function of
the domain that receives it, before any transaction starts; the CLI's argument
types (``services/arguments.py``) and the web API's request models
(``web/schemas.py``) are built from the same :class:`TextRule` and
:class:`NumberRule` objects, so the three refuse the same values with the same
sentence (docs/errors.md "Limits").

What is refused, and why:

* text longer than its column (``db.limits``: PostgreSQL refuses it with a
  ``DataError``, SQLite stores it, so the engines would disagree), or longer
  than ``FREE_TEXT_MAX`` for a ``text`` column (nothing a person types at a
  counter is 10 KB long);
* NUL (PostgreSQL cannot store it in ``text``), lone surrogates (what invalid
  UTF-8 in ``argv`` becomes; no engine can encode them), control characters
  (an escape sequence stored in a ticket would recolour every terminal and log
  that shows it) and the bidirectional overrides and isolates (U+202A-U+202E,
  U+2066-U+2069: they make "A001" display as something else, the "Trojan
  Source" trick);
* whole numbers outside the column's range, or not written in ASCII digits
  (``int()`` accepts "٣" and "1_000"; nobody types those on purpose);
* days that are not a real ``YYYY-MM-DD`` (2026-02-30, 9999-99-99).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from db.errors import InvalidInput
from db.limits import int_range, max_length
from db.models import Booking, Counter, Event, Officer, Service, Site, Ticket, TicketDossier

#: The longest free text (a name, a note) stored in an unbounded ``text`` column.
FREE_TEXT_MAX = 200
#: Bidirectional embeddings, overrides and isolates: they reorder how text is displayed.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
#: How much of a refused value a message quotes (a refusal line must stay a line).
QUOTED_MAX = 40

_WHOLE = re.compile(r"[+-]?[0-9]{1,30}")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def quoted(value: object) -> str:
    """``value`` as a message may quote it: short, and with its control characters visible."""
    text = repr(str(value)) if not isinstance(value, str) else repr(value)
    return text if len(text) <= QUOTED_MAX else text[:QUOTED_MAX - 4] + "...'"


def bad_character(text: str) -> str | None:
    """The first character of ``text`` no field may hold (as ``U+XXXX``), or None."""
    for ch in text:
        category = unicodedata.category(ch)
        if category in ("Cc", "Cs") or ch in BIDI_CONTROLS:
            return f"U+{ord(ch):04X}"
    return None


@dataclass(frozen=True)
class TextRule:
    """A text field: how long it may be, whether it may be empty, what it is called in a refusal."""

    what_vi: str
    what_en: str
    longest: int
    allow_empty: bool = False
    #: fullmatch pattern of the accepted text (after ``strip``), if it has a fixed shape
    pattern: str | None = None

    def check(self, value: object) -> str:
        """``value`` if this field can hold it; otherwise ``InvalidInput`` (exit 2, HTTP 400)."""
        if not isinstance(value, str):
            raise InvalidInput(f"{self.what_vi} phải là chữ", f"The {self.what_en} must be text")
        bad = bad_character(value)
        if bad is not None:
            raise InvalidInput(f"{self.what_vi} có ký tự không hợp lệ ({bad})",
                               f"The {self.what_en} contains a character that is not allowed ({bad})")
        if len(value) > self.longest:
            raise InvalidInput(f"{self.what_vi} dài {len(value)} ký tự; tối đa {self.longest}",
                               f"The {self.what_en} is {len(value)} characters long; at most {self.longest} fit")
        if not self.allow_empty and not value.strip():
            raise InvalidInput(f"{self.what_vi} không được để trống", f"The {self.what_en} must not be empty")
        if self.pattern and value.strip() and not re.fullmatch(self.pattern, value.strip()):
            raise InvalidInput(f"{self.what_vi} không hợp lệ: {quoted(value)}",
                               f"Invalid {self.what_en}: {quoted(value)}")
        return value

    def check_optional(self, value: object | None) -> str | None:
        return None if value is None else self.check(value)


@dataclass(frozen=True)
class NumberRule:
    """A whole-number field: its range (the column's, or narrower)."""

    what_vi: str
    what_en: str
    low: int
    high: int

    def check(self, value: object) -> int:
        """``value`` (an ``int`` or its ASCII digits) if in range; otherwise ``InvalidInput``."""
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise InvalidInput(f"{self.what_vi} phải là số nguyên", f"The {self.what_en} must be a whole number")
        if isinstance(value, str):
            if not _WHOLE.fullmatch(value.strip()):
                raise InvalidInput(f"{self.what_vi} phải là số nguyên, không phải {quoted(value)}",
                                   f"The {self.what_en} must be a whole number, not {quoted(value)}")
            value = int(value.strip())
        if not self.low <= value <= self.high:
            shown = str(value) if len(str(value)) <= 20 else f"{str(value)[:12]}... ({len(str(value))} digits)"
            raise InvalidInput(f"{self.what_vi} phải từ {self.low} đến {self.high}, không phải {shown}",
                               f"The {self.what_en} must be {self.low}-{self.high}, not {shown}")
        return value

    def check_optional(self, value: object | None) -> int | None:
        return None if value is None else self.check(value)


def text_rule(column, what_vi: str, what_en: str, **kwargs) -> TextRule:
    """A rule whose length limit is the column's (``max_length``, else ``FREE_TEXT_MAX``)."""
    return TextRule(what_vi, what_en, max_length(column) or FREE_TEXT_MAX, **kwargs)


def number_rule(column, what_vi: str, what_en: str, low: int) -> NumberRule:
    return NumberRule(what_vi, what_en, low, int_range(column)[1])


def iso_day(value: object, what_vi: str = "Ngày", what_en: str = "day") -> date:
    """A real calendar day written ``YYYY-MM-DD`` (``date.fromisoformat`` alone also takes ``20261203``)."""
    text = value.strip() if isinstance(value, str) else ""
    try:
        if not _DAY.fullmatch(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{what_vi} sai: {quoted(value)} (dạng YYYY-MM-DD, một ngày có thật)",
                           f"Bad {what_en} {quoted(value)} (use YYYY-MM-DD, a real day)") from None


# ---------------------------------------------------------------- the fields
SERVICE_CODE = text_rule(Service.code, "Mã dịch vụ", "service code")
COUNTER_NUMBER = number_rule(Counter.number, "Số quầy", "counter number", 1)
OFFICER_USERNAME = text_rule(Officer.username, "Tên đăng nhập cán bộ", "officer username")
KIOSK_ID = text_rule(Ticket.kiosk, "Mã ki-ốt", "kiosk id")
CANCEL_REASON = text_rule(Ticket.cancel_reason, "Lý do hủy", "cancel reason")
TRANSFER_NOTE = text_rule(Ticket.note, "Ghi chú", "note", allow_empty=True)
#: a ticket code (``A012``), an id, or a tracking link ``.../t/ID-TOKEN`` (a scanned QR)
TICKET_REFERENCE = TextRule("Số thứ tự", "ticket", 512)
TICKET_ID = number_rule(Ticket.id, "Mã phiếu", "ticket id", 1)
TICKET_CODE = text_rule(Ticket.code, "Số thứ tự", "ticket code")
EVENT_ID = number_rule(Event.id, "Mã sự kiện", "event id", 0)
BOOKING_NAME = TextRule("Họ tên", "name", 80)
#: a booking code (``K7QX2M``) or its manage link (a scanned QR)
BOOKING_REFERENCE = TextRule("Mã lịch hẹn", "booking code", 512)
PHONE = text_rule(Booking.phone, "Số điện thoại", "phone number")
DOSSIER_CODE = text_rule(TicketDossier.code, "Mã hồ sơ", "dossier code")
#: a scanned receipt QR (the dossier code is found inside it)
SCANNED_TEXT = TextRule("Nội dung mã QR", "scanned QR text", 2048)
SITE_CODE = text_rule(Site.code, "Mã điểm", "site code")
#: what a ticket or booking placed through the web API records as its kiosk or source, before the key's name
API_PREFIX = "api:"
#: an API key's name: it is recorded as ``api:NAME`` in ``ticket.kiosk``, so it must fit there too
API_KEY_NAME = TextRule("Tên khóa API", "API key name", max_length(Ticket.kiosk) - len(API_PREFIX),
                        pattern=r"[A-Za-z0-9][A-Za-z0-9._-]*")
CLIENT = text_rule(Booking.client, "Bên đặt", "client", allow_empty=True)
RATING_VALUE = NumberRule("Điểm đánh giá", "rating value", 0, 9)
