"""The kiosk's verbs on the benchmark command channel (``ui_common.automation``, off by default).

``tap`` does what a citizen does: back to the home screen if a ticket or a message is still shown
(a touch on it), a tap on the field tile, then on the service button, and answers when the screen
shows the outcome (the ticket, or the message saying why not).  Every step is a click on the real
widget, so the controller's guards, the worker thread and the printer are all on the path.
``state`` answers what the screen shows now (a restarted kiosk is checked with it).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QPoint, Qt, QTimer
from PySide6.QtTest import QTest

from kiosk_app.controller import NAV_GUARD_S, TAP_GUARD_S, KioskState, Screen
from ui_common.automation import AutomationChannel, Reply, from_env, wait_until

#: a tap's outcome takes at most the printer's job timeout plus the database's retries
OUTCOME_S = 40.0


def describe(state: KioskState) -> dict[str, Any]:
    """What the kiosk shows, as plain JSON."""
    ticket = state.ticket
    message = state.message
    return {
        "screen": state.screen.value, "busy": state.busy, "issuing_disabled": state.issuing_disabled,
        "printer_problem": state.printer_problem,
        "tiles": [{"key": t.key, "service": t.service, "enabled": t.enabled and not state.busy, "waiting": t.waiting}
                  for t in state.tiles],
        "ticket": None if ticket is None or state.screen is not Screen.TICKET else
        {"code": ticket.code, "printed": ticket.printed},
        "message": None if message is None or state.screen is not Screen.MESSAGE else message.title.en,
    }


class KioskAutomation(QObject):
    """Serves ``state`` and ``tap`` for one running kiosk (``session``, ``window``)."""

    def __init__(self, session, window, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session, self.window = session, window
        self.channel: AutomationChannel | None = None

    def start(self) -> AutomationChannel | None:
        self.channel = from_env({"state": self.state, "tap": self.tap}, parent=self)
        return self.channel

    def state(self, _request: dict, reply: Reply) -> None:
        reply(describe(self.session.state))

    # ------------------------------------------------------------ tap
    def tap(self, request: dict, reply: Reply) -> None:
        code = str(request["service"])
        # a tap on a screen younger than NAV_GUARD_S is ignored (the tail of a double tap): wait like a person
        settle_ms = int(NAV_GUARD_S * 1000) + 100
        wait_until(self._at_home, lambda _: QTimer.singleShot(settle_ms, lambda: self._tap_field(code, reply)),
                   timeout_s=TAP_GUARD_S + 15,
                   on_timeout=lambda: reply({"ok": False, "error": "not back home", **describe(self.session.state)}),
                   interval_ms=200, parent=self)

    def _at_home(self) -> bool:
        """True on the home screen; otherwise touch what is shown (a citizen ending the last screen)."""
        state = self.session.state
        if state.screen is Screen.HOME and not state.busy:
            return True
        page = {Screen.TICKET: self.window.ticket, Screen.MESSAGE: self.window.message}.get(state.screen)
        if state.screen is Screen.TICKET and state.ticket is not None and not state.ticket.printed:
            self.window.ticket.done_button.click()    # a ticket shown on screen only ends with "Xong / Done"
        elif page is not None and page.isVisible():
            QTest.mouseClick(page, Qt.LeftButton, Qt.NoModifier, QPoint(5, 5))
        elif state.screen is Screen.SERVICES and self.window.services.back.isEnabled():
            self.window.services.back.click()
        return False

    def _tap_field(self, code: str, reply: Reply) -> None:
        state = self.session.state
        tile = next((t for t in state.tiles if t.service == code), None)
        if tile is not None:                       # a service alone in its field: one tap issues
            self._click(self.window.tile_button(tile.key), reply)
            return
        site = self.session.controller._site
        group = next((s.group for s in (site.services if site else ()) if s.code == code), None)
        key = f"field:{group}"
        button = self.window.home.buttons.get(key)
        if button is None or not button.isEnabled():
            reply({"ok": False, "error": f"no enabled tile for {code}", **describe(state)})
            return
        button.click()
        QTimer.singleShot(int(NAV_GUARD_S * 1000) + 100, lambda: self._tap_service(code, reply))

    def _tap_service(self, code: str, reply: Reply) -> None:
        button = self.window.services.buttons.get(f"service:{code}")
        if self.session.state.screen is not Screen.SERVICES or button is None or not button.isEnabled():
            reply({"ok": False, "error": f"service {code} not tappable", **describe(self.session.state)})
            return
        self._click(button, reply)

    def _click(self, button, reply: Reply) -> None:
        if not button.isEnabled():
            reply({"ok": False, "error": "button disabled", **describe(self.session.state)})
            return
        button.click()
        if not self.session.state.busy:            # the controller refused the tap (a guard, a reason)
            reply({"ok": False, "error": "tap not taken", **describe(self.session.state)})
            return
        wait_until(self._outcome, lambda state: reply(describe(state)), timeout_s=OUTCOME_S,
                   on_timeout=lambda: reply({"ok": False, "error": "no outcome", **describe(self.session.state)}),
                   parent=self)

    def _outcome(self) -> KioskState | None:
        state = self.session.state
        if state.busy:
            return None
        return state if state.screen is not Screen.SERVICES else None
