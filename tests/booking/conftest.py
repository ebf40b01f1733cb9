"""Fixtures of the appointment tests: the office-hours site on each engine."""

from __future__ import annotations

import pytest
from booking_site import write_site
from site_setup import connect_with_site


@pytest.fixture
def booking_db(db_url, tmp_path):
    """The office-hours site (TP and KS take bookings) on SQLite and PostgreSQL."""
    from db.connection import close

    yield connect_with_site(db_url, str(write_site(tmp_path)))
    close()
