"""``onestop events [--after ID] [--follow]``: the event log as JSON lines, for integrators.

One event per line, oldest first: ``{"id", "at", "kind", "code", "service",
"counter", "site", "officer", "ticket_id", "data"}`` (``site`` is null until a
database holds several sites).  Without ``--follow`` it prints what is in the
log after ``ID`` (default 0: everything) and exits; with ``--follow`` it starts
after ``ID`` (default: the current end of the log) and keeps printing events
as they commit, through the same ``EventFollower`` the screens use, until
SIGINT or SIGTERM (exit 0).  A database outage while following is waited out:
the follower resumes from its position, so nothing is skipped or repeated.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from typing import TextIO

from db import clock
from db.connection import connect
from db.errors import DatabaseUnavailable
from db.feed import EventFollower
from db.values import EventInfo
from services import arguments
from services.options import add_db_option

#: longest sleep between two reads when no wake-up arrives while following
FOLLOW_TIMEOUT_S = 1.0
#: pause before reading again after the database went away
RETRY_S = 1.0


def event_json(event: EventInfo, timezone: str) -> dict:
    """The event object of ``onestop events`` (times with the site's UTC offset)."""
    return {
        "id": event.id,
        "at": clock.local_datetime(event.at.timestamp(), timezone).isoformat(timespec="milliseconds"),
        "kind": event.kind,
        "code": event.code,
        "service": event.service,
        "counter": event.counter,
        "site": None,
        "officer": event.officer,
        "ticket_id": event.ticket_id,
        "data": event.data,
    }


def _site_timezone() -> str:
    from db.site import load_site

    return load_site().timezone


def _write(out: TextIO, events: list[EventInfo], timezone: str) -> None:
    for event in events:
        out.write(json.dumps(event_json(event, timezone), ensure_ascii=False) + "\n")
    out.flush()


def cmd_events(args) -> int:
    connect(getattr(args, "db", None))
    timezone = _site_timezone()
    out = sys.stdout
    try:
        if not args.follow:
            follower = EventFollower(after=args.after if args.after is not None else 0)
            try:
                while batch := follower.poll():
                    _write(out, batch, timezone)
            finally:
                follower.close()
            return 0
        return _follow(args.after, out, timezone)
    except BrokenPipeError:  # `onestop events | head`: the reader left, which is fine
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # no second error when Python flushes at exit
        return 0


def _follow(after: int | None, out: TextIO, timezone: str) -> int:
    stop = threading.Event()
    follower = EventFollower(after=after)
    position = follower.position

    def on_signal(signum, frame) -> None:
        stop.set()
        follower.interrupt()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    warned = False
    try:
        while not stop.is_set():
            try:
                if follower is None:
                    follower = EventFollower(after=position)
                batch = follower.wait(FOLLOW_TIMEOUT_S)
            except DatabaseUnavailable as exc:
                if not warned:
                    print(f"onestop: database unavailable ({exc}); waiting for it", file=sys.stderr)
                    warned = True
                if follower is not None:
                    follower.close()
                    follower = None
                stop.wait(RETRY_S)
                continue
            if warned:
                print("onestop: database back; following again", file=sys.stderr)
                warned = False
            if batch:
                _write(out, batch, timezone)
                position = follower.position
    finally:
        if follower is not None:
            follower.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("events", help="the event log as JSON lines (--follow: live)")
    add_db_option(parser)
    parser.add_argument("--after", type=arguments.event_id, default=None, metavar="ID",
                        help="start after event ID (default: 0, or the current end with --follow)")
    parser.add_argument("--follow", action="store_true", help="keep printing events as they commit")
    parser.set_defaults(func=cmd_events)

