"""Kiosk mode: citizens cannot close it; staff can, with a long press and an admin PIN."""

from __future__ import annotations

from kiosk_helpers import click
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QApplication

from kiosk_app.controller import ADMIN_S, Screen


def long_press(qtbot, widget, ms: int) -> None:
    qtbot.mousePress(widget, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    qtbot.wait(ms)
    qtbot.mouseRelease(widget, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))


def enter_pin(qtbot, k, pin: str) -> None:
    for digit in pin:
        click(qtbot, k.window.admin.keys[digit])


def test_citizens_cannot_close_the_kiosk(kiosk, simulator, qtbot, clock):
    k = kiosk(simulator.url, epoch=clock(9, 30))
    window = k.window
    event = QCloseEvent()
    QApplication.sendEvent(window, event)                  # what Alt+F4 / a window manager sends
    assert not event.isAccepted()
    assert window.close() is False and window.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_F4, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert window.isVisible() and k.state.screen is Screen.HOME
    # there is no exit button anywhere
    names = {w.objectName() for w in window.findChildren(type(window.language))}
    assert not {n for n in names if "exit" in n and not n.startswith("admin-")}


def test_a_short_press_in_the_corner_does_nothing_a_3_s_press_asks_for_the_pin(kiosk, simulator, qtbot, clock):
    k = kiosk(simulator.url, epoch=clock(9, 30))
    hotspot = k.window.hotspot
    assert hotspot.geometry().topLeft() == QPoint(0, 0) and hotspot.width() >= 80
    pressed: list[bool] = []
    hotspot.long_pressed.connect(lambda: pressed.append(True))
    long_press(qtbot, hotspot, 1200)
    hold = hotspot.findChild(QTimer)
    assert not hold.isActive() and pressed == []           # the release cancelled the hold: nothing can follow
    assert k.state.screen is Screen.HOME
    long_press(qtbot, hotspot, 3400)
    k.wait_for(lambda s: s.screen is Screen.ADMIN)
    assert k.window.stack.currentWidget() is k.window.admin
    assert k.window.admin.user.text() == "admin" and k.window.admin.pin.text() == ""


def test_admin_exit_needs_the_right_pin_of_a_supervisor_or_admin(kiosk, simulator, qtbot, clock):
    k = kiosk(simulator.url, epoch=clock(9, 30), admin_users=("admin", "lan"))
    exits: list[bool] = []
    k.session.exit_requested.connect(lambda: exits.append(True))
    k.session.controller.open_admin()
    k.wait_for(lambda s: s.screen is Screen.ADMIN)
    page = k.window.admin

    enter_pin(qtbot, k, "9999")
    assert page.pin.text() == "9999"
    click(qtbot, page.exit_button)
    k.wait_for(lambda s: s.admin_error is not None and not s.admin_busy)
    assert "Sai tên đăng nhập hoặc mã PIN" in page.error.text() and "Wrong username or PIN" in page.error.text()
    assert page.pin.text() == "" and not exits
    assert k.window.close() is False

    click(qtbot, page.user_buttons[1])                    # "lan": an officer, right PIN, wrong role
    assert page.user.text() == "lan"
    enter_pin(qtbot, k, "1234")
    click(qtbot, page.exit_button)
    k.wait_for(lambda s: s.admin_error is not None and "quyền" in s.admin_error.vi and not s.admin_busy)
    assert not exits and k.window.isVisible()

    click(qtbot, page.user_buttons[0])
    enter_pin(qtbot, k, "12345")
    click(qtbot, page.keys["del"])
    assert page.pin.text() == "1234"
    click(qtbot, page.exit_button)
    qtbot.waitUntil(lambda: exits == [True], timeout=5000)
    assert k.state.exit_requested
    assert k.window.close() is True                       # now it may close


def test_admin_dialog_cancel_and_timeout_return_to_the_citizens(kiosk, simulator, qtbot, clock):
    k = kiosk(simulator.url, epoch=clock(9, 30))
    k.session.controller.open_admin()
    k.wait_for(lambda s: s.screen is Screen.ADMIN)
    click(qtbot, k.window.admin.cancel_button)
    k.wait_for(lambda s: s.screen is Screen.HOME)
    k.session.controller.open_admin()
    k.wait_for(lambda s: s.screen is Screen.ADMIN)
    enter_pin(qtbot, k, "12")
    k.clock.advance(ADMIN_S + 1)                          # left open by mistake
    k.wait_for(lambda s: s.screen is Screen.HOME)
    k.session.controller.open_admin()
    k.wait_for(lambda s: s.screen is Screen.ADMIN)
    assert k.window.admin.pin.text() == ""                # a new dialog starts empty


def test_touch_option_hides_the_cursor_and_full_screen_fills_the_screen(sqlite_site_db, qtbot):
    """``onestop kiosk --touch`` without ``--windowed``: frameless, screen-sized, no cursor."""
    import argparse

    from PySide6.QtGui import QGuiApplication

    from kiosk_app.app import build

    args = argparse.Namespace(printer="dummy://", kiosk_id="k1", touch=True, windowed=False, config=None,
                              bench_ready=False, db=sqlite_site_db)
    program = build(args)
    window = program.window
    try:
        assert window.geometry() == QGuiApplication.primaryScreen().geometry()
        assert window.windowFlags() & Qt.WindowType.FramelessWindowHint
        assert window.isFullScreen()
        assert QApplication.overrideCursor().shape() == Qt.CursorShape.BlankCursor
    finally:
        while QApplication.overrideCursor() is not None:
            QApplication.restoreOverrideCursor()
        program.session.stop()
        window.allow_close()
        window.close()
