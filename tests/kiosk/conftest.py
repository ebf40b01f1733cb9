"""Fixtures for the kiosk: a real window on a real database, a TCP printer simulator, clicks.

Clocks are the only thing not real: ``FakeClock`` lets a test stand at 12:00
on a Wednesday or step past the 1.5 s tap guard without sleeping.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QThreadPool, Qt

from ui_common.pyside_workarounds import keep_singletons_alive

keep_singletons_alive()   # qtbot's waits call void Qt methods thousands of times (PySide6 6.12 refcount bug)

ROOT = Path(__file__).resolve().parents[2]
SITE_TOML = (ROOT / "db" / "example_site.toml").read_text(encoding="utf-8")
REAL_HOURS = ('opening_hours = ["07:30-11:30", "13:30-17:00"]', 'days = ["mon", "tue", "wed", "thu", "fri"]')


def site_text(*, policy: str = "show", real_hours: bool = False, dd_limit: int | None = None,
              allow_priority: bool = True) -> str:
    """The built-in commune site with the knobs the kiosk tests turn."""
    text = SITE_TOML.replace('on_print_failure = "show"', f'on_print_failure = "{policy}"')
    if dd_limit is not None:
        text = text.replace("daily_limit = 150", f"daily_limit = {dd_limit}")
    if real_hours:
        text = text.replace('opening_hours = ["00:00-24:00"]', REAL_HOURS[0])
        text = text.replace('days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]', REAL_HOURS[1])
    if not allow_priority:
        text = text.replace("allow_priority = true", "allow_priority = false")
    return text


def load_site(**knobs) -> None:
    """Re-import the site on the current database (what ``onestop init --site`` does)."""
    from db.site import import_site
    from db.site_config import parse_site_text

    import_site(parse_site_text(site_text(**knobs), "kiosk-test.toml"))


def click(qtbot, widget) -> None:
    """A real left click in the middle of the real widget."""
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=widget.rect().center())


@pytest.fixture
def sim(tmp_path):
    """A network ESC/POS printer on 127.0.0.1 (in this process, its own threads)."""
    from hardware.printing.simulator import PrinterSimulator

    simulator = PrinterSimulator(out_dir=tmp_path / "printed").start()
    yield simulator
    simulator.stop()


@pytest.fixture
def make_kiosk(qtbot):
    """``make_kiosk(printer_url, epoch=..., size=...)`` -> a started ``KioskHarness`` on the current database."""
    from kiosk_app.harness import KioskHarness

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
    QThreadPool.globalInstance().waitForDone(10_000)


@pytest.fixture
def kiosk(sqlite_site_db, make_kiosk):
    """``make_kiosk`` on the built-in site in a fresh SQLite database."""
    return make_kiosk


@pytest.fixture
def pg_site_db(pg_server):
    """The built-in site on a fresh PostgreSQL database of the session's server."""
    from db.connection import close
    from tests.conftest import _connect_with_site

    yield _connect_with_site(pg_server.create_database())
    close()
