"""Fixtures of the keypad tests (helpers live in ``keypad_helpers.py``)."""

from __future__ import annotations

import pytest
from keypad_helpers import Collector, FakeKeypad, StateLog


@pytest.fixture
def keypad(tmp_path):
    pad = FakeKeypad(tmp_path)
    yield pad
    pad.close()


@pytest.fixture
def collector():
    return Collector()


@pytest.fixture
def states():
    return StateLog()


@pytest.fixture
def import_site_text(tmp_path):
    """Import a site TOML given as text into the bound database."""
    from db.site import import_site
    from db.site_config import load_site_file

    def run(text: str) -> None:
        path = tmp_path / "site.toml"
        path.write_text(text, encoding="utf-8")
        import_site(load_site_file(str(path)))

    return run

