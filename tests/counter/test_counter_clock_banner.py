"""A counter PC whose clock is ten minutes fast: the real program shows a banner and logs the skew.

The PC's clock is made fast for ``db.connection`` only (its ``time`` module is
replaced by one whose ``time()`` runs ahead), so the program measures a real
skew against the real PostgreSQL server while pytest, Qt and the server keep
the true time.  SQLite has no server: no warning there.  The other programs'
banners: tests/security/test_clock_banner.py.
"""

from __future__ import annotations

import logging
import time

import pytest

import db.connection
from db import clock, queue


class _FastClock:
    """The ``time`` module as seen from a PC whose clock is ten minutes fast."""

    def __getattr__(self, name: str):
        return getattr(time, name)

    @staticmethod
    def time() -> float:
        return time.time() + 600


@pytest.fixture
def fast_pc(monkeypatch):
    clock.forget_server_clock()
    monkeypatch.setattr(db.connection, "time", _FastClock())
    monkeypatch.setattr(db.connection, "_warned_skew", None)
    yield
    clock.forget_server_clock()


def test_a_counter_pc_ten_minutes_fast_shows_a_banner_and_logs_it(site_db, fast_pc, make_counter, qtbot, caplog):
    caplog.set_level(logging.WARNING, logger="onestop")
    driver = make_counter()
    banner = driver.window.clock_banner
    if not site_db.startswith("postgresql"):
        queue.issue_ticket("TP")  # a write: on PostgreSQL it would read the server's clock
        banner.refresh()
        assert clock.clock_skew_s() is None and not banner.isVisible()
        return
    qtbot.waitUntil(banner.isVisible, timeout=15_000)
    assert "nhanh 10 phút so với máy chủ" in banner.text()
    assert "10 min ahead of the server's" in banner.text()
    assert any("+600 s off the database server's" in r.getMessage() for r in caplog.records), caplog.text
