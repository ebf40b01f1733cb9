"""The counter program's window: login, working screen and lock screen in one stack.

Only wiring lives here: the session's signals go to the pages' slots and the
pages' signals to the session's slots.
"""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QMainWindow, QStackedWidget, QVBoxLayout, QWidget

from counter_app.idle import IdleWatcher
from counter_app.login_page import LockPage, LoginPage
from counter_app.main_page import MainPage
from counter_app.rules import Action
from counter_app.session import CounterSession, SignIn
from counter_app.transfer_dialog import TransferDialog
from ui_common.i18n import Retranslating, _
from ui_common.widgets import ClockSkewBanner, OfflineBanner


class CounterWindow(Retranslating, QMainWindow):
    """Login, working and lock pages; every page retranslates itself on a language switch (``ui_common.i18n``)."""

    def __init__(self, session: CounterSession, idle: IdleWatcher | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.idle = idle
        self.resize(1366, 800)
        self.banner = OfflineBanner()
        self.clock_banner = ClockSkewBanner()
        self.login = LoginPage(session.fixed_counter)
        self.main = MainPage()
        self.lock_page = LockPage()
        self.stack = QStackedWidget()
        for page in (self.login, self.main, self.lock_page):
            self.stack.addWidget(page)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.banner)
        layout.addWidget(self.clock_banner)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.transfer_dialog: TransferDialog | None = None
        self._wire()
        self.stack.setCurrentWidget(self.login)
        self.login.reset()
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Quầy giao dịch - onestop-queue"))
        self.session.retranslate()    # the message on screen, worded again

    def _wire(self) -> None:
        s, main = self.session, self.main
        self.login.submitted.connect(s.login)
        s.counters_loaded.connect(self.login.set_counters)
        s.site_named.connect(self.login.set_site_name)
        s.counters_failed.connect(self.login.show_error)
        s.login_failed.connect(self.login.show_error)
        s.login_busy.connect(self.login.set_busy)
        s.login_busy.connect(self.lock_page.set_busy)
        s.signed_in.connect(self._signed_in)
        s.signed_out.connect(self._signed_out)
        s.locked_changed.connect(self._locked)
        s.unlock_failed.connect(self.lock_page.show_error)
        s.ticket_changed.connect(main.ticket.set_ticket)
        s.paused_changed.connect(main.set_paused)
        s.actions_changed.connect(main.set_actions)
        s.snapshot_changed.connect(main.set_snapshot)
        s.message.connect(main.show_message)
        s.dossiers_changed.connect(main.ticket.set_dossiers)
        main.dossier_requested.connect(s.attach_dossier)
        s.online_changed.connect(self.banner.set_online)
        s.keypad_state_changed.connect(main.keypad.set_state)
        s.rating_received.connect(main.keypad.set_rating)
        main.action_triggered.connect(self._action)
        main.call_requested.connect(s.call_ticket)
        main.lock_requested.connect(s.lock)
        main.logout_requested.connect(s.logout)
        self.lock_page.unlock_requested.connect(s.unlock)
        self.lock_page.logout_requested.connect(s.logout)
        if self.idle is not None:
            self.idle.idle.connect(s.lock)

    # ---------------------------------------------------------------- session -> screens
    @Slot(object)
    def _signed_in(self, result: SignIn) -> None:
        counter = next((c for c in result.counters if c.number == result.counter), None)
        name = counter.name if counter else _("Quầy {n}", n=result.counter)
        self.main.top.set_identity(name, result.officer.full_name, result.officer.username, result.site.timezone)
        self.main.day.set_levels(result.site.rating_levels)
        self.main.keypad.set_levels(result.site.rating_levels)
        self.main.keypad.set_state(self.session.keypad_state)
        full_name = result.officer.full_name
        self.session.say(lambda: _("Xin chào {name}", name=full_name))
        self.main.set_paused(False)
        self.stack.setCurrentWidget(self.main)
        self.main.focus_call_box()
        if self.idle is not None:
            self.idle.arm()

    @Slot()
    def _signed_out(self) -> None:
        self._close_dialog()
        if self.idle is not None:
            self.idle.disarm()
        self.main.ticket.set_ticket(None)
        self.session.say(lambda: "")
        self.stack.setCurrentWidget(self.login)
        self.login.reset()
        self.session.load_counters()

    @Slot(bool)
    def _locked(self, locked: bool) -> None:
        if locked:
            self._close_dialog()
            if self.idle is not None:
                self.idle.disarm()
            officer = self.session.officer
            self.lock_page.prepare(officer.full_name if officer else "", officer.username if officer else "",
                                   self.main.top.counter.text())
            self.stack.setCurrentWidget(self.lock_page)
        else:
            self.stack.setCurrentWidget(self.main)
            self.main.focus_call_box()
            if self.idle is not None:
                self.idle.arm()

    # ---------------------------------------------------------------- screens -> session
    @Slot(object)
    def _action(self, action: Action) -> None:
        s = self.session
        if action is Action.TRANSFER:
            self.open_transfer()
            return
        handler = {
            Action.CALL_NEXT: s.call_next, Action.RECALL: s.recall, Action.START: s.start, Action.DONE: s.done,
            Action.NO_SHOW: s.no_show, Action.PAUSE: s.toggle_pause,
        }[action]
        handler()

    def open_transfer(self) -> None:
        s = self.session
        if s.ticket is None or Action.TRANSFER not in s.enabled() or s.counter is None:
            return
        self._close_dialog()
        dialog = TransferDialog(s.ticket, s.services, s.counters, s.counter, self)
        dialog.chosen.connect(s.transfer)
        dialog.finished.connect(lambda _result: self.main.focus_call_box())
        self.transfer_dialog = dialog
        dialog.open()

    def _close_dialog(self) -> None:
        if self.transfer_dialog is not None:
            self.transfer_dialog.reject()
            self.transfer_dialog.deleteLater()
            self.transfer_dialog = None

    def closeEvent(self, event: QCloseEvent) -> None:
        self.session.shutdown()
        super().closeEvent(event)
