"""``onestop report`` (section 6 figures as table, CSV, XLSX or JSON) and ``onestop backup``."""

from __future__ import annotations

import sys
from pathlib import Path

from cli.output import print_json
from db.connection import connect
from db.errors import InvalidInput
from services import arguments
from services.options import add_db_option

FORMATS = ("table", "csv", "xlsx", "json")


def _format(args) -> str:
    """``--format`` wins; otherwise the ``--out`` file's extension; otherwise a terminal table."""
    if args.format:
        return args.format
    if args.out:
        suffix = Path(args.out).suffix.lower().lstrip(".")
        if suffix in FORMATS:
            return suffix
    return "table"


def cmd_report(args) -> int:
    from db import report_export
    from db.reports import all_sites_labels, build_all_sites_report, build_report, report_labels

    fmt = _format(args)
    if fmt == "xlsx" and not args.out and sys.stdout.isatty():
        raise InvalidInput("XLSX cần --out FILE", "XLSX is binary: give --out FILE.xlsx (or redirect stdout)")
    connect(getattr(args, "db", None))
    all_sites = getattr(args, "all_sites", False)
    report = (build_all_sites_report if all_sites else build_report)(args.date_from, args.date_to)
    if fmt == "json":
        if args.out:
            import json

            Path(args.out).write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        else:
            print_json(report)
        return 0
    labels = all_sites_labels() if all_sites else report_labels()
    if fmt == "table":
        text = report_export.render_table(report, labels)
        if args.out:
            Path(args.out).write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
    elif fmt == "csv":
        report_export.write_csv(report, args.out or sys.stdout, labels)
    else:
        report_export.write_xlsx(report, args.out or sys.stdout.buffer, labels)
    if args.out:
        print(f"onestop: report {report['from']}..{report['to']} written to {args.out}", file=sys.stderr)
    return 0


def cmd_backup(args) -> int:
    """Back up as the local administrator (see ``cli.queue_commands.cmd_init``)."""
    from db.admin_ops import backup
    from db.backup import BackupNotSupported, pg_dump_command
    from db.connection import resolve_url
    from db.permissions import LOCAL_ADMIN

    url = resolve_url(getattr(args, "db", None))
    try:
        if url.startswith(("postgresql:", "postgres:")):
            # Decided from the URL alone: the server may not even be reachable from here.
            raise BackupNotSupported(pg_dump_command(url, Path(args.file).expanduser().resolve()))
        connect(url)
        result = backup(args.file, actor=LOCAL_ADMIN)
    except BackupNotSupported as exc:
        print(exc.command)   # the pg_dump command to run instead; the refusal itself goes to cli.main
        raise
    print(f"onestop: backup written to {result.path} ({result.size_bytes / 1e6:.1f} MB in {result.seconds:.1f} s)",
          file=sys.stderr)
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("report", help="statistics of a date range: table, csv, xlsx or json")
    p.add_argument("--from", dest="date_from", type=arguments.day, required=True, metavar="YYYY-MM-DD", help="first service day")
    p.add_argument("--to", dest="date_to", type=arguments.day, required=True, metavar="YYYY-MM-DD", help="last service day (inclusive)")
    p.add_argument("--format", choices=FORMATS,
                   help="table (terminal, default), csv (UTF-8 with BOM), xlsx, json; default from --out's extension")
    p.add_argument("--out", type=arguments.path("output file"), metavar="FILE", help="write to FILE instead of stdout")
    p.add_argument("--all-sites", action="store_true",
                   help="every site of the database: totals over all, by_site, per-site rows carry their site")
    add_db_option(p)
    p.set_defaults(func=cmd_report)

    p = subparsers.add_parser("backup", help="copy the database to FILE while it is in use (SQLite); "
                                             "prints the pg_dump command for PostgreSQL (exit 3)")
    p.add_argument("file", type=arguments.path("backup file"), metavar="FILE")
    add_db_option(p)
    p.set_defaults(func=cmd_backup)
