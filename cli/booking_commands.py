"""``onestop book | bookings | book-cancel | checkin | slots | notify`` (docs/appointments.md).

Thin wrappers over ``db.bookings`` (the rules) and ``services.notify`` (the
notifier service); refusals come back as ``QueueError``s that ``cli.main``
turns into a one-line message and the exit code of their kind.
"""

from __future__ import annotations

import argparse

from cli.output import print_json
from db import bookings
from db.connection import connect
from services import arguments
from services.options import add_db_option


def _open(args) -> None:
    connect(getattr(args, "db", None))


def cmd_book(args) -> int:
    _open(args)
    booking = bookings.book(args.service, args.at, args.name, args.phone, source="cli")
    print_json(booking.to_json())
    return 0


def cmd_bookings(args) -> int:
    _open(args)
    print_json([b.to_json() for b in bookings.list_bookings(args.day, service=args.service)])
    return 0


def cmd_cancel(args) -> int:
    _open(args)
    print_json(bookings.cancel(args.code).to_json())
    return 0


def cmd_checkin(args) -> int:
    _open(args)
    print_json(bookings.check_in(args.code, kiosk=args.kiosk).to_json())
    return 0


def cmd_slots(args) -> int:
    _open(args)
    print_json([s.to_json() for s in bookings.open_slots(args.service, args.day)])
    return 0


def cmd_notify(args) -> int:
    from services.notify import run_notifier

    _open(args)
    return run_notifier(once=args.once)


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("book", help="book a place in a slot (json)")
    p.add_argument("service", type=arguments.service_code, help="service code, e.g. TP")
    p.add_argument("--at", type=arguments.word, required=True, help="slot start, site-local YYYY-MM-DDTHH:MM")
    p.add_argument("--name", type=arguments.booking_name, required=True, help="the citizen's name")
    p.add_argument("--phone", type=arguments.phone, required=True, help="Vietnamese mobile number (0912345678 or +84912345678)")
    add_db_option(p)
    p.set_defaults(func=cmd_book)

    p = subparsers.add_parser("bookings", help="list the bookings of a day (json)")
    p.add_argument("--day", type=arguments.day, help="YYYY-MM-DD (default: today)")
    p.add_argument("--service", type=arguments.service_code, help="only this service code")
    add_db_option(p)
    p.set_defaults(func=cmd_bookings)

    p = subparsers.add_parser("book-cancel", help="cancel a booking (json)")
    p.add_argument("code", type=arguments.booking_reference, help="booking code (or its manage link)")
    add_db_option(p)
    p.set_defaults(func=cmd_cancel)

    p = subparsers.add_parser("checkin", help="check a booking in: its ticket (json)")
    p.add_argument("code", type=arguments.booking_reference, help="booking code (or the scanned manage link)")
    p.add_argument("--kiosk", type=arguments.kiosk_id, help="kiosk id recorded on the ticket")
    add_db_option(p)
    p.set_defaults(func=cmd_checkin)

    p = subparsers.add_parser("slots", help="a service's slots of a day with places left (json)")
    p.add_argument("service", type=arguments.service_code, help="service code")
    p.add_argument("--day", type=arguments.day, required=True, help="YYYY-MM-DD")
    add_db_option(p)
    p.set_defaults(func=cmd_slots)

    p = subparsers.add_parser("notify", help="send booking notifications ([notify] driver) until SIGINT/SIGTERM")
    p.add_argument("--once", action="store_true", help="one pass: read new events, send what is due, exit")
    add_db_option(p)
    p.set_defaults(func=cmd_notify)
