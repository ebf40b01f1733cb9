"""``onestop counter``: registers the subcommand; PySide6 is imported only when it runs.

The counter number may also come from the PC's environment (``ONESTOP_COUNTER``)
so that an installer can pin each workstation to its counter without editing
the shortcut.
"""

from __future__ import annotations

import argparse
import os


def _run(args: argparse.Namespace) -> int:
    from counter_app.app import main  # lazy: keeps `onestop call` & co. free of Qt

    return main(args)


def _env_counter() -> int | None:
    value = os.environ.get("ONESTOP_COUNTER", "").strip()
    return int(value) if value.isascii() and value.isdigit() else None   # "²".isdigit() is True


def register(subparsers) -> None:
    from services import arguments
    from services.options import add_db_option

    parser = subparsers.add_parser("counter", help="the counter workstation for officers (GUI)")
    parser.add_argument("--counter", type=arguments.counter_number, default=_env_counter(),
                        help="fix this workstation to counter N (default $ONESTOP_COUNTER; else chosen at login)")
    parser.add_argument("--keypad", type=arguments.word, metavar="PORT", help="rating keypad port: /dev/ttyUSB0, COM3, socket://HOST:PORT")
    parser.add_argument("--keypad-protocol", choices=("ascii", "framed"), default="ascii",
                        help="keypad wire format (default ascii)")
    parser.add_argument("--lock-after", type=arguments.seconds(0, 24 * 60, "--lock-after"), default=10.0, metavar="MIN",
                        help="lock the screen after MIN minutes without input; 0 = never (default 10)")
    parser.add_argument("--windowed", action="store_true", help="a normal window instead of full screen")
    arguments.add_language_option(parser, "language shown: vi, en or one a site dropped in (default $ONESTOP_LANG, "
                                          "else the last one chosen on this PC, else vi)")
    parser.add_argument("--ready-exit", action="store_true", help=argparse.SUPPRESS)  # start-up benchmark
    add_db_option(parser)
    parser.set_defaults(func=_run)
