"""Issue 17 "Done means": a commune unplugged keeps working; plugged back, the province shows its day exactly.

Two commune PCs (SQLite files) and the province's PostgreSQL; each commune's
``onestop sync`` runs as a real service process and reaches the province
through its own TCP relay (tests/sync/relay.py), the cable this test pulls.
While commune A is cut off it keeps issuing, calling, serving, rating,
attaching and detaching dossiers, checking in and cancelling bookings
(domain calls on its own database, as its programs make them); commune B
works and syncs on.  Plugged back, within 60 s the province view
(db/province.py) and ``onestop report --all-sites`` on the province's
database show A's day exactly as A's own database does.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from cli.sync_commands import MAX_BACKOFF_S
from db import bookings, dossiers, queue
from db.models import Event
from db.province import province_view
from db.ratings import record_press
from tests.multisite import no_site_chosen  # noqa: F401 (autouse fixture)
from tests.site_clock import at
from tests.sync.communes import DAY, ROOT, bound, cli, make_commune
from tests.sync.relay import Relay

NOW = at(12, 0)            # "now" of the province view: after the day's work below
RECOVERY_S = 60            # "within a minute"


class SyncService:
    """``onestop sync --to URL`` as the commune PC runs it (a service process), its JSON lines collected."""

    def __init__(self, source: str, target: str, log: Path) -> None:
        self.log = log
        self._err = log.open("w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "cli.main", "--db", source, "sync", "--to", target, "--batch", "40",
             "--interval", "0.3"], cwd=ROOT, stdout=subprocess.PIPE, stderr=self._err, text=True)
        self.lines: list[dict] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(json.loads(line))

    def assert_running(self) -> None:
        assert self.proc.poll() is None, self.log.read_text()

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=30)


def _until(condition, seconds: float, explain) -> float:
    """Poll ``condition`` until true (seconds taken) or fail with ``explain()`` after ``seconds``."""
    start = time.monotonic()
    while not condition():
        assert time.monotonic() - start < seconds, explain()
        time.sleep(0.2)
    return time.monotonic() - start


def _view(url: str, code: str) -> dict | None:
    """The site's row of the province view at NOW (None while the database does not hold the site).

    Without ``synced``: that field tells the two databases apart on purpose (the
    province holds a copy, the commune writes its own); it is checked on its own.
    """
    with bound(url):
        row = next((row for row in province_view(now=NOW) if row["site"] == code), None)
    if row is not None:
        assert row.pop("synced") == (url.startswith("postgresql")), (url, code)
    return row


def _site_report(url: str, code: str) -> dict:
    """The site's part of ``onestop report --all-sites`` for DAY: its totals row and its breakdown rows."""
    document = json.loads(cli("--db", url, "report", "--all-sites", "--from", DAY, "--to", DAY,
                              "--format", "json").stdout)
    part = {section: [row for row in document[section] if row["site"] == code]
            for section in ("by_site", "by_service", "by_counter", "by_officer")}
    assert part["by_site"], document
    return part


def _counts(url: str, code: str) -> dict[str, int]:
    """The site's rows in one database: equal in the commune and the province = nothing missing, nothing doubled."""
    from db.models import Booking, Counter, Rating, Service, Site, Ticket, TicketDossier

    with bound(url):
        site = Site.get(Site.code == code).id
        services = Service.select(Service.id).where(Service.site == site)
        return {"tickets": Ticket.select().where(Ticket.issued_service.in_(services)).count(),
                "ratings": Rating.select().join(Counter).where(Counter.site == site).count(),
                "events": Event.select().where(Event.site_id == site).count(),
                "bookings": Booking.select().where(Booking.service.in_(services)).count(),
                "dossiers": TicketDossier.select().join(Ticket).where(Ticket.issued_service.in_(services)).count()}


def _events(url: str) -> int:
    with bound(url):
        return Event.select().count()


def _work_at_commune_a(url: str, checkin: str, cancel: str) -> None:
    """A's late morning while its link is down: new tickets, calls, service, ratings, dossiers, bookings."""
    with bound(url):
        for i, service in enumerate(["TP", "KS", "DD", "TP", "KS", "TP", "DD", "TP"]):
            queue.issue_ticket(service, now=at(11, 0) + i * 20)
        bookings.check_in(checkin, now=at(11, 5))
        for i in range(6):
            counter, moment = 1 + i % 2, at(11, 10 + i * 6)
            if queue.call_next(counter, now=moment) is None:
                continue
            queue.start_service(counter, now=moment + 20)
            if i == 1:   # a code attached, a mistyped one attached and taken off again
                dossiers.attach(counter, "H26.99-0101", now=moment + 30)
                dossiers.attach(counter, "H26.99-0109", now=moment + 35)
                dossiers.detach(counter, "H26.99-0109", now=moment + 40)
            queue.finish_service(counter, now=moment + 200)
            record_press(counter, 1 + i % 3, now=moment + 205)
        bookings.cancel(cancel, now=at(11, 20))


def _work_at_commune_b(url: str) -> None:
    with bound(url):
        for i in range(3):
            queue.issue_ticket("TP", now=at(11, 0) + i * 30)
        if queue.call_next(1, now=at(11, 5)) is not None:
            queue.start_service(1, now=at(11, 6))


def test_commune_unplugged_keeps_working_and_the_province_shows_its_day_exactly_within_a_minute(tmp_path, pg_server):
    a_url = make_commune(tmp_path / "XA-A.db", "XA-A", 30, 0)
    b_url = make_commune(tmp_path / "XA-B.db", "XA-B", 24, 1)
    with bound(a_url):
        checkin = bookings.book("TP", "2026-11-25T11:00", "Trần Văn Bình", "0912000001", now=at(8, 0)).code
        cancel = bookings.book("TP", "2026-11-25T11:30", "Lê Thị Cúc", "0912000002", now=at(8, 1)).code
    province = pg_server.create_database()
    database = province.rsplit("/", 1)[1]
    relays = {"XA-A": Relay(pg_server.port).start(), "XA-B": Relay(pg_server.port).start()}
    urls = {"XA-A": a_url, "XA-B": b_url}
    services = {code: SyncService(urls[code], f"postgresql://postgres@127.0.0.1:{relays[code].port}/{database}",
                                  tmp_path / f"sync-{code}.log") for code in urls}
    try:
        for code, url in urls.items():   # both communes caught up: the province sees each one's day
            _until(lambda c=code, u=url: _view(province, c) == _view(u, c), 120,
                   lambda c=code: (services[c].assert_running(), services[c].lines[-3:]))

        relays["XA-A"].stop()            # commune A's WAN link goes down
        before = _events(a_url)
        _work_at_commune_a(a_url, checkin, cancel)
        _work_at_commune_b(b_url)
        made_offline = _events(a_url) - before
        seen = len(services["XA-A"].lines)

        def a_reports_its_lag() -> bool:    # the service says how far behind it is while it cannot reach the target
            services["XA-A"].assert_running()
            return any(line["event"] == "waiting" and any(
                lag["site"] == "XA-A" and lag["lag_events"] >= made_offline for lag in line["lag"])
                for line in services["XA-A"].lines[seen:])

        _until(a_reports_its_lag, 60, lambda: services["XA-A"].lines[-3:])
        _until(lambda: _view(province, "XA-B") == _view(b_url, "XA-B"), 60,   # B is not held up by A's outage
               lambda: services["XA-B"].lines[-3:])
        assert _view(province, "XA-A") != _view(a_url, "XA-A")   # A's late morning is not there yet

        local_a = _site_report(a_url, "XA-A")   # A's own report (nothing changes there any more)

        relays["XA-A"].start()           # plugged back
        plugged = time.monotonic()
        recovered = _until(lambda: _view(province, "XA-A") == _view(a_url, "XA-A"), RECOVERY_S,
                           lambda: (services["XA-A"].assert_running(), services["XA-A"].lines[-3:]))
        assert _site_report(province, "XA-A") == local_a
        shown_after = time.monotonic() - plugged
        assert shown_after < RECOVERY_S
        assert _counts(province, "XA-A") == _counts(a_url, "XA-A")
        assert _site_report(province, "XA-B") == _site_report(b_url, "XA-B")
        print(f"\nprovince view equal {recovered:.1f} s after plugging back, report too at {shown_after:.1f} s; "
              f"{made_offline} events made offline")

        services["XA-A"].assert_running()   # the same process all along: recovered without a restart
        waits = [line for line in services["XA-A"].lines if line["event"] == "waiting"]
        assert max(line["retry_in_s"] for line in waits) <= MAX_BACKOFF_S   # a plugged link is tried again soon
        assert relays["XA-A"].connections >= 2
        last = services["XA-A"].lines[-1]
        assert last["event"] == "batch" and last["lag_events"] == 0
        for service in services.values():   # SIGTERM: a clean stop
            assert service.stop() == 0, service.log.read_text()
    finally:
        for service in services.values():
            if service.proc.poll() is None:
                service.proc.kill()
                service.proc.wait(timeout=30)
        for relay in relays.values():
            relay.stop()

    verified = cli("--db", province, "verify", check=False)   # every copied row sealed in the province's chain
    assert verified.returncode == 0 and json.loads(verified.stdout)["ok"], verified.stdout
