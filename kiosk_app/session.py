"""Wiring: window taps -> controller, controller state -> window, feed -> controller.

The only Qt-aware object with behaviour: it owns the 1 s tick timer and the
``FeedWatcher``, and runs the controller's blocking work with ``run_task``
so results come back on the UI thread.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from kiosk_app.controller import KioskController, KioskState
from kiosk_app.speaker import GuidanceSpeaker
from kiosk_app.spoken import screen_guidance
from kiosk_app.views import KioskWindow
from ui_common.feed import FeedWatcher
from ui_common.tasks import run_task, wait_for_idle

log = logging.getLogger(__name__)

TICK_MS = 1000


class KioskSession(QObject):
    """One running kiosk: a controller, its window and the event feed."""

    #: every new state (after the window drew it); tests and the bench wait on it
    state_changed = Signal(object)
    #: an administrator entered the right PIN
    exit_requested = Signal()

    def __init__(self, backend, window: KioskWindow, *, now: Callable[[], float] = time.time,
                 monotonic: Callable[[], float] = time.monotonic, admin_users: tuple[str, ...] = ("admin",),
                 feed: FeedWatcher | None = None, tick_ms: int = TICK_MS, speaker: GuidanceSpeaker | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.window = window
        self.controller = KioskController(backend, run_task, now=now, monotonic=monotonic, admin_users=admin_users)
        self.feed = feed if feed is not None else FeedWatcher(parent=self)
        self._exited = False
        self.speaker = speaker if speaker is not None else GuidanceSpeaker(parent=self)
        self._spoken_screen: tuple | None = None      # the screen the guidance being read belongs to
        self.timer = QTimer(self)
        self.timer.setInterval(tick_ms)
        self.timer.timeout.connect(self.controller.tick)

        c = self.controller
        window.tile_tapped.connect(c.tap_tile)
        window.service_tapped.connect(c.tap_service)
        window.back_tapped.connect(c.back)
        window.extra_tapped.connect(c.tap_extra)
        window.code_key.connect(c.code_key)
        window.code_submitted.connect(c.code_submit)
        window.code_back.connect(c.back)
        window.scanned.connect(c.scanned)
        window.dossier_done.connect(c.finish_dossier)
        window.language_tapped.connect(c.toggle_language)
        window.priority_tapped.connect(c.toggle_priority)
        window.ticket_touched.connect(c.touch_ticket)
        window.ticket_done.connect(c.finish_ticket)
        window.message_touched.connect(c.touch_message)
        window.message_action.connect(c.message_action)
        window.admin_requested.connect(c.open_admin)
        window.admin_submitted.connect(c.submit_admin)
        window.admin_cancelled.connect(c.cancel_admin)
        window.quick_tapped.connect(c.tap_quick)
        window.listen_tapped.connect(self.listen)
        window.large_text_tapped.connect(c.toggle_large_text)
        window.contrast_tapped.connect(c.toggle_high_contrast)
        self.speaker.speaking_changed.connect(c.set_speaking)
        self.speaker.failed.connect(lambda _why: c.speech_failed())
        self.feed.events.connect(c.feed_events)
        self.feed.online_changed.connect(c.feed_online)
        c.subscribe(self._show)

    @property
    def state(self) -> KioskState:
        return self.controller.state

    def start(self) -> None:
        self.controller.start()
        self.feed.start()
        self.timer.start()

    def stop(self) -> None:
        """Stop following and let background work finish (their results go nowhere)."""
        self.timer.stop()
        self.feed.stop()
        self.speaker.close()
        wait_for_idle(5.0)

    def listen(self) -> None:
        """The Listen button: read this screen's choices aloud in its language (a second tap stops)."""
        state = self.controller.state
        self._spoken_screen = _screen_of(state)
        self.speaker.toggle(screen_guidance(state))

    def _show(self, state: KioskState) -> None:
        if self.speaker.speaking and _screen_of(state) != self._spoken_screen:
            self.speaker.stop()          # the citizen moved on: the old screen's choices are gone
        self.window.render(state)
        self.state_changed.emit(state)
        if state.exit_requested and not self._exited:
            self._exited = True
            self.window.allow_close()
            self.exit_requested.emit()


def _screen_of(state: KioskState) -> tuple:
    """What the guidance read is about: the screen, its field, its language, the ticket shown."""
    return (state.screen, state.field.key if state.field else None, state.lang,
            state.ticket.code if state.ticket else None)
