"""The admin program's "Tỉnh / Province" tab: every site, live, over-target sites marked; both engines."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor

from admin_app.province_view import MARK_COLUMN, OVER_MARK
from admin_app.window import AdminWindow
from db import current_site
from db.models import Setting
from db.officers import authenticate
from db.queue import issue_ticket
from db.replica import replica_key
from db.site import load_site
from tests.multisite import import_site_as, no_site_chosen  # noqa: F401 (autouse fixture)
from ui_common import theme


@pytest.fixture
def two_sites(db_url):
    """QK (the window's site) and BX in one database."""
    from db.connection import close, connect

    close()
    connect(db_url)
    import_site_as("QK", "Xã Quang Kim")
    import_site_as("BX", "Xã Bản Xèo")
    yield db_url
    current_site.choose(None)
    close()


def _issue(code: str, moment: float) -> None:
    current_site.choose(code)
    try:
        issue_ticket("TP", now=moment)
    finally:
        current_site.choose("QK")


def _open(qtbot, now: float, site: str | None = "QK") -> AdminWindow:
    current_site.choose(site)
    officer = authenticate("admin", "1234", roles=("supervisor", "admin"), now=now)
    window = AdminWindow(officer, load_site(), now=lambda: now)
    qtbot.addWidget(window)
    if window.province is not None:
        window.province.timer.setInterval(200)     # the real timer, only faster than the 5 s of the program
    window.show()
    window.start()
    return window


def _rows(table) -> dict[str, list[str]]:
    return {table.item(r, 0).text(): [table.item(r, c).text() for c in range(table.columnCount())]
            for r in range(table.rowCount())}


def _row_of(table, code: str) -> int:
    return next(r for r in range(table.rowCount()) if table.item(r, 0).text() == code)


def test_the_tab_lists_every_site_and_marks_the_one_over_target_in_words_and_colour(two_sites, qtbot, clock):
    _issue("BX", clock(8, 0))                        # waits 90 min at 09:30: TP's target is 15 min
    _issue("QK", clock(9, 28))
    Setting.create(key=replica_key("BX"), value='{"source": "bx-pc"}')   # BX is a synced copy here
    window = _open(qtbot, clock(9, 30))
    tab = window.province
    window.tabs.setCurrentWidget(tab)
    assert window.tabs.tabText(window.tabs.indexOf(tab)) == "Tỉnh"
    qtbot.waitUntil(lambda: tab.table.rowCount() == 2, timeout=10_000)

    rows = _rows(tab.table)
    assert rows["BX"][1] == "Xã Bản Xèo" and rows["BX"][2] == "1"
    assert rows["BX"][3] == "1:30:00 / 15 phút"
    assert rows["BX"][MARK_COLUMN] == OVER_MARK                    # a word, not colour alone ...
    assert rows["QK"][MARK_COLUMN] == "" and rows["QK"][3] == "2:00 / 15 phút"
    bx, qk = _row_of(tab.table, "BX"), _row_of(tab.table, "QK")
    red = QColor(theme.RED)
    assert tab.table.item(bx, MARK_COLUMN).foreground().color() == red      # ... and colour as well
    assert tab.table.item(bx, 1).font().bold()
    assert tab.table.item(qk, 1).foreground().color() != red
    assert "1 / 2" in tab.summary.text() and "BX" in tab.summary.text()
    assert rows["BX"][9] == "đồng bộ" and rows["QK"][9] == "tại chỗ"
    assert rows["QK"][8] == "09:30:00"          # its newest event: the admin signing in
    assert rows["BX"][8] == "08:00:00 (90 phút)"   # nothing newer from BX: its age shows
    window.close()


def test_a_ticket_issued_at_another_site_shows_after_the_next_timed_read(two_sites, qtbot, clock):
    window = _open(qtbot, clock(9, 30))
    tab = window.province
    window.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: tab.table.rowCount() == 2, timeout=10_000)
    assert _rows(tab.table)["BX"][2] == "0"
    reads = tab.reads

    _issue("BX", clock(9, 29))      # another site: the window's feed (site QK) never hears of it
    qtbot.waitUntil(lambda: _rows(tab.table)["BX"][2] == "1", timeout=10_000)
    assert tab.reads > reads and _rows(tab.table)["QK"][2] == "0"
    assert "1 đang chờ toàn tỉnh" in tab.updated.text()
    window.close()


def test_the_tab_reads_only_while_on_screen(two_sites, qtbot, clock):
    window = _open(qtbot, clock(9, 30))
    tab = window.province
    qtbot.waitUntil(lambda: window.overview.status is not None, timeout=10_000)
    qtbot.waitUntil(lambda: not window.province_lane.busy, timeout=10_000)
    hidden_reads, ticks = tab.reads, tab.ticks
    qtbot.waitUntil(lambda: tab.ticks >= ticks + 3, timeout=10_000)    # three ticks with another tab on screen
    assert tab.reads == hidden_reads
    window.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: tab.reads > hidden_reads, timeout=10_000)
    window.close()


def test_a_single_site_database_has_no_province_tab(site_db, qtbot, clock):
    window = _open(qtbot, clock(9, 30), site=None)
    assert window.province is None
    assert "Tỉnh / Province" not in [window.tabs.tabText(i) for i in range(window.tabs.count())]
    window.close()
