"""The ``onestop`` console script.

Each area of the product registers its own subcommands from a module of its
own (``cli/queue_commands.py``, ``cli/printing_commands.py``, ...): a module
exposes ``register(subparsers)`` and sets ``func`` on each parser it adds.
``func(args)`` returns the process exit code.  Refusals raised as
``db.errors.QueueError`` are turned into a one-line message on stderr and the
exit code of their kind (docs/interfaces.md §3).
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from typing import Any

from db.errors import QueueError

#: Modules that add subcommands; a module missing here is simply not offered.
COMMAND_MODULES = [
    "cli.queue_commands",
    "cli.printing_commands",
    "cli.keypad_commands",
    "cli.voice_commands",
    "cli.report_commands",
    "cli.dossier_commands",
    "cli.app_commands",
    "cli.booking_commands",
    "cli.event_commands",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="onestop", description="onestop-queue: hệ thống xếp hàng một cửa")
    parser.add_argument("--db", help="database URL (sqlite:///PATH or postgresql://...); default $ONESTOP_DB")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        module.register(subparsers)
    return parser


def add_db_option(parser: argparse.ArgumentParser) -> None:
    """Let ``--db`` also follow the subcommand (``onestop issue TP --db URL``)."""
    parser.add_argument("--db", default=argparse.SUPPRESS, help="database URL")


def print_json(document: Any) -> None:
    sys.stdout.write(json.dumps(document, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except QueueError as exc:
        print(f"onestop: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
