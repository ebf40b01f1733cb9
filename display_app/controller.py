"""The board's controller: follows the event log, fetches snapshots, feeds the announcer.

It owns no widget.  It listens to ``ui_common.feed.FeedWatcher`` (slots in),
applies what arrives to :class:`display_app.model.BoardState`, and tells the
views what to show (signals out):

* a ``called``/``recalled`` event is applied from the event itself, so the
  number is painted as soon as the feed delivers it, and the call is handed
  to the announcer (``enqueue(code, counter)``);
* events that change counts ask for a snapshot (``hall_status()`` in a worker
  thread via ``run_task``), debounced so a burst of events costs one read,
  and never more than one read in flight;
* after a reconnect one snapshot is fetched; nothing is ever re-read on a timer.

Before the first snapshot has been read (database unreachable at start) the
controller retries it every ``retry_ms`` and shows the board as offline.
The feed is started at the first snapshot's last event id, so no event is
missed between the two and no old history is replayed.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from display_app.data import load_snapshot
from display_app.model import BoardSnapshot, BoardState, BoardView, CallEntry
from ui_common.tasks import run_task

log = logging.getLogger(__name__)


class Announcer(Protocol):
    """What the board needs from the voice: ``hardware.speech.qt_player.AnnouncementQueue`` fits."""

    def enqueue(self, code: str, counter: int) -> Any: ...


class BoardController(QObject):
    """Keeps a :class:`BoardState` current and reports changes as signals."""

    view_changed = Signal(object)      # BoardView
    call_shown = Signal(object)        # CallEntry: a (re)call just reached the board: flash it
    online_changed = Signal(bool)
    snapshot_applied = Signal(int)     # as_of_event_id; for tests and the benchmark
    #: the board shows everything up to this event id: after a snapshot, and after feed events that need none
    #: (a rating changes nothing on the board); the benchmark's status file follows it
    up_to_date = Signal(int)
    site_changed = Signal(object)      # db.values.SiteInfo, when first read and whenever it changes

    def __init__(self, *, announcer: Announcer | None = None, poll_s: float = 0.2, debounce_ms: int = 150,
                 retry_ms: int = 2000, feed_factory: Callable[..., QObject] | None = None,
                 snapshot_loader: Callable[..., BoardSnapshot] = load_snapshot,
                 state: BoardState | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.state = state or BoardState()
        self.announcer = announcer
        self.poll_s = poll_s
        self.online = True             # not known to be offline; the first failure says so
        self.feed: QObject | None = None
        self._feed_factory = feed_factory
        self._load = snapshot_loader
        self._in_flight = False
        self._dirty = False
        self._stopped = False
        self._site = None
        self._failing = False
        self._up_to = 0
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(debounce_ms)
        self._debounce.timeout.connect(self._fetch)
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.setInterval(retry_ms)
        self._retry.timeout.connect(self._fetch)

    # -- lifecycle
    def start(self) -> None:
        """Read the first snapshot; the feed starts once it is in."""
        self._stopped = False
        self._fetch()

    def stop(self) -> None:
        self._stopped = True
        self._debounce.stop()
        self._retry.stop()
        if self.feed is not None:
            self.feed.stop()
            self.feed = None

    @property
    def view(self) -> BoardView:
        return self.state.view

    # -- snapshots
    def request_snapshot(self) -> None:
        """Ask for a fresh snapshot soon; bursts of requests coalesce into one read."""
        if self._stopped:
            return
        if self._in_flight:
            self._dirty = True          # read again once the current one is in
        elif not self._debounce.isActive():
            self._debounce.start()      # not restarted by later events: bounded delay

    @Slot()
    def _fetch(self) -> None:
        if self._stopped or self._in_flight:
            return
        self._in_flight = True
        self._dirty = False
        with_recent = not self.state.loaded
        run_task(lambda: self._load(with_recent=with_recent), self._on_snapshot, self._on_snapshot_failed)

    @Slot(object)
    def _on_snapshot(self, snap: BoardSnapshot) -> None:
        self._in_flight = False
        if self._failing:
            log.info("display: snapshot read again")
            self._failing = False
        if self._stopped:
            return
        first = not self.state.loaded
        if snap.site is not None and snap.site != self._site:
            self._site = snap.site
            self.site_changed.emit(snap.site)   # before the feed starts: the announcer is configured first
        if self.state.apply_snapshot(snap) or first:
            self.view_changed.emit(self.state.view)
        self.snapshot_applied.emit(snap.as_of_event_id)
        self._reached(snap.as_of_event_id)
        if first:
            self._start_feed(snap.as_of_event_id)
            self._set_online(True)
        if self._dirty:
            self.request_snapshot()

    @Slot(object)
    def _on_snapshot_failed(self, exc: Exception) -> None:
        self._in_flight = False
        if self._stopped:
            return
        if not self._failing:           # once per outage, not every retry
            log.warning("display: snapshot failed (%s)", str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
        self._failing = True
        if not self.state.loaded:
            self._set_online(False)
            self._retry.start()
        elif self.feed is None or getattr(self.feed, "online", True):
            self._retry.start()         # the feed is fine: a transient failure, try again later
        # else: the feed is offline and asks for a snapshot when it is back

    # -- the feed
    def _start_feed(self, start_at: int) -> None:
        if self._feed_factory is None:
            from ui_common.feed import FeedWatcher

            self._feed_factory = FeedWatcher
        self.feed = self._feed_factory(poll_s=self.poll_s, start_at=start_at, parent=self)
        self.feed.events.connect(self.on_events)
        self.feed.online_changed.connect(self.on_feed_online)
        self.feed.start()

    @Slot(list)
    def on_events(self, events: list) -> None:
        """Apply a batch from the feed: paint the calls now, speak them, refresh counts later."""
        if self._stopped:
            return
        outcome = self.state.apply_events(events, now=time.time())
        if outcome.changed:
            self.view_changed.emit(self.state.view)
        if outcome.flash is not None:
            self.call_shown.emit(outcome.flash)
        for entry in outcome.announce:
            self._announce(entry)
        if outcome.refresh:
            self.request_snapshot()
        elif events and self.state.loaded and not self._in_flight and not self._debounce.isActive():
            self._reached(max(event.id for event in events))

    def _reached(self, event_id: int) -> None:
        if event_id > self._up_to:
            self._up_to = event_id
            self.up_to_date.emit(event_id)

    @Slot(bool)
    def on_feed_online(self, online: bool) -> None:
        self._set_online(online)
        if online:
            self.request_snapshot()     # catch up on counts once; the feed replays the events itself

    def _announce(self, entry: CallEntry) -> None:
        if self.announcer is None:
            return
        try:
            self.announcer.enqueue(entry.code, entry.counter)
        except Exception:               # the voice must never take the board down
            log.exception("display: announcing %s failed", entry.code)

    def _set_online(self, online: bool) -> None:
        if online != self.online:
            self.online = online
            self.online_changed.emit(online)
