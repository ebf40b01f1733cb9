"""The ``onestop`` console script.

Each area of the product registers its own subcommands from a module of its
own (``cli/queue_commands.py``, ``cli/printing_commands.py``, ...): a module
exposes ``register(subparsers)`` and sets ``func`` on each parser it adds.
``func(args)`` returns 0 or raises.  The modules are listed explicitly in
:func:`command_modules`; one that cannot be imported is a broken install and
fails every command, it does not silently lose its subcommands.

This is the CLI's one place that turns an error into an exit code: an
``errors.OnestopError`` (any kind: domain refusals, devices, speech) prints
its one-line message on stderr and exits with its kind's code
(docs/errors.md); anything else prints one line saying something went wrong
and exits 1, with the traceback only under ``--debug`` (or
``ONESTOP_DEBUG=1``).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback
from types import ModuleType

from errors import KINDS, UNEXPECTED_EN, UNEXPECTED_EXIT_CODE, UNEXPECTED_VI, Kind, OnestopError

log = logging.getLogger("onestop")

#: Exit code after Ctrl+C (128 + SIGINT), as shells report it.
EXIT_INTERRUPTED = 130


def command_modules() -> tuple[ModuleType, ...]:
    """Every module that adds subcommands, in help order.

    Imported when the parser is built (not when this module loads), so that a
    broken module is reported by :func:`main` like any other failure.
    """
    from cli import (
        app_commands,
        booking_commands,
        dossier_commands,
        event_commands,
        keypad_commands,
        printing_commands,
        queue_commands,
        report_commands,
        security_commands,
        voice_commands,
        web_commands,
    )

    return (queue_commands, printing_commands, keypad_commands, voice_commands, report_commands, dossier_commands,
            app_commands, booking_commands, event_commands, web_commands, security_commands)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="onestop", description="onestop-queue: hệ thống xếp hàng một cửa")
    parser.add_argument("--db", help="database URL (sqlite:///PATH or postgresql://...); default $ONESTOP_DB")
    parser.add_argument("--debug", action="store_true",
                        help="on an unexpected failure, print the traceback (also ONESTOP_DEBUG=1)")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in command_modules():
        module.register(subparsers)
    return parser


def _debug_wanted(argv: list[str]) -> bool:
    """``--debug`` before the subcommand, or ``ONESTOP_DEBUG``: decided before parsing, which may itself fail."""
    return "--debug" in argv or os.environ.get("ONESTOP_DEBUG", "") not in ("", "0")


def _unexpected(exc: BaseException, debug: bool) -> int:
    first = str(exc).splitlines()[0] if str(exc) else ""
    print(f"onestop: {UNEXPECTED_VI} / {UNEXPECTED_EN} ({type(exc).__name__}{': ' + first if first else ''})"
          + ("" if debug else "; --debug shows the details"), file=sys.stderr)
    if debug:
        traceback.print_exception(exc, file=sys.stderr)
    else:
        log.debug("unexpected failure", exc_info=exc)
    return UNEXPECTED_EXIT_CODE


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    debug = _debug_wanted(argv)
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if not getattr(args, "func", None):
            parser.print_help()
            return KINDS[Kind.INVALID_INPUT].exit_code   # like any other malformed command line
        return int(args.func(args) or 0)
    except OnestopError as exc:
        print(f"onestop: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except Exception as exc:  # the one place an unexpected failure reaches a person
        return _unexpected(exc, debug)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
