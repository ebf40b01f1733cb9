"""``onestop rollup [--rebuild]``: bring the daily report rollup up to date (docs/rollup.md)."""

from __future__ import annotations

import sys

from db.connection import connect
from services.options import add_db_option


def cmd_rollup(args) -> int:
    from db import current_site, rollup

    connect(getattr(args, "db", None))
    only = [current_site.site_id()] if current_site.chosen_code() else None
    for code, result in rollup.roll_sites(only, rebuild=args.rebuild):
        print(f"onestop: rollup {result.line(code)}", file=sys.stderr)
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("rollup", help="store the closed days' report figures so long reports are fast; "
                                             "--rebuild recomputes every closed day")
    p.add_argument("--rebuild", action="store_true",
                   help="rebuild every closed day and month, not only the new and changed ones")
    add_db_option(p)
    p.set_defaults(func=cmd_rollup)
