"""``onestop display``: registers the subcommand; PySide6 is imported only when it runs."""

from __future__ import annotations

import argparse


def _run(args: argparse.Namespace) -> int:
    from display_app.app import main  # lazy: keeps `onestop call` & co. free of Qt

    return main(args)


def register(subparsers) -> None:
    from services import arguments
    from services.options import add_db_option

    parser = subparsers.add_parser("display", help="the waiting-hall board with voice announcements (GUI)")
    parser.add_argument("--screen", type=arguments.screen_index, default=None, metavar="N",
                        help="show on screen N (0 = first; default: the primary screen)")
    parser.add_argument("--counter", type=arguments.counter_number, default=None, metavar="N",
                        help="the small screen above counter N (its number, ticket, paused) instead of the hall board")
    parser.add_argument("--windowed", action="store_true",
                        help="a window (1280x720; 800x480 with --counter) instead of full screen")
    parser.add_argument("--no-voice", action="store_true", help="show calls without announcing them")
    arguments.add_language_option(parser, "the language shown under Vietnamese on the board "
                                          "(default $ONESTOP_LANG, else en)")
    add_db_option(parser)
    parser.set_defaults(func=_run)
