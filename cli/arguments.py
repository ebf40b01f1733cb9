"""Argument types of the ``onestop`` commands, with the same limits as the columns they end up in.

A counter number beyond 2^31-1 or a kiosk id longer than its column would
pass the command line and fail inside the engine (an ``OverflowError`` on
SQLite, a ``DataError`` on PostgreSQL, and not at the same values on both).
These types refuse them where they are typed, as one line with exit 2; the
limits are read from the models through ``db.limits``, so they follow the
schema.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from db.limits import INT_MAX, int_range, max_length
from db.models import Counter, Event, Officer, Service, Ticket


def integer(low: int, high: int, what: str) -> Callable[[str], int]:
    """An argparse type: an integer in ``[low, high]``."""

    def parse(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(f"{what} must be a whole number, not {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{what} must be {low}-{high}, not {value}")
        return value

    parse.__name__ = what   # argparse names the type in its message
    return parse


def text(longest: int | None, what: str, *, allow_empty: bool = False) -> Callable[[str], str]:
    """An argparse type: text no longer than ``longest`` characters (its column's ``max_length``)."""

    def parse(value: str) -> str:
        if not allow_empty and not value.strip():
            raise argparse.ArgumentTypeError(f"{what} must not be empty")
        if longest is not None and len(value) > longest:
            raise argparse.ArgumentTypeError(f"{what} is {len(value)} characters long; at most {longest} fit")
        return value

    parse.__name__ = what
    return parse


def ticket_reference(value: str) -> str:
    """A ticket code for today (``A012``), an id, or a tracking link: an id must fit its column."""
    stripped = value.strip()
    if not stripped:
        raise argparse.ArgumentTypeError("the ticket must not be empty")
    if stripped.isdigit() and int(stripped) > int_range(Ticket.id)[1]:
        raise argparse.ArgumentTypeError(f"ticket id must be at most {int_range(Ticket.id)[1]}")
    if "/t/" not in stripped and len(stripped) > max_length(Ticket.code):
        raise argparse.ArgumentTypeError(f"a ticket code has at most {max_length(Ticket.code)} characters")
    return value


#: ``--counter N`` / ``--to-counter N``: a counter number as the site file accepts it.
counter_number = integer(1, int_range(Counter.number)[1], "counter number")
#: ``issue SERVICE``, ``--to-service CODE``: a service code as the site file accepts it.
service_code = text(max_length(Service.code), "service code")
#: ``--kiosk ID``: recorded on the ticket.
kiosk_id = text(max_length(Ticket.kiosk), "kiosk id")
#: ``cancel --reason WORD``: recorded on the ticket.
cancel_reason = text(max_length(Ticket.cancel_reason), "cancel reason")
#: ``--officer USERNAME``.
officer_username = text(max_length(Officer.username), "officer username")
#: ``events --after ID``.
event_id = integer(0, int_range(Event.id)[1], "event id")
#: A count or size given on the command line (repeat, bytes): a positive 32-bit integer.
positive = integer(1, INT_MAX, "value")
