"""The rating keypad read by the counter program: a real serial line (a pty pair), not a mock."""

from __future__ import annotations

import os
import tty

import pytest
from PySide6.QtCore import Qt

from db import queue
from db.models import Rating, Ticket


@pytest.fixture
def pty_keypad():
    """A keypad cable: the program opens the slave end, the test writes to the master like the box does."""
    master, slave = os.openpty()
    tty.setraw(slave)
    yield master, os.ttyname(slave)
    for fd in (master, slave):
        try:
            os.close(fd)
        except OSError:
            pass


def test_keypad_press_is_rated_on_the_served_ticket_and_shown(sqlite_site_db, make_counter, pty_keypad):
    master, port = pty_keypad
    d = make_counter(keypad_port=port, keypad_protocol="ascii")
    panel = d.window.main.keypad
    assert "không dùng" in panel.state.text()       # no keypad until the counter is known
    d.login("lan", "1234", counter=1)
    d.qtbot.waitUntil(lambda: "đã kết nối" in panel.state.text(), timeout=10000)

    queue.issue_ticket("TP")
    d.key(Qt.Key.Key_F1)
    d.key(Qt.Key.Key_F3)
    os.write(master, b"3")
    d.qtbot.waitUntil(lambda: "Rất hài lòng" in panel.last.text(), timeout=10000)
    assert "số A001" in panel.last.text()
    rating = Rating.get()
    assert (rating.value, rating.ticket_id) == (3, Ticket.get(Ticket.code == "A001").id)
    assert rating.counter.number == 1 and rating.officer.username == "lan"

    d.key(Qt.Key.Key_F4)
    d.qtbot.waitUntil(lambda: "Rất hài lòng <b>1</b>" in d.window.main.day.ratings.text(), timeout=10000)


def test_unplugged_keypad_shows_waiting_for_device(sqlite_site_db, make_counter, tmp_path):
    d = make_counter(keypad_port=str(tmp_path / "ttyUSB-missing"), keypad_protocol="ascii")
    d.login("lan", "1234", counter=1)
    d.qtbot.waitUntil(lambda: "đang chờ thiết bị" in d.window.main.keypad.state.text(), timeout=10000)
