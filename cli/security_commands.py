"""``onestop roles create | audit | verify``: least privilege, the audit log, tamper evidence."""

from __future__ import annotations

from datetime import date

from cli.output import print_json
from db.connection import connect
from db.errors import InvalidInput
from services import arguments
from services.options import add_db_option


def _day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"Ngày sai: {text!r} (dạng YYYY-MM-DD)", f"Bad date {text!r} (use YYYY-MM-DD)") from None


def cmd_roles_create(args) -> int:
    from db.roles import create_roles

    connect(getattr(args, "db", None))
    print_json(create_roles())
    return 0


def cmd_audit(args) -> int:
    from db.audit import entries

    first, last = _day(args.date_from), _day(args.date_to)
    connect(getattr(args, "db", None))
    print_json(entries(first, last))
    return 0


def cmd_verify(args) -> int:
    from db.integrity import verify

    connect(getattr(args, "db", None))
    result = verify()
    print_json(result.to_json())
    return 0 if result.ok else 1


def register(subparsers) -> None:
    p = subparsers.add_parser("roles", help="PostgreSQL roles for each program (run with the owner's URL)")
    add_db_option(p)
    actions = p.add_subparsers(dest="roles_action", metavar="ACTION", required=True)
    create = actions.add_parser("create", help="create or update onestop_kiosk, _counter, _display, _keypad, "
                                               "_web, _admin with only what each program needs (json)")
    add_db_option(create)
    create.set_defaults(func=cmd_roles_create)

    p = subparsers.add_parser("audit", help="who changed configuration, officers, counters or data (json list)")
    add_db_option(p)
    p.add_argument("--from", dest="date_from", type=arguments.day, metavar="YYYY-MM-DD", help="first site-local day")
    p.add_argument("--to", dest="date_to", type=arguments.day, metavar="YYYY-MM-DD", help="last site-local day")
    p.set_defaults(func=cmd_audit)

    p = subparsers.add_parser("verify", help="check ratings and events against their seals (json; exit 1 if not ok)")
    add_db_option(p)
    p.set_defaults(func=cmd_verify)



