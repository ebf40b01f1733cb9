"""``onestop demo [--simulate] [--rate MIN-MAX] [--no-voice] [--seconds N]``.

Everything on one PC: kiosk, two counters signed in as demo officers, the hall
display with voice, a ``preview://`` ticket printer and on-screen rating
keypads.  On the embedded default database (or ``--db`` / ``$ONESTOP_DB``);
the built-in commune site is imported when the database has none.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from platformdirs import user_data_dir


def _rate(text: str) -> tuple[float, float]:
    try:
        low, _, high = text.partition("-")
        values = (float(low), float(high or low))
    except ValueError:
        raise argparse.ArgumentTypeError("use MIN-MAX seconds, e.g. 2-5") from None
    if not 0.2 <= values[0] <= values[1] <= 3600:   # also refuses nan and inf
        raise argparse.ArgumentTypeError("MIN-MAX with 0.2 <= MIN <= MAX <= 3600")
    return values


def run(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from db.connection import connect
    from db.site import has_site, import_site
    from db.site_config import load_site_file
    from ui_common.app import make_app, quit_on_signals

    app = make_app("onestop-demo")
    connect(getattr(args, "db", None))
    if not has_site():
        import_site(load_site_file(None))
    from cli.demo.hall import DemoHall, DemoOptions

    printer_dir = Path(args.printer_dir or Path(user_data_dir("onestop-queue", appauthor=False)) / "demo-tickets")
    hall = DemoHall(DemoOptions(printer_dir=printer_dir, simulate=args.simulate, arrival_s=args.rate,
                                voice=not args.no_voice))
    hall.start()
    hall.show()
    keep = quit_on_signals(app)

    def finish() -> None:
        if args.screenshots:  # while every device is still connected
            hall.save_screenshots(Path(args.screenshots))
        app.quit()

    if args.seconds:
        from PySide6.QtCore import QTimer

        QTimer.singleShot(int(args.seconds * 1000), finish)
    print(f"onestop demo: running (printer {hall.printer_url}); Ctrl+C to stop", file=sys.stderr)
    app.exec()
    hall.stop()
    hall.dispose()
    del keep
    print("onestop demo: stopped", file=sys.stderr)
    return 0


def register(subparsers) -> None:
    from services import arguments
    from services.options import add_db_option

    parser = subparsers.add_parser("demo", help="everything on one PC with simulated hardware")
    parser.add_argument("--simulate", action="store_true", help="bring citizens and serve them")
    parser.add_argument("--rate", type=_rate, default=(2.0, 5.0), metavar="MIN-MAX",
                        help="seconds between simulated citizens (default 2-5)")
    parser.add_argument("--no-voice", action="store_true", help="no voice announcements")
    parser.add_argument("--printer-dir", type=arguments.path("printer folder"), help="where the preview printer writes tickets")
    parser.add_argument("--seconds", type=arguments.seconds(0, 7 * 86400, "--seconds", low_open=True), help="stop by itself after this many seconds")
    parser.add_argument("--screenshots", type=arguments.path("screenshot folder"), metavar="DIR", help="save a PNG of every window when stopping")
    add_db_option(parser)
    parser.set_defaults(func=run)
