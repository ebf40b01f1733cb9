"""``onestop kiosk [--printer URL] [--windowed] [--kiosk-id ID] [--touch] [--config FILE]``.

No Qt import here: the CLI loads every program's ``register`` to build its
help, and ``onestop issue`` must not pay for (or need) PySide6.
"""

from __future__ import annotations

import argparse


def _run(args) -> int:
    from kiosk_app.app import main

    return main(args)


def register(subparsers) -> None:
    from services import arguments
    from services.options import add_db_option

    p = subparsers.add_parser("kiosk", help="the self-service ticket kiosk (full screen)")
    p.add_argument("--printer", type=arguments.word, help="printer URL (default: kiosk config, else preview://<data dir>/tickets)")
    p.add_argument("--windowed", action="store_true", help="a normal window instead of full screen (testing)")
    p.add_argument("--kiosk-id", type=arguments.kiosk_id, help="id recorded with each ticket (default: kiosk config, else host name)")
    p.add_argument("--touch", action="store_true", help="touch screen only: hide the mouse cursor")
    p.add_argument("--config", type=arguments.path("kiosk config file"), help="kiosk config file (default: $ONESTOP_KIOSK_CONFIG or the user config dir)")
    p.add_argument("--bench-ready", action="store_true", help=argparse.SUPPRESS)
    add_db_option(p)
    p.set_defaults(func=_run)
