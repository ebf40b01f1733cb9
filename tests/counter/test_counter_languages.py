"""The counter program in English, switched at run time with its language button, and back.

The widget-tree walk fails on any text still in Vietnamese once the program shows English: a
string somebody wrote without ``_()``, or a msgid the English catalog lacks.  Site data that has
no English (officers' and counters' names) is the only exception.
"""

from __future__ import annotations

import pytest
from locale_sample import SAMPLE_LANG, use_sample_language
from PySide6.QtCore import QSettings, Qt
from ui_texts import is_vietnamese, vietnamese_leftovers

from counter_app.rules import Action
from db import queue
from db.ratings import record_press
from db.site import list_counters
from ui_common import i18n

OFFICERS = {"Vi Thị Lan", "Nguyễn Văn Hùng", "Trần Thị Mai", "Lê Minh Quang", "Quản trị hệ thống"}


@pytest.fixture
def workstation(tmp_path):
    """This PC's settings file (the remembered language) in a folder of the test's own."""
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    yield tmp_path / "settings"
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "gone"))


def _site_data() -> set[str]:
    """Names with no English (people, counters), and the language button's "Tiếng Việt" (a name by design)."""
    return OFFICERS | {c.name for c in list_counters(include_inactive=True)} | {"Tiếng Việt"}


def _switch(d, button, lang: str) -> None:
    d.qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    d.qtbot.waitUntil(lambda: i18n.language() == lang, timeout=5000)


def _busy_counter(d) -> None:
    """Logged in, a ticket being served with a dossier, others waiting, a rating received: every panel full."""
    d.login()
    for service, priority in (("TP", False), ("KS", True), ("TP", False)):
        queue.issue_ticket(service, priority=priority)
    d.click(Action.CALL_NEXT)
    d.click(Action.START)
    d.session.attach_dossier("000.00.12.H26-241125-0042")
    d.wait_idle()
    record_press(1, 3)
    d.qtbot.waitUntil(lambda: d.session.last_rating is not None, timeout=5000)
    d.wait_fresh()


def test_the_whole_counter_window_shows_english_after_one_press_and_nothing_stays_vietnamese(
        counter_ui, workstation):
    d = counter_ui
    login = d.window.login
    d.qtbot.waitUntil(lambda: login.site_name is not None and login.counter.count() > 0, timeout=5000)
    assert login.language.text() == "English"          # the button names the language it goes to
    _switch(d, login.language, "en")
    assert login.button.text() == "Log in" and login.language.text() == "Tiếng Việt"
    assert login.site.text() == "Quang Kim Commune - One-Stop Department"     # the site's name_en
    assert vietnamese_leftovers(d.window.login, _site_data()) == []

    _busy_counter(d)
    main = d.window.main
    assert d.button(Action.CALL_NEXT).text() == "F1\nCall next"
    assert main.ticket.service.text() == "Birth, marriage and death registration"     # name_en of the ticket's service
    assert main.ticket.status.text() == "Serving"
    assert main.ticket.dossiers.text() == "Dossiers: 000.00.12.H26-241125-0042"
    assert main.waiting.table.horizontalHeaderItem(4).text() == "Longest wait"
    assert "Last rating:" in main.keypad.last.text()
    assert vietnamese_leftovers(d.window, _site_data()) == []

    d.click(Action.PAUSE) if d.session.ticket is None else d.click(Action.DONE)
    d.click(Action.PAUSE)
    assert d.message == "Counter paused" and main.top.paused.text() == "PAUSED"
    assert d.button(Action.PAUSE).text() == "F7\nResume"
    assert vietnamese_leftovers(d.window, _site_data()) == []


def test_switching_back_to_vietnamese_retranslates_what_is_on_screen_and_the_choice_is_remembered(
        counter_ui, workstation, make_counter):
    d = counter_ui
    _busy_counter(d)
    main = d.window.main
    _switch(d, main.top.language, "en")
    assert d.message.startswith("Dossier ") and main.ticket.timer_caption.text() == "Serving for"
    d.window.open_transfer()
    dialog = d.window.transfer_dialog
    assert dialog.ok_button.text() == "Transfer" and dialog.to_service.text() == "To another service"
    assert i18n.remembered_language("onestop-counter") == "en"        # this PC's settings file

    _switch(d, main.top.language, "vi")
    assert d.button(Action.CALL_NEXT).text() == "F1\nGọi số tiếp"
    assert main.ticket.status.text() == "Đang phục vụ"
    assert main.ticket.service.text() == "Đăng ký khai sinh, kết hôn, khai tử"
    assert d.message.startswith("Đã gắn hồ sơ")                        # the last message, worded again
    assert dialog.ok_button.text() == "Chuyển" and dialog.windowTitle().startswith("Chuyển số")
    assert main.top.language.text() == "English"
    dialog.reject()

    assert i18n.remembered_language("onestop-counter") == "vi"
    i18n.remember_language("onestop-counter", "en")
    assert i18n.start_language("onestop-counter", None) == "en"       # what `onestop counter` does at start
    assert i18n.start_language("onestop-counter", "vi") == "vi"       # --lang / $ONESTOP_LANG wins


def test_a_language_dropped_as_a_file_is_one_more_stop_of_the_counter_button(
        tmp_path, monkeypatch, sqlite_site_db, make_counter, workstation):
    use_sample_language(tmp_path, monkeypatch)
    d = make_counter()
    button = d.window.login.language
    _switch(d, button, "en")
    assert button.text() == "Hmoob"                        # the sample's own name for itself
    _switch(d, button, SAMPLE_LANG)
    assert d.window.login.button.text() == "[hmn] Log in"
    d.login()
    assert d.button(Action.CALL_NEXT).text() == "F1\n[hmn] Call next"
    assert d.button(Action.RECALL).text() == "F2\nGọi lại"   # a text the sample lacks shows in Vietnamese
    assert button.text() == "Tiếng Việt"


def test_an_unknown_language_is_refused_at_the_command_line(capsys):
    from cli.main import main

    assert main(["counter", "--lang", "zz"]) == 2
    err = capsys.readouterr().err
    assert "zz" in err and "vi, en" in err


def test_the_vietnamese_check_of_the_walk_tells_the_two_languages_apart():
    assert is_vietnamese("Gọi số tiếp") and is_vietnamese("Đ") and is_vietnamese("Chờ")
    assert not is_vietnamese("Call next — 12 min · A012 → 3 • ★")
