"""``onestop sync --to URL [--once] [--status]``: copy this database's sites into another (docs/sync.md).

Without ``--once`` it runs as a service: a pass over every site, then a
short pause, forever; a target or network outage is waited out with growing
pauses (1 s doubling to 15 s, so a link that comes back is used within
15 s) and the copy resumes from the position the target acknowledged.  Each
committed batch prints one JSON line: site, position, rows copied, lag in
events and seconds; each wait prints one too, with every site's lag behind
the last position the target acknowledged (read from the local database
alone, so it is known while the target is out of reach).  Under systemd it
sends READY=1 after the first pass and WATCHDOG=1 after each batch, pass or wait.
"""

from __future__ import annotations

import json
import signal
import sys
import time
from urllib.parse import parse_qs, urlparse

import peewee as pw

from cli.output import print_json
from db import sync
from db.connection import connect, make_database, mask_url
from db.errors import DatabaseUnavailable
from services import arguments
from services.options import add_db_option

#: longest pause between two tries to reach the target: a link plugged back is used within this
MAX_BACKOFF_S = 15.0
#: libpq settings for the target unless the URL says otherwise: a link that dies silently
#: (a cable pulled, a modem hung) fails the connection within about half a minute instead of hanging
TARGET_LINK_DEFAULTS = {"connect_timeout": "10", "keepalives": "1", "keepalives_idle": "10",
                        "keepalives_interval": "5", "keepalives_count": "3", "tcp_user_timeout": "30000"}


def _line(document: dict) -> None:
    sys.stdout.write(json.dumps(document, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def _notify(message: str) -> None:
    try:
        from ui_common.watchdog import notify
    except ImportError:  # no Qt on a headless sync box: systemd then just sees no READY
        return
    notify(message)


class _Progress:
    """The last position the target acknowledged per site, as this process saw it commit."""

    def __init__(self) -> None:
        self.acknowledged: dict[str, sync.Position] = {}
        self.last_contact: float | None = None

    def batch(self, result: sync.BatchResult) -> None:
        self.acknowledged[result.site] = result.position
        self.last_contact = time.time()
        _line({"event": "batch", "at": self.last_contact, **result.to_json()})
        _notify("WATCHDOG=1")   # a long first catch-up is progress, not a hang

    def lag(self) -> list[dict]:
        """Every site's lag behind what the target last acknowledged ("unknown" position: none seen yet)."""
        out = []
        for site_id, code in sync.source_sites():
            position = self.acknowledged.get(code)
            events, seconds = sync.lag(site_id, position or sync.Position())
            out.append({"site": code, "lag_events": events, "lag_s": round(seconds, 3),
                        "position": position.to_json() if position else "unknown"})
        return out


def _one_pass(target: sync.Target, batch: int, source_name: str, progress: _Progress) -> None:
    for site_id, code in sync.source_sites():
        sync.sync_site(target, site_id, code, batch=batch, source_name=source_name, on_batch=progress.batch)
    progress.last_contact = time.time()


def _target_database(url: str) -> pw.Database:
    db = make_database(url)
    if isinstance(db, pw.PostgresqlDatabase):
        for key, value in TARGET_LINK_DEFAULTS.items():
            if key not in parse_qs(urlparse(url).query):
                db.connect_params[key] = value
    return db


def cmd_sync(args) -> int:
    connect(getattr(args, "db", None))
    target = sync.Target(_target_database(args.to))
    shown = mask_url(args.to)
    if args.status:
        target.ensure_schema()
        print_json(sync.status(target))
        return 0
    stop = {"now": False}

    def _stop(_signum, _frame) -> None:
        stop["now"] = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    backoff = 1.0
    ready = False
    progress = _Progress()
    while not stop["now"]:
        try:
            target.ensure_schema()
            _one_pass(target, args.batch, shown, progress)
            backoff = 1.0
        except (pw.OperationalError, pw.InterfaceError, DatabaseUnavailable) as exc:
            if args.once:
                raise DatabaseUnavailable(f"sync target {shown}: {str(exc).splitlines()[0][:200]}") from None
            now = time.time()
            _line({"event": "waiting", "at": now, "target": shown, "error": (str(exc).splitlines() or [""])[0][:200],
                   "retry_in_s": backoff, "unreachable_s": None if progress.last_contact is None
                   else round(now - progress.last_contact, 1), "lag": progress.lag()})
            target.db.close()
            _sleep(backoff, stop)
            backoff = min(backoff * 2, MAX_BACKOFF_S)
            _notify("WATCHDOG=1")
            continue
        finally:
            if not target.db.is_closed() and args.once:
                target.db.close()
        if args.once:
            break
        if not ready:
            _notify("READY=1")
            ready = True
        _notify("WATCHDOG=1")
        _sleep(args.interval, stop)
    return 0


def _sleep(seconds: float, stop: dict) -> None:
    deadline = time.monotonic() + seconds
    while not stop["now"] and time.monotonic() < deadline:
        time.sleep(min(0.2, deadline - time.monotonic()))


def register(subparsers) -> None:
    p = subparsers.add_parser("sync", help="copy this database's sites into another database (json lines)")
    p.add_argument("--to", required=True, type=arguments.word, help="target database URL (the province's PostgreSQL)")
    p.add_argument("--once", action="store_true", help="one pass, then exit")
    p.add_argument("--status", action="store_true", help="print the target's position and the lag per site (json)")
    p.add_argument("--batch", type=arguments.integer(1, 100_000, "--batch"), default=sync.DEFAULT_BATCH,
                   help="events per target transaction")
    p.add_argument("--interval", type=arguments.seconds(0.1, 3600, "--interval"), default=2.0,
                   help="seconds between passes")
    add_db_option(p)
    p.set_defaults(func=cmd_sync)
