"""``onestop dossier`` (attach a dossier code to a counter's ticket) and ``onestop ratings-export``."""

from __future__ import annotations

import sys
from pathlib import Path

from cli.output import print_json
from db.connection import connect
from services import arguments
from services.options import add_db_option

EXPORT_FORMATS = ("csv", "json", "xlsx")


def cmd_dossier(args) -> int:
    from db import dossiers

    connect(getattr(args, "db", None))
    if args.remove:
        print_json(dossiers.detach(args.counter, args.code).to_json())
        return 0
    result = dossiers.attach(args.counter, args.code, officer=args.officer, scanned=args.scan)
    print_json(result.to_json())
    if result.also_on:
        print(f"onestop: hồ sơ {result.code} cũng đã gắn hôm nay với phiếu {', '.join(result.also_on)} / "
              f"dossier {result.code} is also on ticket {', '.join(result.also_on)} today", file=sys.stderr)
    return 0


def _export_format(args) -> str:
    if args.format:
        return args.format
    suffix = Path(args.out).suffix.lower().lstrip(".") if args.out else ""
    return suffix if suffix in EXPORT_FORMATS else "csv"


def cmd_ratings_export(args) -> int:
    from db import report_export
    from db.dossiers import ratings_export

    fmt = _export_format(args)
    connect(getattr(args, "db", None))
    rows = ratings_export(args.date_from, args.date_to)
    if fmt == "json":
        if args.out:
            import json

            Path(args.out).write_text(json.dumps(rows, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        else:
            print_json(rows)
    elif fmt == "xlsx":
        report_export.write_dossier_xlsx(rows, args.out or sys.stdout.buffer)
    else:
        report_export.write_dossier_csv(rows, args.out or sys.stdout, headers=args.headers)
    if args.out:
        print(f"onestop: {len(rows)} rated dossiers written to {args.out}", file=sys.stderr)
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("dossier", help="attach a dossier code (mã hồ sơ) to the ticket a counter is serving")
    p.add_argument("code", type=arguments.dossier_code, metavar="CODE", help="the dossier code, or with --scan the text of the receipt's QR")
    p.add_argument("--counter", type=arguments.counter_number, required=True, metavar="N")
    p.add_argument("--officer", type=arguments.officer_username, metavar="USER",
                   help="who attached it (default: the counter's officer)")
    p.add_argument("--scan", action="store_true", help="CODE is a scanned QR text: find the code inside it")
    p.add_argument("--remove", action="store_true", help="take the code off the ticket again")
    add_db_option(p)
    p.set_defaults(func=cmd_dossier)

    p = subparsers.add_parser("ratings-export", help="one row per rated dossier: csv, json or xlsx")
    p.add_argument("--from", dest="date_from", type=arguments.day, required=True, metavar="YYYY-MM-DD", help="first service day")
    p.add_argument("--to", dest="date_to", type=arguments.day, required=True, metavar="YYYY-MM-DD", help="last service day (inclusive)")
    p.add_argument("--format", choices=EXPORT_FORMATS, help="default from --out's extension, else csv")
    p.add_argument("--headers", choices=("keys", "vi"), default="keys",
                   help="CSV header row: column keys (default, for other systems) or Vietnamese / English")
    p.add_argument("--out", type=arguments.path("output file"), metavar="FILE", help="write to FILE instead of stdout")
    add_db_option(p)
    p.set_defaults(func=cmd_ratings_export)
