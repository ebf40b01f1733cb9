"""``onestop admin``: registers the subcommand; PySide6 is imported only when it runs."""

from __future__ import annotations

import argparse


def _run(args: argparse.Namespace) -> int:
    from admin_app.app import main  # lazy: keeps the other commands free of Qt

    return main(args)


def register(subparsers) -> None:
    from services import arguments
    from services.options import add_db_option

    parser = subparsers.add_parser("admin", help="supervisor/admin program: live overview, reports, management (GUI)")
    parser.add_argument("--windowed", action="store_true", help="a normal window instead of maximised")
    arguments.add_language_option(parser, "language shown: vi, en or one a site dropped in (default $ONESTOP_LANG, "
                                          "else the last one chosen on this PC, else vi)")
    add_db_option(parser)
    parser.set_defaults(func=_run)
