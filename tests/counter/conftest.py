"""Fixtures for the counter program: a real window on a real database, driven by clicks and keys."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from qt_typing import type_text

from ui_common.tasks import wait_for_idle


class CounterDriver:
    """A counter program on screen, and the gestures an officer makes on it."""

    def __init__(self, qtbot, program) -> None:
        self.qtbot = qtbot
        self.program = program
        self.window = program.window
        self.session = program.session

    # -- login
    def login(self, username: str = "lan", pin: str = "1234", counter: int | None = 1, *,
              expect_ok: bool = True) -> None:
        page = self.window.login
        if self.session.fixed_counter is None:
            self.qtbot.waitUntil(lambda: page.counter.count() > 0, timeout=5000)
            page.counter.setCurrentIndex(page.counter.findData(counter))
        page.username.clear()
        page.pin.clear()
        type_text(self.qtbot, page.username, username)
        type_text(self.qtbot, page.pin, pin)
        self.qtbot.mouseClick(page.button, Qt.MouseButton.LeftButton)
        if expect_ok:
            self.qtbot.waitUntil(lambda: self.window.stack.currentWidget() is self.window.main, timeout=5000)
            self.wait_fresh()

    # -- actions
    def button(self, action):
        return self.window.main.actions.buttons[action]

    def click(self, action) -> None:
        self.qtbot.mouseClick(self.button(action), Qt.MouseButton.LeftButton)
        self.wait_idle()

    def activate(self) -> None:
        """Shortcuts go to the active window (tests may show two counters in one process)."""
        if QApplication.activeWindow() is not self.window:
            self.window.activateWindow()
            self.qtbot.waitUntil(lambda: QApplication.activeWindow() is self.window, timeout=5000)

    def key(self, key) -> None:
        self.activate()
        self.qtbot.keyClick(self.window, key)
        self.wait_idle()

    def wait_idle(self) -> None:
        """Until no action is in flight and the screen has re-read the database."""
        self.qtbot.waitUntil(lambda: self.session.busy is None, timeout=5000)
        self.wait_fresh()

    def wait_fresh(self) -> None:
        self.qtbot.waitUntil(lambda: not self.session._refreshing and not self.session._dirty
                             and self.session.snapshot is not None, timeout=5000)

    def enabled(self) -> set:
        return {action for action, button in self.window.main.actions.buttons.items() if button.isEnabled()}

    @property
    def code_shown(self) -> str:
        return self.window.main.ticket.code.text()

    @property
    def message(self) -> str:
        return self.window.main.message.text()

    def scan(self, text: str) -> None:
        """What a USB scanner does: type the text, then Enter, into the focused call box."""
        edit = self.window.main.call_box.edit
        type_text(self.qtbot, edit, text)
        self.qtbot.keyClick(edit, Qt.Key.Key_Return)
        self.wait_idle()


def _make(qtbot, **options):
    from counter_app.app import CounterProgram

    program = CounterProgram(poll_s=0.05, **options)
    qtbot.addWidget(program.window)
    program.start()
    program.window.show()
    qtbot.waitExposed(program.window)
    program.window.activateWindow()
    return CounterDriver(qtbot, program)


@pytest.fixture
def make_counter(qtbot):
    """``make_counter(counter=None, lock_after_s=..., keypad_port=...)`` -> a started ``CounterDriver``."""
    made: list[CounterDriver] = []

    def make(**options) -> CounterDriver:
        driver = _make(qtbot, **options)
        made.append(driver)
        return driver

    yield make
    for driver in made:
        driver.program.stop()
        driver.window.close()
    wait_for_idle(5.0)


@pytest.fixture
def counter_ui(sqlite_site_db, make_counter):
    """One counter program on SQLite with the built-in site, nobody logged in."""
    return make_counter()
