"""The visual call signal: a new call flashes the "now calling" panel and the counter's tile for the
site's ``[display] flash_s`` seconds (for people who do not hear the chime), and not at all with 0."""

from __future__ import annotations

import time
from importlib import resources

import pytest

from db import queue
from db.errors import ConfigError
from db.site import import_site, load_site
from db.site_config import parse_site_text

EXAMPLE = resources.files("db").joinpath("example_site.toml").read_text(encoding="utf-8")


def with_display(extra: str):
    return parse_site_text(EXAMPLE + "\n[display]\n" + extra + "\n", "site.toml")


def test_flash_s_is_read_from_the_site_and_defaults_to_6(site_db):
    assert load_site().display_flash_s == 6.0
    import_site(with_display("flash_s = 2.5"))
    assert load_site().display_flash_s == 2.5


@pytest.mark.parametrize("bad, message", [("flash_s = -1", "0-60"), ("flash_s = 61", "0-60"),
                                          ('flash_s = "6"', "expected"), ("flash = 6", "unknown key")])
def test_a_bad_display_table_is_refused_with_the_field(bad, message):
    with pytest.raises(ConfigError) as refused:
        with_display(bad)
    assert "display.flash" in str(refused.value) and message in str(refused.value)


def test_a_call_flashes_the_counter_tile_for_flash_s_then_stops(site_db, board, qtbot):
    import_site(with_display("flash_s = 1.2"))
    queue.issue_ticket("TP")
    program = board()
    window = program.window
    qtbot.waitUntil(lambda: window.counters.flash_s == 1.2, timeout=5000)
    with qtbot.waitSignal(window.counters.flash_changed, timeout=5000) as started:
        ticket = queue.call_next(1)
    assert started.args == [True]
    began = time.monotonic()
    assert window.counters.flash_counter == 1 and window.counters.flashing
    assert window.now_calling.flashing
    assert window.counters.cells[0].code == ticket.code
    image_on = window.counters.grab().toImage()
    with qtbot.waitSignal(window.counters.flash_changed, timeout=5000) as ended:
        pass
    elapsed = time.monotonic() - began
    assert ended.args == [False]
    assert 1.0 <= elapsed < 3.0, elapsed
    assert not window.counters.flashing and window.counters.flash_counter is None
    qtbot.waitUntil(lambda: not window.now_calling.flashing, timeout=3000)
    # the tile went back to its normal colour: the picture differs from the flashing one's bright phase
    assert window.counters.grab().toImage() != image_on


def test_flash_s_0_shows_the_call_without_flashing(site_db, board, qtbot):
    import_site(with_display("flash_s = 0"))
    queue.issue_ticket("TP")
    program = board()
    qtbot.waitUntil(lambda: program.window.counters.flash_s == 0, timeout=5000)
    with qtbot.waitSignal(program.controller.call_shown, timeout=5000):
        ticket = queue.call_next(1)
    # the call has been handed to the window (call_shown is what starts a flash): nothing flashes
    assert program.window.now_calling.call.code == ticket.code
    assert not program.window.counters.flashing and not program.window.now_calling.flashing
