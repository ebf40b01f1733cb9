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
(docs/errors.md).  A failure of the engine, its driver or the operating
system (disk full, permission denied, a value too long for its column, a
read-only file) is first translated into the table by
``db.errors.translate_error``; anything else prints one line saying
something went wrong and exits 1, with the traceback only under ``--debug``
(or ``ONESTOP_DEBUG=1``).  A malformed command line is one line too (exit 2),
not argparse's usage block.  Every message goes through ``errors.one_line``:
what the user typed may come back in it, and an escape sequence must never
reach the terminal raw.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback
from types import ModuleType

from errors import KINDS, UNEXPECTED_EN, UNEXPECTED_EXIT_CODE, UNEXPECTED_VI, Kind, OnestopError, one_line

log = logging.getLogger("onestop")

#: Exit code after Ctrl+C (128 + SIGINT), as shells report it.
EXIT_INTERRUPTED = 130

#: Python's fallback for log records nobody handles (warnings go to stderr through it).
_LAST_RESORT = logging.lastResort


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
        rollup_commands,
        security_commands,
        sync_commands,
        voice_commands,
        web_commands,
    )

    return (queue_commands, printing_commands, keypad_commands, voice_commands, report_commands, rollup_commands,
            dossier_commands,
            app_commands, booking_commands, event_commands, web_commands, security_commands,
            sync_commands)


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a malformed command line is one refusal of the error table, not a usage block.

    Subparsers inherit the class (``add_subparsers`` uses ``type(self)``).
    """

    def error(self, message: str):
        if len(message) > 300:   # argparse quotes the value: a megabyte of it is no message
            message = f"{message[:280]}... ({len(message)} characters)"
        raise OnestopError(f"Lệnh sai: {self.prog}: {message} (xem {self.prog} -h)",
                           f"Bad command line: {self.prog}: {message} (see {self.prog} -h)", kind=Kind.INVALID_INPUT)


def build_parser() -> argparse.ArgumentParser:
    from services import arguments

    parser = OneLineParser(prog="onestop", description="onestop-queue: hệ thống xếp hàng một cửa")
    parser.add_argument("--db", type=arguments.word, help="database URL (sqlite:///PATH or postgresql://...); default $ONESTOP_DB")
    parser.add_argument("--site", dest="site_code", type=arguments.site_code, metavar="CODE",
                        help="the site to act for (default $ONESTOP_SITE, else the database's only site)")
    parser.add_argument("--debug", action="store_true",
                        help="on an unexpected failure, print the traceback (also ONESTOP_DEBUG=1)")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in command_modules():
        module.register(subparsers)
    return parser


def _debug_wanted(argv: list[str]) -> bool:
    """``--debug`` before the subcommand, or ``ONESTOP_DEBUG``: decided before parsing, which may itself fail."""
    return "--debug" in argv or os.environ.get("ONESTOP_DEBUG", "") not in ("", "0")


#: The longest refusal line: a message may quote what was typed, but not a megabyte of it.
LONGEST_LINE = 1000


def _clipped(line: str) -> str:
    return line if len(line) <= LONGEST_LINE else f"{line[:LONGEST_LINE - 25]}... ({len(line)} characters)"


def _refused(exc: OnestopError, debug: bool, cause: BaseException | None = None) -> int:
    print(_clipped(f"onestop: {one_line(exc)}"), file=sys.stderr)
    if debug and cause is not None:
        traceback.print_exception(cause, file=sys.stderr)
    return exc.exit_code


def _unexpected(exc: BaseException, debug: bool) -> int:
    first = str(exc).splitlines()[0] if str(exc) else ""
    print(_clipped(one_line(f"onestop: {UNEXPECTED_VI} / {UNEXPECTED_EN} ({type(exc).__name__}{': ' + first if first else ''})"
                   + ("" if debug else "; --debug shows the details"))), file=sys.stderr)
    if debug:
        traceback.print_exception(exc, file=sys.stderr)
    else:
        log.debug("unexpected failure", exc_info=exc)
    return UNEXPECTED_EXIT_CODE


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    debug = _debug_wanted(argv)
    # A retry's warning ("database operation failed, attempt 1/3") must not add lines to the one-line
    # refusal; commands that log on purpose (keypad, demo) configure their own handler.
    logging.lastResort = _LAST_RESORT if debug else logging.NullHandler()
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if not getattr(args, "func", None):
            parser.print_help()
            return KINDS[Kind.INVALID_INPUT].exit_code   # like any other malformed command line
        from db import current_site

        current_site.choose(getattr(args, "site_code", None))
        return int(args.func(args) or 0)
    except OnestopError as exc:
        return _refused(exc, debug)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except Exception as exc:  # the one place a failure that is not a refusal reaches a person
        translated = _translate(exc)
        if translated is not None:
            return _refused(translated, debug, exc)
        return _unexpected(exc, debug)


def _translate(exc: BaseException) -> OnestopError | None:
    """The engine's, the driver's or the operating system's failure as a refusal of the table, or None."""
    try:
        from db.errors import translate_error
    except Exception:  # a broken install: report the original failure
        return None
    return translate_error(exc)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
