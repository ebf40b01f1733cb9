"""Shared by the sync tests: a commune database made by domain calls, an in-process sync, reports to compare."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from pathlib import Path

from tests.multisite import site_text
from tests.site_clock import at

ROOT = Path(__file__).parents[2]
DAY = "2026-11-25"
SITES = {"XA-A": "UBND xã An Phú", "XA-B": "UBND xã Bình Minh"}


def booking_site_text(code: str) -> str:
    """The example site under ``code`` with bookings on service TP (15-minute slots, 2 places)."""
    text = site_text(code, SITES[code])
    return text.replace('prefix = "A"\n', 'prefix = "A"\nbooking = { slot_min = 15, per_slot = 2 }\n', 1)


@contextlib.contextmanager
def bound(url: str):
    """The models bound to ``url`` for the block (the test process acting as one PC)."""
    from db.connection import close, connect

    close()
    connect(url)
    try:
        yield
    finally:
        close()


def play_morning(tickets: int, seed: int = 0) -> None:
    """``tickets`` issued from 07:40 at the bound site, most called, served and rated, some no-shows."""
    from db.queue import call_next, finish_service, issue_ticket, mark_no_show, start_service
    from db.ratings import record_press

    services = ["TP", "KS", "DD"]
    moment = at(7, 40)
    for i in range(tickets):
        issue_ticket(services[(i + seed) % 3], now=moment + i * 5)
    moment += tickets * 5 + 60
    for i in range(tickets - 3):
        counter = 1 + i % 2
        if call_next(counter, now=moment) is None:
            break
        if (i + seed) % 7 == 0:
            mark_no_show(counter, now=moment + 30)
        else:
            start_service(counter, now=moment + 20)
            finish_service(counter, now=moment + 200 + (i % 5) * 30)
            record_press(counter, 1 + (i + seed) % 3, now=moment + 210 + (i % 5) * 30)
        moment += 240


def make_commune(path: Path, code: str, tickets: int, seed: int = 0) -> str:
    """One commune's morning (issued, called, served or no-show, rated); returns its URL."""

    from db.site import import_site
    from db.site_config import parse_site_text

    url = f"sqlite:///{path.as_posix()}"
    with bound(url):
        import_site(parse_site_text(booking_site_text(code), f"{code}.toml"))
        play_morning(tickets, seed)
    return url


def sync_in_process(source: str, target: str, *, batch: int = 5000) -> list:
    """One ``onestop sync --once`` pass, run here (the CLI tests run it as a process)."""
    from db import sync
    from db.connection import make_database

    with bound(source):
        into = sync.Target(make_database(target))
        try:
            into.ensure_schema()
            return [result for site_id, code in sync.source_sites()
                    for result in sync.sync_site(into, site_id, code, batch=batch)]
        finally:
            into.db.close()


def cli(*args: str, env: dict | None = None, check: bool = True) -> subprocess.CompletedProcess:
    run = subprocess.run([sys.executable, "-m", "cli.main", *args], cwd=ROOT, capture_output=True, text=True,
                         env={**os.environ, **(env or {})}, timeout=300)
    if check:
        assert run.returncode == 0, run.stderr
    return run


def report(url: str, code: str) -> dict:
    """The site's report of DAY without its ``site`` header (which names the database's site row)."""
    document = json.loads(cli("--db", url, "--site", code, "report", "--from", DAY, "--to", DAY,
                              "--format", "json").stdout)
    document.pop("site", None)
    return document
