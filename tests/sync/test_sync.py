"""``onestop sync``: two commune SQLite files into one PostgreSQL, killed mid-way and the target restarted.

The sync runs as a real process (``python -m cli.main sync``) so that kill -9
hits it wherever it is; the proof is the target's per-site report equal to
each commune's own report, and its row counts equal to the sources'.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from db import current_site
from tests.multisite import import_site_as, no_site_chosen, site_text  # noqa: F401 (autouse fixture)
from tests.site_clock import at
from tests.sync.communes import DAY, ROOT, SITES, play_morning


def _make_commune(path: Path, code: str, tickets: int, seed: int) -> None:
    """One commune's morning: ``tickets`` issued, most called, served and rated, some no-shows."""
    from db.connection import close, connect
    from db.site import import_site
    from db.site_config import parse_site_text

    close()
    connect(f"sqlite:///{path.as_posix()}")
    import_site(parse_site_text(site_text(code, SITES[code]), f"{code}.toml"))
    play_morning(tickets, seed)
    close()


def _cli(*args: str, env: dict | None = None, check: bool = True) -> subprocess.CompletedProcess:
    run = subprocess.run([sys.executable, "-m", "cli.main", *args], cwd=ROOT, capture_output=True, text=True,
                         env={**os.environ, **(env or {})}, timeout=300)
    if check:
        assert run.returncode == 0, run.stderr
    return run


def _report(url: str, code: str) -> dict:
    run = _cli("--db", url, "--site", code, "report", "--from", DAY, "--to", DAY, "--format", "json")
    return json.loads(run.stdout)


def _source_counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        return {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                for t in ("ticket", "rating", "event", "service", "counter", "officer")}


def _target_counts(url: str, code: str) -> dict[str, int]:
    import psycopg

    with psycopg.connect(url) as conn:
        site = conn.execute("SELECT id FROM site WHERE code = %s", (code,)).fetchone()[0]
        one = lambda sql: conn.execute(sql, (site,)).fetchone()[0]  # noqa: E731
        return {
            "ticket": one("SELECT COUNT(*) FROM ticket t JOIN service s ON s.id = t.issued_service_id "
                          "WHERE s.site_id = %s"),
            "rating": one("SELECT COUNT(*) FROM rating r JOIN counter c ON c.id = r.counter_id WHERE c.site_id = %s"),
            "event": one("SELECT COUNT(*) FROM event WHERE site_id = %s"),
            "service": one("SELECT COUNT(*) FROM service WHERE site_id = %s"),
            "counter": one("SELECT COUNT(*) FROM counter WHERE site_id = %s"),
            "officer": one("SELECT COUNT(*) FROM officer WHERE site_id = %s"),
        }


def _events_copied(url: str) -> int:
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=3) as conn:
            return conn.execute("SELECT COUNT(*) FROM event").fetchone()[0]
    except psycopg.Error:
        return 0


def test_two_communes_into_postgres_killed_and_target_restarted_then_exact(tmp_path, own_pg_server):
    paths = {code: tmp_path / f"{code}.db" for code in SITES}
    for seed, (code, path) in enumerate(paths.items()):
        _make_commune(path, code, 60 + 20 * seed, seed)
    target = own_pg_server.create_database()
    a_url = f"sqlite:///{paths['XA-A'].as_posix()}"
    b_url = f"sqlite:///{paths['XA-B'].as_posix()}"
    mtimes = {code: path.stat().st_mtime_ns for code, path in paths.items()}
    source_bytes = {code: path.read_bytes() for code, path in paths.items()}

    # Site A as a service with tiny batches, killed -9 once some batches are in.
    service = subprocess.Popen([sys.executable, "-m", "cli.main", "--db", a_url, "sync", "--to", target,
                                "--batch", "7", "--interval", "0.2"], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while _events_copied(target) < 40:
        assert service.poll() is None, service.stderr.read()
        assert time.monotonic() < deadline, "the sync copied nothing"
        time.sleep(0.05)
    service.send_signal(signal.SIGKILL)
    service.wait(timeout=30)

    # Site B starts as a service too; the target goes away under it and comes back.
    service = subprocess.Popen([sys.executable, "-m", "cli.main", "--db", b_url, "sync", "--to", target,
                                "--batch", "9", "--interval", "0.2"], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    own_pg_server.stop()
    line = ""
    deadline = time.monotonic() + 60
    while '"waiting"' not in line:      # the service noticed the outage and is waiting, not dead
        assert service.poll() is None, service.stderr.read()
        assert time.monotonic() < deadline
        line = service.stdout.readline()
    own_pg_server.start()
    deadline = time.monotonic() + 120
    while True:
        status = json.loads(_cli("--db", b_url, "sync", "--to", target, "--status").stdout)
        if status[0]["lag_events"] == 0:
            break
        assert time.monotonic() < deadline, status
        time.sleep(0.3)
    service.send_signal(signal.SIGTERM)
    assert service.wait(timeout=30) == 0

    for _ in range(2):   # rerun twice: nothing doubles
        for url in (a_url, b_url):
            _cli("--db", url, "sync", "--to", target, "--once")

    for code, path in paths.items():
        assert path.read_bytes() == source_bytes[code] and path.stat().st_mtime_ns == mtimes[code], \
            "the sync wrote to the source"
        assert _target_counts(target, code) == _source_counts(path), code
        local = _report(f"sqlite:///{path.as_posix()}", code)
        province = _report(target, code)
        local.pop("site", None), province.pop("site", None)
        assert province == local, code
        assert local["totals"]["issued"] >= 60

    status = json.loads(_cli("--db", a_url, "sync", "--to", target, "--status").stdout)
    assert status[0]["site"] == "XA-A" and status[0]["lag_events"] == 0


def test_a_synced_site_is_read_only_in_the_target(tmp_path, pg_server):
    path = tmp_path / "XA-A.db"
    _make_commune(path, "XA-A", 5, 0)
    target = pg_server.create_database()
    _cli("--db", f"sqlite:///{path.as_posix()}", "sync", "--to", target, "--once")
    env = {"ONESTOP_SITE": "XA-A"}
    issued = _cli("--db", target, "issue", "TP", env=env, check=False)
    assert issued.returncode == 3, issued.stderr
    assert "bản sao" in issued.stderr and "read-only" in issued.stderr
    called = _cli("--db", target, "call", "--counter", "1", env=env, check=False)
    assert called.returncode == 3, called.stderr
    # the commune itself still works: its own database is not marked
    from db.connection import close, connect
    from db.replica import is_replica

    close()
    connect(f"sqlite:///{path.as_posix()}")
    try:
        assert not is_replica(current_site.site_id())
    finally:
        close()


def test_changes_after_a_sync_reach_the_target_and_the_commune_keeps_working_offline(tmp_path):
    """Tickets copied while waiting are later called, served and rated at the commune; the next sync updates them.

    The target here is SQLite (the sync works into any engine); the target is
    "unplugged" (a path that cannot be opened) while the commune keeps working.
    """
    from db.connection import close, connect
    from db.queue import call_next, finish_service, issue_ticket, start_service
    from db.ratings import record_press

    path = tmp_path / "XA-A.db"
    _make_commune(path, "XA-A", 8, 0)
    source = f"sqlite:///{path.as_posix()}"
    target = f"sqlite:///{(tmp_path / 'province.db').as_posix()}"
    _cli("--db", source, "sync", "--to", target, "--once")
    before = _report(target, "XA-A")

    close()
    connect(source)
    try:
        moment = at(9, 30)
        for i in range(4):
            issue_ticket("TP", now=moment + i)
        for i in range(3):
            assert call_next(1, now=moment + 60 + i * 300) is not None
            start_service(1, now=moment + 70 + i * 300)
            finish_service(1, now=moment + 200 + i * 300)
            record_press(1, 3, now=moment + 210 + i * 300)
    finally:
        close()
    offline = _cli("--db", source, "sync", "--to", "postgresql://postgres@127.0.0.1:1/gone", "--once", check=False)
    assert offline.returncode == 3 and "Database unavailable" in offline.stderr

    _cli("--db", source, "sync", "--to", target, "--once")
    after, local = _report(target, "XA-A"), _report(source, "XA-A")
    after.pop("site", None), local.pop("site", None)
    assert after == local and after != before
    with sqlite3.connect(tmp_path / "province.db") as conn:
        waiting = conn.execute("SELECT COUNT(*) FROM ticket WHERE status = 'waiting'").fetchone()[0]
    with sqlite3.connect(path) as conn:
        assert waiting == conn.execute("SELECT COUNT(*) FROM ticket WHERE status = 'waiting'").fetchone()[0]
    assert _source_counts(tmp_path / "province.db") == _source_counts(path)
