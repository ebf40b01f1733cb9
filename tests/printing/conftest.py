"""Fixtures for the printing tests: a sample site and ticket, simulators in a given state.

``simulator`` and ``unused_port`` come from tests/conftest.py.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from db.values import SiteInfo, TicketInfo
from hardware.printing.simulator import PrinterSimulator, SimulatedState

EXAMPLE_SITE = Path(__file__).resolve().parents[2] / "db" / "example_site.toml"


@pytest.fixture
def site() -> SiteInfo:
    return SiteInfo(name="UBND xã Quang Kim - Bộ phận Một cửa", name_en="Quang Kim Commune - One-Stop Department",
                    timezone="Asia/Ho_Chi_Minh", opening_hours=("07:30-11:30", "13:30-17:00"),
                    days=("mon", "tue", "wed", "thu", "fri"), rating_levels=())


@pytest.fixture
def ticket() -> TicketInfo:
    # 00:05 UTC is 07:05 in Hanoi: the ticket must show the site's local time.
    return TicketInfo(id=4711, code="A001", number=1, service="TP", service_name="Tư pháp - Hộ tịch",
                      service_name_en="Justice - Civil status", issued_service="TP", status="waiting",
                      priority=False, service_day=date(2025, 1, 2),
                      issued_at=datetime(2025, 1, 2, 0, 5, 12, tzinfo=UTC), ahead=3, estimated_wait_s=900)


@pytest.fixture
def priority_ticket(ticket) -> TicketInfo:
    return replace(ticket, priority=True, code="A002", number=2, id=4712)


@pytest.fixture
def make_simulator(tmp_path):
    """``make_simulator(paper_out=True, ...)``: a started simulator in a given state."""
    started: list[PrinterSimulator] = []

    def make(**state) -> PrinterSimulator:
        sim = PrinterSimulator(out_dir=tmp_path / f"sim{len(started)}", state=SimulatedState(**state)).start()
        started.append(sim)
        return sim

    yield make
    for sim in started:
        sim.stop()


def site_file_with_policy(tmp_path: Path, policy: str) -> Path:
    """The built-in example site with ``on_print_failure`` set to ``policy``."""
    text = EXAMPLE_SITE.read_text(encoding="utf-8")
    assert 'on_print_failure = "show"' in text
    path = tmp_path / f"site-{policy}.toml"
    path.write_text(text.replace('on_print_failure = "show"', f'on_print_failure = "{policy}"'), encoding="utf-8")
    return path



@pytest.fixture
def use_policy(tmp_path):
    """``use_policy("cancel")``: re-import the built-in site with that on_print_failure."""

    def apply(policy: str) -> None:
        from db.site import import_site
        from db.site_config import load_site_file

        import_site(load_site_file(str(site_file_with_policy(tmp_path, policy))))

    return apply
