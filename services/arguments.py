"""Command-line argument types built from the domain's input rules (``db.inputs``).

The ``onestop`` CLI and the GUI programs' ``command.py`` modules share them
(programs never import ``cli``), and the web API's request models use the same
rules, so a value refused on one door is refused on every door with the same
sentence.  A type raises the rule's ``InvalidInput`` itself rather than
argparse's ``ArgumentTypeError``: ``cli.main`` prints it as one line in both
languages with exit 2, as for any other refusal.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable

from db import inputs
from db.errors import InvalidInput
from db.limits import INT_MAX
from services.translations import check_language


def _typed(check: Callable[[str], object], name: str) -> Callable[[str], object]:
    def parse(text: str):
        return check(text)

    parse.__name__ = name   # argparse names the type in its messages
    return parse


def of_rule(rule: inputs.TextRule | inputs.NumberRule) -> Callable[[str], object]:
    """An argparse type checking one field's rule."""
    return _typed(rule.check, rule.what_en)


def integer(low: int, high: int, what: str) -> Callable[[str], int]:
    """An argparse type: a whole number in ``[low, high]`` written in ASCII digits."""
    return of_rule(inputs.NumberRule(what, what, low, high))


def seconds(low: float, high: float, what: str, *, low_open: bool = False) -> Callable[[str], float]:
    """An argparse type: a finite number of seconds (or minutes) in range (``nan`` and ``inf`` are refused)."""

    def parse(text: str) -> float:
        bad = inputs.bad_character(text)
        try:
            if bad is not None or text.strip().lower().lstrip("+-").startswith(("0x", "nan", "inf")):
                raise ValueError(text)
            value = float(text)
        except ValueError:
            raise InvalidInput(f"{what} phải là một số, không phải {inputs.quoted(text)}",
                               f"{what} must be a number, not {inputs.quoted(text)}") from None
        if not math.isfinite(value) or value < low or value > high or (low_open and value == low):
            raise InvalidInput(f"{what} phải từ {low:g} đến {high:g}, không phải {inputs.quoted(text)}",
                               f"{what} must be {'more than' if low_open else 'at least'} {low:g} and at most "
                               f"{high:g}, not {inputs.quoted(text)}")
        return value

    parse.__name__ = what
    return parse


def text(longest: int, what: str, *, allow_empty: bool = False) -> Callable[[str], str]:
    """An argparse type: printable text of at most ``longest`` characters."""
    return of_rule(inputs.TextRule(what, what, longest, allow_empty=allow_empty))


def path(what: str) -> Callable[[str], str]:
    """An argparse type: a file or directory name (not empty, no NUL or control characters, not over-long).

    Whether the file exists or can be written is the operating system's to say
    when it is used (``errors.from_os_error`` names it then).
    """
    longest = os.pathconf("/", "PC_PATH_MAX") if hasattr(os, "pathconf") else 4096

    def parse(value: str) -> str:
        inputs.TextRule(what, what, longest).check(value)
        return value

    parse.__name__ = what
    return parse


#: ``--counter N`` / ``--to-counter N``: a counter number as the site file accepts it.
counter_number = of_rule(inputs.COUNTER_NUMBER)
#: ``issue SERVICE``, ``--to-service CODE``.
service_code = of_rule(inputs.SERVICE_CODE)
#: ``--kiosk ID``: recorded on the ticket.
kiosk_id = of_rule(inputs.KIOSK_ID)
#: ``cancel --reason WORD``: recorded on the ticket.
cancel_reason = of_rule(inputs.CANCEL_REASON)
#: ``transfer --note TEXT``: recorded on the ticket.
transfer_note = of_rule(inputs.TRANSFER_NOTE)
#: ``--officer USERNAME``.
officer_username = of_rule(inputs.OFFICER_USERNAME)
#: a ticket code, id or tracking link (checked further by ``db.queue.find_ticket``).
ticket_reference = of_rule(inputs.TICKET_REFERENCE)
#: ``events --after ID``.
event_id = of_rule(inputs.EVENT_ID)
#: a booking code or its manage link.
booking_reference = of_rule(inputs.BOOKING_REFERENCE)
#: ``book --name``.
booking_name = of_rule(inputs.BOOKING_NAME)
#: ``book --phone`` (its shape is checked by ``db.bookings.normalize_phone``).
phone = of_rule(inputs.PHONE)
#: ``dossier CODE`` (or a scanned QR text with ``--scan``).
dossier_code = of_rule(inputs.SCANNED_TEXT)
#: ``--site CODE``.
site_code = of_rule(inputs.SITE_CODE)
#: ``api-key create | revoke NAME``.
api_key_name = of_rule(inputs.API_KEY_NAME)
#: ``rate --value N``.
rating_value = of_rule(inputs.RATING_VALUE)
#: ``announce CODE``: a ticket code as the tickets carry it.
ticket_code = of_rule(inputs.TICKET_CODE)
#: ``announce --repeat N``: as the site file's ``[announcements] repeat``.
announcement_repeat = integer(1, 5, "repeat")
#: ``announce --voice NAME``: an espeak-ng voice name (vi, en, vi-vn-x-south, ...).
voice = of_rule(inputs.TextRule("Giọng đọc", "voice", 64, pattern=r"[A-Za-z0-9_+-]+(/[A-Za-z0-9_+-]+)?"))
#: ``YYYY-MM-DD``: a real day.
day = _typed(lambda value: inputs.iso_day(value).isoformat(), "day")
#: A count or size given on the command line (repeat, bytes, baud rate): a positive 32-bit integer.
positive = integer(1, INT_MAX, "value")
#: a screen index of a multi-monitor PC
screen_index = integer(0, 15, "screen number")
#: ``--lang CODE``: Vietnamese, English or a language a site dropped in (docs/translations.md)
language = _typed(lambda value: check_language(inputs.TextRule("ngôn ngữ", "language", 16).check(value)), "language")


def add_language_option(parser, help_text: str) -> None:
    """``--lang CODE`` of the Qt programs; default ``$ONESTOP_LANG`` (checked when the program starts)."""
    parser.add_argument("--lang", type=language, default=None, metavar="CODE", help=help_text)


#: any other short word (a voice, an address, a URL): printable, at most 2048 characters
word = text(2048, "value")
