"""Helpers for tests with several sites in one database (shared by tests/sites and tests/sync)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from db import current_site

ROOT = Path(__file__).parents[1]


def site_text(code: str, name: str) -> str:
    """The example site file with its own ``[site] code`` and name."""
    text = (ROOT / "db" / "example_site.toml").read_text(encoding="utf-8")
    head, rest = text.split("[site]", 1)
    name_line = next(line for line in rest.splitlines() if line.startswith("name ="))
    return head + "[site]" + rest.replace(name_line, f'code = "{code}"\nname = "{name}"', 1)


def import_site_as(code: str, name: str) -> None:
    """Import the example site under ``code`` into the bound database."""
    from db.site import import_site
    from db.site_config import parse_site_text

    import_site(parse_site_text(site_text(code, name), f"{code}.toml"))


def midday_timezone() -> str:
    """A fixed-offset zone where it is about noon now (``Etc/GMT-N`` is UTC+N).

    A test that issues tickets "90 minutes ago" on the wall clock keeps them in one service day
    whatever hour it runs at (near the site's midnight they would fall on yesterday).
    """
    offset = 12 - datetime.now(UTC).hour   # -11 .. +12: every one exists
    return "UTC" if offset == 0 else f"Etc/GMT{-offset:+d}"


@pytest.fixture(autouse=True)
def no_site_chosen(monkeypatch):
    """No ``ONESTOP_SITE`` and no chosen site before or after a test: each test names its site."""
    monkeypatch.delenv(current_site.ENV, raising=False)
    current_site.choose(None)
    yield
    current_site.choose(None)
