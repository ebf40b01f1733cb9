"""Fixtures for the kiosk: a real window on a real database, a TCP printer simulator, clicks.

Clocks are the only thing not real: ``FakeClock`` lets a test stand at 12:00
on a Wednesday or step past the 1.5 s tap guard without sleeping.
"""

from __future__ import annotations

import pytest

from ui_common.tasks import wait_for_idle


@pytest.fixture
def make_kiosk(qtbot):
    """``make_kiosk(printer_url, epoch=..., size=...)`` -> a started ``KioskHarness`` on the current database."""
    from tools.kiosk_harness import KioskHarness

    made: list[KioskHarness] = []

    def make(printer: str, *, start: bool = True, wait_home: bool = True, **kwargs) -> KioskHarness:
        harness = KioskHarness(printer, **kwargs)
        made.append(harness)
        if start:
            harness.start(wait_home=wait_home)
        return harness

    yield make
    for harness in made:
        harness.close()
    wait_for_idle(10.0)


@pytest.fixture
def kiosk(sqlite_site_db, make_kiosk):
    """``make_kiosk`` on the built-in site in a fresh SQLite database."""
    return make_kiosk


@pytest.fixture
def pg_site_db(own_pg_server):
    """The built-in site on a PostgreSQL server of the test's own (the outage tests stop it)."""
    from site_setup import connect_with_site

    from db.connection import close

    yield connect_with_site(own_pg_server.create_database())
    close()
