"""Fixtures of the admin program's bookings tests: the built-in commune taking bookings, both engines."""

from __future__ import annotations

from pathlib import Path

import pytest
from site_setup import connect_with_site

ROOT = Path(__file__).resolve().parents[2]
SITE_TOML = (ROOT / "db" / "example_site.toml").read_text(encoding="utf-8")


def booking_site_text() -> str:
    """The built-in commune (open round the clock, its officers) where TP and KS take bookings."""
    text = SITE_TOML.replace('code = "TP"\n', 'code = "TP"\nbooking = { slot_min = 15, per_slot = 2 }\n', 1)
    return text.replace('code = "KS"\n', 'code = "KS"\nbooking = { slot_min = 30, per_slot = 1 }\n', 1)


@pytest.fixture
def booking_site_db(db_url, tmp_path):
    from db.connection import close

    path = tmp_path / "admin-bookings.toml"
    path.write_text(booking_site_text(), encoding="utf-8")
    yield connect_with_site(db_url, str(path))
    close()
