"""Command-line options every program shares, below the programs so none imports another.

The ``onestop`` CLI and the GUI programs' ``command.py`` modules add the same
``--db`` option; keeping it here lets a program register its subcommand
without importing ``cli`` (programs never import each other, see
docs/architecture.md).
"""

from __future__ import annotations

import argparse

from services import arguments


def add_db_option(parser: argparse.ArgumentParser) -> None:
    """Let ``--db`` also follow the subcommand (``onestop issue TP --db URL``).

    ``SUPPRESS`` keeps a ``--db`` given before the subcommand when this one is absent.
    """
    parser.add_argument("--db", type=arguments.word, default=argparse.SUPPRESS, help="database URL")
    add_site_option(parser)


def add_site_option(parser: argparse.ArgumentParser) -> None:
    """``--site CODE``: the site of the database this command acts for (``db.current_site``).

    ``onestop init`` keeps its own ``--site FILE``; there the file's ``[site] code`` names the site.
    """
    if "--site" in parser._option_string_actions:
        return
    parser.add_argument("--site", dest="site_code", type=arguments.site_code, metavar="CODE", default=argparse.SUPPRESS,
                        help="site code (default $ONESTOP_SITE, else the database's only site)")
