"""The admin program in English: its language button rebuilds every tab, nothing stays Vietnamese, and back.

Table cells are data (names of people, counters, audit details) and are not walked; every
label, button, tab, group, combo item, header and placeholder is.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt
from ui_texts import shown_texts, vietnamese_leftovers

from admin_app.login import LoginDialog
from admin_app.window import PROGRAM, AdminWindow
from db.officers import authenticate
from db.site import list_counters, load_site
from ui_common import i18n


@pytest.fixture
def workstation(tmp_path):
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    yield
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "gone"))


@pytest.fixture
def admin_window(qtbot, booking_site_db, workstation):
    officer = authenticate("admin", "1234", roles=("supervisor", "admin"))
    window = AdminWindow(officer, load_site())
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    window.start()
    qtbot.waitUntil(lambda: window.overview.status is not None and not window.work.busy, timeout=10_000)
    return window


def _names() -> set[str]:
    return {"Quản trị hệ thống", "Tiếng Việt"} | {c.name for c in list_counters(include_inactive=True)}


def _press_language(qtbot, window: AdminWindow, lang: str) -> None:
    qtbot.mouseClick(window.language, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: i18n.language() == lang, timeout=5000)
    qtbot.waitUntil(lambda: window.overview.status is not None and not window.work.busy, timeout=10_000)


def test_every_admin_tab_shows_english_after_the_button_and_vietnamese_again_after_the_next_press(
        qtbot, admin_window):
    window = admin_window
    window.tabs.setCurrentWidget(window.bookings)
    assert window.tabs.tabText(0) == "Tổng quan" and window.language.text() == "English"
    _press_language(qtbot, window, "en")
    assert window.tabs.currentWidget() is window.bookings           # the tab shown stays shown, rebuilt
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == [
        "Overview", "Reports", "Bookings", "Management", "Settings", "Audit"]
    assert window.logout_button.text() == "Log out"
    assert window.windowTitle() == "Administration – Quang Kim Commune - One-Stop Department"
    for tab in (window.overview, window.reports, window.bookings, window.management, window.settings, window.audit):
        window.tabs.setCurrentWidget(tab)
        assert vietnamese_leftovers(tab, _names(), table_cells=False) == [], type(tab).__name__
    assert vietnamese_leftovers(window, _names(), table_cells=False) == []
    assert len([text for _where, text in shown_texts(window, table_cells=False) if text.strip()]) > 100
    assert i18n.remembered_language(PROGRAM) == "en"

    _press_language(qtbot, window, "vi")
    assert window.tabs.tabText(3) == "Quản lý" and window.logout_button.text() == "Đăng xuất"
    assert window.management.add_service_button.text() == "Thêm dịch vụ…"


def test_the_login_dialog_switches_too(qtbot, sqlite_site_db, workstation):
    dialog = LoginDialog("UBND xã Quang Kim", site_name_en="Quang Kim Commune")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.language, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: i18n.language() == "en", timeout=5000)
    assert dialog.login_button.text() == "Log in" and dialog.windowTitle() == "Admin login"
    assert dialog.site.text() == "Quang Kim Commune"
    assert vietnamese_leftovers(dialog, {"Tiếng Việt"}) == []
