"""The clock-skew banner of the display and admin programs (the counter's, end to end: tests/counter).

The skew is set as ``db.connection`` would record it after a server-time reading.
"""

from __future__ import annotations

import time

from db import clock
from display_app.views import BoardWindow


def test_the_banner_goes_when_the_clock_is_fixed(site_db, qtbot):
    board = BoardWindow()
    qtbot.addWidget(board)
    board.show()
    qtbot.waitExposed(board)
    try:
        now = time.time()
        clock.note_server_time(now + 300, now, now)  # this PC is five minutes slow
        board.clock_banner.refresh()
        assert board.clock_banner.isVisible() and board.clock_banner.height() > 0
        assert "chậm 5 phút" in board.clock_banner.text() and "5 min behind" in board.clock_banner.text()
        clock.note_server_time(now + 2, now, now)  # synchronised again: within the threshold
        board.clock_banner.refresh()
        assert not board.clock_banner.isVisible()
    finally:
        clock.forget_server_clock()


def test_the_admin_window_has_the_banner(site_db, qtbot):
    from admin_app.window import AdminWindow
    from db.officers import authenticate
    from db.site import load_site

    officer = authenticate("quang", "1234", roles=("supervisor", "admin"))
    window = AdminWindow(officer, load_site())
    qtbot.addWidget(window)
    window.show()
    try:
        now = time.time()
        clock.note_server_time(now - 900, now, now)
        window.clock_banner.refresh()
        assert window.clock_banner.isVisible() and "nhanh 15 phút" in window.clock_banner.text()
    finally:
        clock.forget_server_clock()
        window.close()


def test_the_kiosk_window_has_the_banner(qtbot):
    from kiosk_app.views import KioskWindow

    window = KioskWindow()
    qtbot.addWidget(window)
    window.show()
    try:
        now = time.time()
        clock.note_server_time(now - 600, now, now)
        window.clock_banner.refresh()
        assert window.clock_banner.isVisible() and "10 min ahead" in window.clock_banner.text()
    finally:
        clock.forget_server_clock()
