"""Database unreachable -> "temporarily out of service", and back by itself."""

from __future__ import annotations

import os
from pathlib import Path

from kiosk_helpers import click

from db.connection import with_retry
from db.models import Ticket
from kiosk_app.controller import OFFLINE_PROBE_S, Screen

BUSINESS = "field:Kinh doanh"


def _sqlite_files(path: Path) -> list[Path]:
    return [p for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()]


def probes_failed(caplog) -> list:
    """The kiosk's failed background reads so far (each logs one warning): proof that it probed."""
    return [r for r in caplog.records if r.name == "kiosk_app.controller" and "failed" in r.getMessage()]


def assert_out_of_service(k) -> None:
    page = k.window.offline
    assert k.window.stack.currentWidget() is page
    assert page.title.text() == "Tạm ngừng phục vụ" and page.title_en.text() == "Temporarily out of service"
    assert "tự kết nối lại" in page.body.text() and "reconnecting by itself" in page.body_en.text()
    assert not k.window.language.isVisible() and not k.window.priority.isVisible()


def test_sqlite_file_gone_shows_out_of_service_and_recovers_by_itself(kiosk, simulator, qtbot, clock, sqlite_site_db,
                                                                      caplog):
    k = kiosk(simulator.url, epoch=clock(9, 30))
    path = Path(sqlite_site_db[len("sqlite:///"):])
    moved: list[tuple[Path, Path]] = []
    try:
        for src in _sqlite_files(path):
            dst = src.with_name(src.name + ".away")
            os.replace(src, dst)
            moved.append((src, dst))
        k.wait_for(lambda s: s.screen is Screen.OFFLINE, timeout=10)
        assert_out_of_service(k)
        k.session.controller.tap_service("KD")          # nothing to tap, and nothing happens
        assert not k.state.busy
        failed = len(probes_failed(caplog))
        k.clock.advance(OFFLINE_PROBE_S + 1)            # the kiosk keeps probing; still away
        k.wait_for(lambda s: len(probes_failed(caplog)) > failed, timeout=10)
        assert k.state.screen is Screen.OFFLINE
    finally:
        for src, dst in reversed(moved):
            os.replace(dst, src)
    k.wait_for(lambda s: s.screen is Screen.HOME, timeout=10)
    k.pass_guards()
    click(qtbot, k.window.tile_button(BUSINESS))
    state = k.wait_for(lambda s: s.screen is Screen.TICKET)
    assert state.ticket.printed and simulator.wait_for_jobs(1)[0].printed


def test_postgres_outage_shows_out_of_service_and_recovers_by_itself(pg_site_db, own_pg_server, make_kiosk, simulator,
                                                                     qtbot, clock):
    k = make_kiosk(simulator.url, epoch=clock(9, 30))
    stopped = False
    try:
        own_pg_server.stop()
        stopped = True
        k.wait_for(lambda s: s.screen is Screen.OFFLINE, timeout=15)
        assert_out_of_service(k)
    finally:
        if stopped:
            own_pg_server.start()
    k.wait_for(lambda s: s.screen is Screen.HOME, timeout=20)
    k.pass_guards()
    click(qtbot, k.window.tile_button(BUSINESS))
    state = k.wait_for(lambda s: s.screen is Screen.TICKET, timeout=10)
    assert state.ticket.code == "E001" and state.ticket.printed
    # this test's own connection died with the server: reconnect like any caller does
    assert with_retry(lambda: Ticket.get(Ticket.code == "E001").kiosk) == "test-kiosk"


def test_database_lost_at_the_tap_issues_nothing_and_recovers(pg_site_db, own_pg_server, make_kiosk, simulator, qtbot,
                                                               clock):
    k = make_kiosk(simulator.url, epoch=clock(9, 30))
    k.feed.stop()                                        # the kiosk has not noticed anything yet
    stopped = False
    try:
        own_pg_server.stop()
        stopped = True
        click(qtbot, k.window.tile_button(BUSINESS))
        k.wait_for(lambda s: s.screen is Screen.OFFLINE, timeout=15)
        assert_out_of_service(k)
        assert simulator.jobs == []
    finally:
        if stopped:
            own_pg_server.start()
    k.clock.advance(OFFLINE_PROBE_S + 0.5)               # its own probe (no feed) brings it back
    k.wait_for(lambda s: s.screen is Screen.HOME, timeout=20)
    assert with_retry(lambda: Ticket.select().count()) == 0   # the failed tap left no ticket behind


def test_kiosk_started_without_its_database_waits_out_of_service(make_kiosk, simulator, qtbot, clock, tmp_path):
    from db.connection import close, connect
    from db.site import import_site
    from db.site_config import load_site_file

    close()
    path = tmp_path / "later.db"
    url = f"sqlite:///{path.as_posix()}"
    connect(url)
    import_site(load_site_file(None))
    files = _sqlite_files(path)
    for src in files:
        os.replace(src, src.with_name(src.name + ".away"))
    try:
        from db.connection import _reset_connection
        _reset_connection()
        k = make_kiosk(simulator.url, epoch=clock(9, 30), wait_home=False)
        k.wait_for(lambda s: s.screen is Screen.OFFLINE, timeout=10)
        assert_out_of_service(k)
    finally:
        for src in files:
            os.replace(src.with_name(src.name + ".away"), src)
    k.clock.advance(OFFLINE_PROBE_S + 0.5)
    k.wait_for(lambda s: s.screen is Screen.HOME and bool(s.tiles), timeout=10)
    close()
