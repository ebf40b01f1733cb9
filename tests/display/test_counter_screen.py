"""``onestop display --counter N``: a call on counter 2 shows on counter 2's screen and not on counter 1's."""

from __future__ import annotations

import json

import pytest
from display_helpers import onestop

from db import queue

pytestmark = pytest.mark.slow


@pytest.fixture
def screens(board):
    """``screens(N)`` -> a started per-counter screen of counter N (the board fixture, with ``counter``)."""
    return lambda number, size=(800, 480): board(counter=number, voice=True, size=size)


def test_a_call_on_counter_2_shows_on_its_screen_only(site_db, screens, qtbot):
    queue.issue_ticket("TP")
    one, two = screens(1).window, screens(2, size=(1366, 768)).window
    assert two.state_text() == "Mời chờ / Please wait"

    result = onestop(site_db, "call", "--counter", "2")
    assert result.returncode == 0, result.stderr
    code = json.loads(result.stdout)["code"]
    qtbot.waitUntil(lambda: two.code == code, timeout=5000)
    assert two.flashing
    assert one.code is None and not one.flashing
    assert two.grab().size().width() == 1366            # painted at the TV size without error

    done = onestop(site_db, "done", "--counter", "2")
    assert done.returncode == 0, done.stderr
    qtbot.waitUntil(lambda: two.code is None, timeout=5000)


def test_counter_screen_is_silent(site_db, screens):
    program = screens(1)
    assert program.announcer is None        # the hall display speaks; a counter's screen would echo it


def test_an_unknown_counter_number_is_refused_not_an_empty_screen(site_db):
    """``onestop display --counter 99`` on a site without counter 99: NotFound (exit 2), in both languages."""
    result = onestop(site_db, "display", "--counter", "99", "--windowed", "--no-voice")
    assert result.returncode == 2, result.stderr
    assert "Không có quầy số 99" in result.stderr and "No counter number 99" in result.stderr
