"""Fixtures of the report tests: the fixture day of ``fixture_day.py`` on each engine."""

from __future__ import annotations

import pytest
from fixture_day import build_fixture_day


@pytest.fixture
def report_db(site_db):
    """The fixture day on each engine (SQLite and PostgreSQL)."""
    build_fixture_day()
    return site_db


@pytest.fixture
def sqlite_report_db(sqlite_site_db):
    build_fixture_day()
    return sqlite_site_db
