"""The counter program's verbs on the benchmark command channel (``ui_common.automation``, off by default).

An officer's day through the real widgets: ``login`` types the username and PIN into the login page
and clicks "Đăng nhập"; ``act`` clicks one action button (``call_next``, ``recall``, ``start``,
``done``, ``no_show``) and answers when the session is no longer busy with it; ``transfer`` clicks
"Chuyển", picks the service in the dialog and clicks its OK.  A button that is disabled is not
clicked (the answer says so), exactly as an officer could not click it.  ``state`` answers what the
window shows: the page, the ticket held, the enabled buttons, the last message.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject

from counter_app.rules import Action
from ui_common.automation import AutomationChannel, Reply, from_env, wait_until

#: an action's answer takes at most the database's retries (a PostgreSQL restart)
ACTION_S = 60.0


class CounterAutomation(QObject):
    """Serves ``state``, ``login``, ``act`` and ``transfer`` for one counter window."""

    def __init__(self, window, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.window = window
        self.session = window.session
        self.last_message: tuple[str, str] = ("", "")
        self.session.message.connect(lambda text, kind: setattr(self, "last_message", (text, kind)))
        self.channel: AutomationChannel | None = None

    def start(self) -> AutomationChannel | None:
        self.channel = from_env({"state": self.state, "login": self.login, "act": self.act,
                                 "transfer": self.transfer}, parent=self)
        return self.channel

    def describe(self) -> dict[str, Any]:
        s, w = self.session, self.window
        page = {w.login: "login", w.main: "main", w.lock_page: "lock"}.get(w.stack.currentWidget(), "?")
        ticket = s.ticket
        return {
            "page": page, "counter": s.counter, "online": s.online, "busy": s.busy is not None,
            "ticket": None if ticket is None else {"id": ticket.id, "code": ticket.code, "status": ticket.status,
                                                   "service": ticket.service},
            "enabled": sorted(a.value for a, b in w.main.actions.buttons.items() if b.isEnabled()),
            "message": self.last_message[0], "message_kind": self.last_message[1],
            "keypad": s.keypad_state,
        }

    def state(self, _request: dict, reply: Reply) -> None:
        reply(self.describe())

    def login(self, request: dict, reply: Reply) -> None:
        page = self.window.login
        if self.session.officer is not None:
            reply(self.describe())
            return
        page.username.setText(str(request["username"]))
        page.pin.setText(str(request["pin"]))
        self.last_message = ("", "")
        page.button.click()
        wait_until(lambda: self.session.officer is not None or page.message.text(),
                   lambda _: reply({"login_error": page.message.text(), **self.describe()}), timeout_s=ACTION_S,
                   on_timeout=lambda: reply({"ok": False, "error": "no login answer", **self.describe()}), parent=self)

    def act(self, request: dict, reply: Reply) -> None:
        action = Action(str(request["action"]))
        button = self.window.main.actions.buttons[action]
        if self.window.stack.currentWidget() is not self.window.main or not button.isEnabled():
            reply({"ok": False, "error": f"{action.value} not enabled", **self.describe()})
            return
        self.last_message = ("", "")
        button.click()
        self._answer_when_done(reply)

    def transfer(self, request: dict, reply: Reply) -> None:
        button = self.window.main.actions.buttons[Action.TRANSFER]
        if not button.isEnabled():
            reply({"ok": False, "error": "transfer not enabled", **self.describe()})
            return
        button.click()
        dialog = self.window.transfer_dialog
        index = dialog.service_box.findData(str(request["to_service"])) if dialog is not None else -1
        if index < 0:
            if dialog is not None:
                dialog.reject()
            reply({"ok": False, "error": f"no service {request['to_service']} in the dialog", **self.describe()})
            return
        dialog.to_service.setChecked(True)
        dialog.service_box.setCurrentIndex(index)
        self.last_message = ("", "")
        dialog.ok_button.click()
        self._answer_when_done(reply)

    def _answer_when_done(self, reply: Reply) -> None:
        wait_until(lambda: self.session.busy is None and not self.session._refreshing,
                   lambda _: reply(self.describe()), timeout_s=ACTION_S,
                   on_timeout=lambda: reply({"ok": False, "error": "action still busy", **self.describe()}),
                   parent=self)
