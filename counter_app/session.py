"""``CounterSession``: one officer at one counter, between the widgets and ``db``.

The widgets send intentions (slots: ``call_next``, ``login``, ...) and show what
this object emits; they never touch the database nor decide what is allowed.
Every database call runs on the shared thread pool (``ui_common.tasks``) so a
busy or vanished database can never freeze the window, and:

* one action at a time: while one is in flight every action is disabled and a
  second press (double click, F1 held down) is ignored, so the officer can
  never call two citizens by accident;
* the engine decides: a refusal (queue empty, ticket taken by another counter,
  counter paused) comes back as a ``QueueError`` and is shown as its plain
  message, never as a traceback;
* the screen follows the event log: every feed event schedules one coalesced
  re-read (``snapshot.load_snapshot``), so the waiting list, the counts and a
  ticket changed from elsewhere (``onestop done --counter N``) appear without
  a refresh button.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from counter_app.rules import Action, enabled_actions
from counter_app.scan import parse_call_input
from counter_app.snapshot import CounterSnapshot, load_snapshot
from db import dossiers, queue, statuses
from db.officers import OfficerInfo, authenticate, sign_in_at_counter, sign_out
from db.site import list_counters, list_services, load_site
from db.values import CounterInfo, RatingInfo, ServiceInfo, SiteInfo, TicketInfo
from ui_common import i18n
from ui_common.errors import error_render, error_text
from ui_common.i18n import _
from ui_common.tasks import run_task

log = logging.getLogger(__name__)

#: a failed re-read (database away) is tried again after this long
REFRESH_RETRY_MS = 1000


@dataclass(frozen=True)
class SignIn:
    """What a successful login brings back from the worker thread."""

    officer: OfficerInfo
    counter: int
    site: SiteInfo
    services: tuple[ServiceInfo, ...]     # transfer targets
    counters: tuple[CounterInfo, ...]


def sign_in(username: str, pin: str, counter: int) -> SignIn:
    """Check the PIN (lockout counted by the engine), then seat the officer."""
    officer = authenticate(username, pin)
    sign_in_at_counter(officer.username, counter)
    return SignIn(officer, counter, load_site(), tuple(list_services()), tuple(list_counters()))


class CounterSession(QObject):
    """State of one counter workstation; all database work off the UI thread."""

    counters_loaded = Signal(list)        # list[CounterInfo] for the login screen
    site_named = Signal(str, str)         # the office's name and English name, shown on the login screen
    counters_failed = Signal(str)
    login_busy = Signal(bool)
    signed_in = Signal(object)            # SignIn
    signed_out = Signal()
    login_failed = Signal(str)
    dossiers_changed = Signal(tuple)      # dossier codes of the ticket held
    locked_changed = Signal(bool)
    unlock_failed = Signal(str)
    ticket_changed = Signal(object)       # TicketInfo | None
    paused_changed = Signal(bool)
    snapshot_changed = Signal(object)     # CounterSnapshot
    actions_changed = Signal(object)      # frozenset[Action]
    message = Signal(str, str)            # text, kind: "info" | "error"
    online_changed = Signal(bool)
    keypad_state_changed = Signal(str)    # connected | waiting | error | off
    rating_received = Signal(object)      # RatingInfo of this counter

    def __init__(self, *, fixed_counter: int | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.fixed_counter = fixed_counter
        # what is on screen now, kept unrendered so a language switch shows it again in the new language
        self._shown: dict[str, tuple[Callable[[], str], str]] = {}
        self.counter: int | None = None
        self.officer: OfficerInfo | None = None
        self.site: SiteInfo | None = None
        self.services: tuple[ServiceInfo, ...] = ()
        self.counters: tuple[CounterInfo, ...] = ()
        self.ticket: TicketInfo | None = None
        self.paused = False
        self.locked = False
        self.online = True
        self.busy: Action | None = None
        self.snapshot: CounterSnapshot | None = None
        self.keypad_state = "off"
        self.last_rating: RatingInfo | None = None
        self._login_pending = False
        self._generation = 0        # bumped at sign-in/out: late results of a past session are dropped
        self._action_seq = 0        # bumped by each finished action: older snapshots must not undo it
        self._refreshing = False
        self._dirty = False

    @property
    def lang(self) -> str:
        """The language the workstation shows (``ui_common.i18n``); refusals are worded in it."""
        return i18n.language()

    # ------------------------------------------------------------ texts that follow the language
    def say(self, render: Callable[[], str], kind: str = "info") -> None:
        """Show a message on the working screen; ``render`` words it in the current language."""
        self._shown["message"] = (render, kind)
        self.message.emit(render(), kind)

    def _refuse_login(self, render: Callable[[], str]) -> None:
        self._shown["login"] = (render, "")
        self.login_failed.emit(render())

    def retranslate(self) -> None:
        """The language changed: word again the message and the login refusal on screen."""
        if "message" in self._shown:
            render, kind = self._shown["message"]
            self.message.emit(render(), kind)
        if "login" in self._shown and self.officer is None:
            self.login_failed.emit(self._shown["login"][0]())

    # ------------------------------------------------------------ derived state
    def enabled(self) -> frozenset[Action]:
        if self.officer is None or self.locked:
            return frozenset()
        status = self.ticket.status if self.ticket is not None else None
        return enabled_actions(status, self.paused, busy=self.busy is not None, online=self.online)

    def _emit_actions(self) -> None:
        self.actions_changed.emit(self.enabled())

    # ------------------------------------------------------------ login / logout / lock
    @Slot()
    def load_counters(self) -> None:
        def loaded(result: tuple[SiteInfo, list[CounterInfo]]) -> None:
            self.site_named.emit(result[0].name, result[0].name_en)
            self.counters_loaded.emit(result[1])

        run_task(lambda: (load_site(), list_counters()), loaded,
                 lambda exc: self.counters_failed.emit(error_text(exc, self.lang)))

    @Slot(str, str, int)
    def login(self, username: str, pin: str, counter: int) -> None:
        if self._login_pending:
            return
        counter = self.fixed_counter or counter
        if not username.strip() or not pin:
            self._refuse_login(lambda: _("Hãy nhập tên đăng nhập và mã PIN"))
            return
        if not counter:
            self._refuse_login(lambda: _("Hãy chọn quầy"))
            return
        self._login_pending = True
        self.login_busy.emit(True)
        run_task(lambda: sign_in(username.strip(), pin, counter), self._signed_in, self._login_refused)

    def _login_refused(self, exc: Exception) -> None:
        self._login_pending = False
        self.login_busy.emit(False)
        self._refuse_login(error_render(exc, i18n.language))

    def _signed_in(self, result: SignIn) -> None:
        self._login_pending = False
        self.login_busy.emit(False)
        self._generation += 1
        self.officer, self.counter, self.site = result.officer, result.counter, result.site
        self._shown.pop("login", None)
        self.services, self.counters = result.services, result.counters
        self.ticket, self.paused, self.busy, self.locked = None, False, None, False
        self.snapshot = None
        self.signed_in.emit(result)
        self.ticket_changed.emit(None)
        self._emit_actions()
        self.refresh()

    @Slot()
    def logout(self) -> None:
        """Leave the counter (the engine un-seats the officer); back to the login screen."""
        if self.officer is None or self.counter is None:
            return
        counter = self.counter
        self._generation += 1
        self.officer = None
        self.counter = None
        self.ticket, self.snapshot, self.busy, self.locked = None, None, None, False
        self._emit_actions()
        self.signed_out.emit()
        run_task(lambda: sign_out(counter), None, lambda exc: log.warning("sign-out failed: %s", exc))

    def _displaced(self, snapshot: CounterSnapshot) -> None:
        """Someone else sat down at this counter, or this officer did at another one."""
        who = snapshot.counter.officer_name
        self._generation += 1
        self.officer = None
        self.counter = None
        self.ticket, self.snapshot, self.busy, self.locked = None, None, None, False
        self._emit_actions()
        self.signed_out.emit()
        self._refuse_login(lambda: _("Bạn đã được đăng xuất: {who} vừa đăng nhập tại quầy này", who=who) if who
                           else _("Bạn đã được đăng xuất khỏi quầy này (đăng nhập ở nơi khác)"))

    @Slot()
    def lock(self) -> None:
        """Inactivity lock: the officer stays seated, the screen asks for the PIN again."""
        if self.officer is None or self.locked:
            return
        self.locked = True
        self.locked_changed.emit(True)
        self._emit_actions()

    @Slot(str)
    def unlock(self, pin: str) -> None:
        if self.officer is None or not self.locked or self._login_pending:
            return
        username = self.officer.username
        generation = self._generation
        self._login_pending = True
        self.login_busy.emit(True)

        def done(_officer: object) -> None:
            self._login_pending = False
            self.login_busy.emit(False)
            if generation != self._generation:
                return
            self.locked = False
            self.locked_changed.emit(False)
            self._emit_actions()
            self.refresh()

        def failed(exc: Exception) -> None:
            self._login_pending = False
            self.login_busy.emit(False)
            self.unlock_failed.emit(error_text(exc, self.lang))

        run_task(lambda: authenticate(username, pin), done, failed)

    def shutdown(self) -> None:
        """Window closing: un-seat the officer now (blocking, it is the last thing we do)."""
        if self.counter is not None and self.officer is not None:
            try:
                sign_out(self.counter)
            except Exception as exc:  # closing must never fail on a dead database
                log.warning("sign-out at exit failed: %s", exc)
        self.officer = None

    # ------------------------------------------------------------ queue actions
    def _act(self, action: Action, operation: Callable[[], Any], on_result: Callable[[Any], None]) -> None:
        """Run one engine operation; ignore it unless valid now and nothing else is in flight."""
        if self.busy is not None or action not in self.enabled():
            return
        self.busy = action
        self._emit_actions()
        generation = self._generation

        def done(result: Any) -> None:
            if generation != self._generation:
                return
            self.busy = None
            self._action_seq += 1
            on_result(result)
            self._emit_actions()
            self.refresh()

        def failed(exc: Exception) -> None:
            if generation != self._generation:
                return
            self.busy = None
            self._action_seq += 1
            self.say(error_render(exc, i18n.language), "error")
            self._emit_actions()
            self.refresh()  # the refusal may mean our picture is stale (another PC acted)

        run_task(operation, done, failed)

    def _set_ticket(self, ticket: TicketInfo | None) -> None:
        self.ticket = ticket if ticket is not None and ticket.status in statuses.AT_COUNTER else None
        self.ticket_changed.emit(self.ticket)

    def _called(self, ticket: TicketInfo | None) -> None:
        if ticket is None:
            self.say(lambda: _("Không có công dân nào đang chờ"))
            return
        self._set_ticket(ticket)
        self.say(lambda: _("Đã gọi số {code}", code=ticket.code))

    @Slot()
    def call_next(self) -> None:
        counter, officer = self.counter, self.officer.username if self.officer else None
        self._act(Action.CALL_NEXT, lambda: queue.call_next(counter, officer=officer), self._called)

    @Slot(str)
    def call_ticket(self, text: str) -> None:
        """A typed code (``A012``) or a scanned QR payload (``OSQ1:...``)."""
        if Action.CALL_TICKET not in self.enabled():
            return
        try:
            reference = parse_call_input(text, self.site)
        except Exception as exc:
            self.say(error_render(exc, i18n.language), "error")
            return
        counter, officer = self.counter, self.officer.username if self.officer else None
        self._act(Action.CALL_TICKET, lambda: queue.call_ticket(counter, reference, officer=officer), self._called)

    @Slot(str)
    def attach_dossier(self, text: str) -> None:
        """A dossier code typed, or the receipt's QR scanned, while a ticket is held."""
        counter, officer = self.counter, self.officer.username if self.officer else None

        def attached(result: dossiers.Attachment) -> None:
            code, ticket = result.code, result.ticket.code
            if result.also_on:
                others = ", ".join(result.also_on)
                self.say(lambda: _("Đã gắn hồ sơ {code} cho số {ticket} - lưu ý: hôm nay hồ sơ này cũng đã gắn "
                                    "với số {others}", code=code, ticket=ticket, others=others), "warning")
            elif result.added:
                self.say(lambda: _("Đã gắn hồ sơ {code} cho số {ticket}", code=code, ticket=ticket))
            else:
                self.say(lambda: _("Số {ticket} đã có hồ sơ {code}", code=code, ticket=ticket))
            self.dossiers_changed.emit(tuple(result.ticket.extra.get("dossiers", ())))

        self._act(Action.DOSSIER, lambda: dossiers.attach(counter, text, officer=officer, scanned=True), attached)

    @Slot()
    def recall(self) -> None:
        counter = self.counter

        def shown(ticket: TicketInfo) -> None:
            self._set_ticket(ticket)
            self.say(lambda: _("Đã gọi lại số {code}", code=ticket.code))

        self._act(Action.RECALL, lambda: queue.recall(counter), shown)

    @Slot()
    def start(self) -> None:
        counter = self.counter
        self._act(Action.START, lambda: queue.start_service(counter), self._set_ticket)

    def _closed(self, outcome: Callable[[], str]) -> Callable[[TicketInfo], None]:
        def closed(ticket: TicketInfo) -> None:
            self._set_ticket(None)
            self.say(lambda: _("Số {code}: {outcome}", code=ticket.code, outcome=outcome()))

        return closed

    @Slot()
    def done(self) -> None:
        counter = self.counter
        self._act(Action.DONE, lambda: queue.finish_service(counter), self._closed(lambda: _("đã hoàn thành")))

    @Slot()
    def no_show(self) -> None:
        counter = self.counter
        self._act(Action.NO_SHOW, lambda: queue.mark_no_show(counter), self._closed(lambda: _("vắng mặt")))

    @Slot(object, object, str)
    def transfer(self, to_service: str | None, to_counter: int | None, note: str = "") -> None:
        counter = self.counter

        def where() -> str:
            return (_("đã chuyển sang dịch vụ {service}", service=to_service) if to_service
                    else _("đã chuyển sang quầy {counter}", counter=to_counter))

        self._act(Action.TRANSFER,
                  lambda: queue.transfer(counter, to_service=to_service, to_counter=to_counter, note=note or None),
                  self._closed(where))

    @Slot()
    def toggle_pause(self) -> None:
        counter, wanted = self.counter, not self.paused

        def applied(paused: bool) -> None:
            self.paused = bool(paused)
            self.paused_changed.emit(self.paused)
            paused_now = self.paused
            self.say(lambda: _("Quầy tạm dừng") if paused_now else _("Quầy hoạt động trở lại"))

        self._act(Action.PAUSE, lambda: queue.set_paused(counter, wanted), applied)

    # ------------------------------------------------------------ following the feed
    @Slot(list)
    def on_feed_events(self, events: list) -> None:
        if events:
            self.refresh()

    @Slot(bool)
    def on_online_changed(self, online: bool) -> None:
        self.online = online
        self.online_changed.emit(online)
        self._emit_actions()
        if online:
            self.refresh()

    @Slot()
    def refresh(self) -> None:
        """Re-read the counter's picture; coalesced so a burst of events costs one read."""
        if self.officer is None or self.counter is None:
            return
        if self._refreshing:
            self._dirty = True
            return
        self._refreshing, self._dirty = True, False
        generation, seq = self._generation, self._action_seq
        counter, username = self.counter, self.officer.username

        def loaded(snapshot: CounterSnapshot) -> None:
            self._refreshing = False
            if generation != self._generation:
                return
            self._apply(snapshot, fresh=seq == self._action_seq and self.busy is None)
            if self._dirty or seq != self._action_seq:
                self.refresh()

        def failed(exc: Exception) -> None:
            self._refreshing = False
            if generation != self._generation:
                return
            log.info("counter refresh failed: %s", exc)
            QTimer.singleShot(REFRESH_RETRY_MS, self.refresh)

        run_task(lambda: load_snapshot(counter, username), loaded, failed)

    def _apply(self, snapshot: CounterSnapshot, *, fresh: bool) -> None:
        if fresh and self.officer is not None and snapshot.counter.officer != self.officer.username:
            self._displaced(snapshot)
            return
        self.snapshot = snapshot
        if fresh:  # an action finished meanwhile knows better than this older read
            current = snapshot.current
            if (current is None) != (self.ticket is None) or current != self.ticket:
                self._set_ticket(current)
            if snapshot.counter.paused != self.paused:
                self.paused = snapshot.counter.paused
                self.paused_changed.emit(self.paused)
        if snapshot.last_rating is not None and snapshot.last_rating != self.last_rating:
            self.last_rating = snapshot.last_rating
            self.rating_received.emit(snapshot.last_rating)
        self.snapshot_changed.emit(snapshot)
        self.dossiers_changed.emit(snapshot.dossiers)
        self._emit_actions()

    # ------------------------------------------------------------ keypad
    @Slot(object)
    def on_keypad_press(self, rating: RatingInfo) -> None:
        if rating.counter != self.counter:
            return
        self.last_rating = rating
        self.rating_received.emit(rating)

    @Slot(str)
    def on_keypad_state(self, state: str) -> None:
        self.keypad_state = state
        self.keypad_state_changed.emit(state)
