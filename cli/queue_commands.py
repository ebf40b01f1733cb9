"""``onestop init | issue | call | recall | start | done | no-show | transfer | pause | resume | cancel | status``."""

from __future__ import annotations

import argparse
import sys

from cli.output import print_json
from db import queue
from db.connection import connect
from services import arguments
from services.options import add_db_option


def _open(args) -> None:
    connect(getattr(args, "db", None))


def cmd_init(args) -> int:
    """Create or upgrade the schema and import the site, as the local administrator.

    Whoever runs ``onestop`` with the database URL can already change the
    whole database, so the CLI's privileged commands act as
    ``db.permissions.LOCAL_ADMIN`` (docs/permissions.md).
    """
    from db.admin_ops import import_site
    from db.permissions import LOCAL_ADMIN
    from db.schema import ensure_schema
    from db.site import has_site
    from db.site_config import load_site_file

    config = load_site_file(args.site)  # checked whole before touching the database
    _open(args)
    version = ensure_schema()
    if args.site or not has_site():
        summary = import_site(config, actor=LOCAL_ADMIN)
        print(f"onestop: schema v{version}; site \"{config.site['name']}\" imported from {config.source}: "
              f"{summary['services']} services, {summary['counters']} counters, {summary['officers']} officers"
              + (f"; kept as they are: {', '.join(summary['officers_kept'])}" if summary.get("officers_kept") else ""),
              file=sys.stderr)
    else:
        print(f"onestop: schema v{version}; site already present (use --site FILE to update it)", file=sys.stderr)
    return 0


def cmd_sites(args) -> int:
    """The sites of the database (json list), for choosing ``--site``."""
    from db.site import list_sites

    _open(args)
    print_json([site for site in list_sites()])
    return 0


def cmd_issue(args) -> int:
    _open(args)
    if args.printer:
        from services.ticket_printing import issue_and_print

        outcome = issue_and_print(args.service, args.printer, priority=args.priority, kiosk=args.kiosk)
        document = {**outcome.ticket.to_json(), "printed": outcome.printed}
        if outcome.cancel_pending:
            document["cancel_pending"] = True
        print_json(document)
        if outcome.cancel_pending:
            raise outcome.cancel_error  # unprinted and not cancelled: the JSON says which ticket to cancel
        if outcome.error is not None:
            if outcome.cancelled:
                raise outcome.error   # the ticket was cancelled: a refusal (the JSON above says which one)
            print(f"onestop: {outcome.error}", file=sys.stderr)   # printed nothing, but the ticket stands
        return 0
    ticket = queue.issue_ticket(args.service, priority=args.priority, kiosk=args.kiosk)
    print_json(ticket.to_json())
    return 0


def _ticket_or_null(ticket) -> int:
    print_json(ticket.to_json() if ticket is not None else None)
    return 0


def cmd_call(args) -> int:
    _open(args)
    if args.ticket:
        return _ticket_or_null(queue.call_ticket(args.counter, args.ticket, officer=args.officer))
    return _ticket_or_null(queue.call_next(args.counter, officer=args.officer))


def cmd_simple(operation):
    def run(args) -> int:
        _open(args)
        return _ticket_or_null(operation(args.counter))

    return run


def cmd_transfer(args) -> int:
    _open(args)
    return _ticket_or_null(queue.transfer(args.counter, to_service=args.to_service, to_counter=args.to_counter,
                                          note=args.note))


def cmd_pause(paused: bool):
    def run(args) -> int:
        _open(args)
        queue.set_paused(args.counter, paused)
        print_json({"counter": args.counter, "paused": paused})
        return 0

    return run


def cmd_cancel(args) -> int:
    _open(args)
    return _ticket_or_null(queue.cancel_ticket(queue.find_ticket(args.ticket).id, reason=args.reason))


def cmd_status(args) -> int:
    from db.status import hall_status

    _open(args)
    print_json(hall_status().to_json())
    return 0


def _counter_parser(subparsers, name: str, help_text: str) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(name, help=help_text)
    parser.add_argument("--counter", type=arguments.counter_number, required=True, help="counter number")
    add_db_option(parser)
    return parser


def register(subparsers) -> None:
    p = subparsers.add_parser("init", help="create/upgrade the schema, import the site")
    p.add_argument("--site", type=arguments.path("site file"), help="site TOML file (default: the built-in commune example on first run)")
    add_db_option(p)
    p.set_defaults(func=cmd_init)

    p = subparsers.add_parser("sites", help="the sites of this database (json)")
    add_db_option(p)
    p.set_defaults(func=cmd_sites)

    p = subparsers.add_parser("issue", help="issue a ticket (json)")
    p.add_argument("service", type=arguments.service_code, help="service code, e.g. TP")
    p.add_argument("--priority", action="store_true", help="priority ticket (elderly, disabled, pregnant, ...)")
    p.add_argument("--kiosk", type=arguments.kiosk_id, help="kiosk id recorded with the ticket")
    p.add_argument("--printer", type=arguments.word, help="printer URL (tcp://, usb://, serial://, file://, cups://, preview://, dummy://)")
    add_db_option(p)
    p.set_defaults(func=cmd_issue)

    p = _counter_parser(subparsers, "call", "call the next ticket for a counter (json; null if nobody waits)")
    p.add_argument("--officer", type=arguments.officer_username, help="officer username")
    p.add_argument("--ticket", type=arguments.ticket_reference,
                   help="call this ticket (code like A012, or id) instead of the next")
    p.set_defaults(func=cmd_call)

    for name, operation, text in (
        ("recall", queue.recall, "call the current ticket again"),
        ("start", queue.start_service, "service started"),
        ("done", queue.finish_service, "service finished"),
        ("no-show", queue.mark_no_show, "the citizen did not come"),
    ):
        _counter_parser(subparsers, name, f"{text} (json)").set_defaults(func=cmd_simple(operation))

    p = _counter_parser(subparsers, "transfer", "hand the current ticket to another service or counter (json)")
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--to-service", type=arguments.service_code, help="service code")
    target.add_argument("--to-counter", type=arguments.counter_number, help="counter number")
    p.add_argument("--note", type=arguments.transfer_note, help="note for the next officer")
    p.set_defaults(func=cmd_transfer)

    _counter_parser(subparsers, "pause", "pause a counter (json)").set_defaults(func=cmd_pause(True))
    _counter_parser(subparsers, "resume", "resume a paused counter (json)").set_defaults(func=cmd_pause(False))

    p = subparsers.add_parser("cancel", help="cancel a ticket (json)")
    p.add_argument("ticket", type=arguments.ticket_reference, help="ticket code for today, or id")
    p.add_argument("--reason", type=arguments.cancel_reason, default="cancelled")
    add_db_option(p)
    p.set_defaults(func=cmd_cancel)

    p = subparsers.add_parser("status", help="waiting count per service, current ticket per counter (json)")
    add_db_option(p)
    p.set_defaults(func=cmd_status)
