"""Signing in at a counter, the lockout, the inactivity lock and signing out."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from counter_app.rules import Action
from db.site import get_counter


def test_pin_is_masked_and_login_seats_the_officer_at_the_chosen_counter(counter_ui):
    d = counter_ui
    assert d.window.login.pin.echoMode() == QLineEdit.EchoMode.Password
    d.qtbot.waitUntil(lambda: "Quang Kim" in d.window.login.site.text(), timeout=5000)
    d.login("lan", "1234", counter=3)
    assert get_counter(3).officer == "lan"
    assert "Vi Thị Lan" in d.window.main.top.officer.text()
    assert "Quầy 3" in d.window.main.top.counter.text()
    assert d.enabled() == {Action.CALL_NEXT, Action.PAUSE}


def test_wrong_pin_shows_a_plain_message_and_stays_on_the_login_screen(counter_ui):
    d = counter_ui
    d.login("lan", "9999", expect_ok=False)
    d.qtbot.waitUntil(lambda: d.window.login.message.text() != "", timeout=5000)
    assert d.window.login.message.text() == "Sai tên đăng nhập hoặc mã PIN"
    assert d.window.stack.currentWidget() is d.window.login
    assert d.window.login.pin.text() == ""          # cleared for the next try
    assert get_counter(1).officer is None


def test_five_wrong_pins_lock_the_account_even_for_the_right_pin(counter_ui):
    d = counter_ui
    page = d.window.login
    for _ in range(5):
        page.message.setText("")
        d.login("hung", "0000", expect_ok=False)
        d.qtbot.waitUntil(lambda: page.message.text() != "", timeout=5000)
    assert "khoá 5 phút" in page.message.text()
    page.message.setText("")
    d.login("hung", "1234", expect_ok=False)
    d.qtbot.waitUntil(lambda: page.message.text() != "", timeout=5000)
    assert "Tài khoản tạm khoá" in page.message.text()
    assert d.window.stack.currentWidget() is page


def test_counter_fixed_on_the_command_line_needs_no_choice(sqlite_site_db, make_counter):
    d = make_counter(counter=4)
    assert not d.window.login.counter.isVisible()
    d.qtbot.waitUntil(lambda: "Quầy 4" in d.window.login.counter_fixed.text(), timeout=5000)
    d.login("mai", "1234", counter=None)
    assert get_counter(4).officer == "mai"


def test_an_officer_sits_at_one_counter_at_a_time(sqlite_site_db, make_counter):
    first = make_counter()
    first.login("lan", "1234", counter=1)
    second = make_counter()
    second.login("lan", "1234", counter=2)
    assert get_counter(2).officer == "lan"
    assert get_counter(1).officer is None
    # the first window notices and stops acting in her name
    first.qtbot.waitUntil(lambda: first.window.stack.currentWidget() is first.window.login, timeout=5000)
    assert "đăng xuất" in first.window.login.message.text()
    assert first.enabled() == set()


def test_another_officer_taking_a_free_counter_signs_the_first_out(sqlite_site_db, make_counter):
    first = make_counter()
    first.login("lan", "1234", counter=1)
    second = make_counter()
    second.login("hung", "1234", counter=1)
    first.qtbot.waitUntil(lambda: first.window.stack.currentWidget() is first.window.login, timeout=5000)
    assert "Nguyễn Văn Hùng" in first.window.login.message.text()
    assert get_counter(1).officer == "hung"


def test_inactivity_locks_and_only_the_pin_unlocks(sqlite_site_db, make_counter):
    d = make_counter(lock_after_s=0.3)
    d.login()
    d.qtbot.waitUntil(lambda: d.window.stack.currentWidget() is d.window.lock_page, timeout=5000)
    assert d.enabled() == set()
    assert "Vi Thị Lan" in d.window.lock_page.who.text()
    lock = d.window.lock_page
    d.qtbot.keyClicks(lock.pin, "1111")
    d.qtbot.mouseClick(lock.unlock_button, Qt.MouseButton.LeftButton)
    d.qtbot.waitUntil(lambda: lock.message.text() != "", timeout=5000)
    assert d.window.stack.currentWidget() is lock
    d.qtbot.keyClicks(lock.pin, "1234")
    d.qtbot.keyClick(lock.pin, Qt.Key.Key_Return)
    d.qtbot.waitUntil(lambda: d.window.stack.currentWidget() is d.window.main, timeout=5000)
    assert get_counter(1).officer == "lan"            # the lock never un-seated her
    assert Action.CALL_NEXT in d.enabled()


def test_input_keeps_the_screen_unlocked(sqlite_site_db, make_counter):
    d = make_counter(lock_after_s=0.6)
    d.login()
    for _ in range(6):
        d.qtbot.wait(200)
        d.qtbot.keyClick(d.window.main.call_box.edit, Qt.Key.Key_Shift)
    assert d.window.stack.currentWidget() is d.window.main


def test_logout_frees_the_counter_and_returns_to_login(counter_ui):
    d = counter_ui
    d.login()
    d.qtbot.mouseClick(d.window.main.top.logout_button, Qt.MouseButton.LeftButton)
    d.qtbot.waitUntil(lambda: d.window.stack.currentWidget() is d.window.login, timeout=5000)
    d.qtbot.waitUntil(lambda: get_counter(1).officer is None, timeout=5000)
    assert d.enabled() == set()


def test_failed_pins_are_committed_so_the_lockout_really_happens(site_db, clock):
    """Engine check behind the login screen, on both engines (this once rolled back with the refusal)."""
    import pytest

    from db.errors import AuthError
    from db.models import Event
    from db.officers import authenticate

    for second in range(5):
        with pytest.raises(AuthError):
            authenticate("quang", "0000", now=clock(9, 0, second))
    assert Event.select().where(Event.kind == "login_failed").count() == 5
    with pytest.raises(AuthError) as locked:
        authenticate("quang", "1234", now=clock(9, 4))
    assert "khoá" in locked.value.message("vi")
    assert authenticate("quang", "1234", now=clock(9, 6)).username == "quang"
