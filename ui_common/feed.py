"""``FeedWatcher``: the Qt face of :class:`db.feed.EventFollower`.

Every screen (display, counter, kiosk, admin) follows the event log through
this one object: it runs an ``EventFollower`` in a background thread, so a
locked or vanished database can never freeze a screen, and turns what it
delivers into Qt signals.  The follower wakes at once on a commit
(PostgreSQL LISTEN/NOTIFY; SQLite ``PRAGMA data_version`` every few ms) and
never skips or repeats an event (docs/events.md); ``poll_s`` is only the
longest sleep between two reads when no wake-up comes.

When the database goes away the watcher emits ``online_changed(False)``, keeps
retrying, and on return emits ``online_changed(True)`` followed by every event
it missed: the event log is complete, so nothing is lost.  A SQLite file that
was replaced (restored from a backup) is reopened; a missing one is an outage.
"""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QObject, Signal

from db.errors import DatabaseUnavailable
from db.events import last_event_id
from db.feed import EventFollower

log = logging.getLogger(__name__)

#: pause between two reconnection attempts while the database is away
RETRY_S = 1.0


class FeedWatcher(QObject):
    """Emits ``events(list[EventInfo])`` in order, and ``online_changed(bool)``."""

    events = Signal(list)
    online_changed = Signal(bool)

    def __init__(self, *, poll_s: float = 0.2, start_at: int | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.poll_s = poll_s
        self._start_at = start_at
        self.last_id = 0
        self.online = True
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._follower: EventFollower | None = None

    # -- lifecycle
    def start(self) -> None:
        """Begin following; by default from the current end of the log."""
        if self._thread is not None:
            return
        if self._start_at is not None:
            self.last_id = self._start_at
        else:
            try:
                self.last_id = last_event_id()
            except (DatabaseUnavailable, Exception) as exc:  # offline at start: catch up from 0 later
                log.warning("feed: database not reachable at start (%s)", exc)
                self.last_id = 0
                self._set_online(False)
        self._thread = threading.Thread(target=self._run, name="onestop-feed", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        follower = self._follower
        if follower is not None:
            follower.interrupt()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    # -- worker thread
    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                try:
                    if self._follower is None:
                        self._follower = EventFollower(after=self.last_id)
                    batch = self._follower.wait(self.poll_s)
                except Exception as exc:  # any failure means "offline"; keep the last good state
                    if self.online:
                        log.warning("feed: database unreachable (%s)", str(exc).splitlines()[0] if str(exc) else exc)
                    self._set_online(False)
                    self._drop_follower()
                    self._stop.wait(RETRY_S)
                    continue
                self._set_online(True)
                if batch and not self._stop.is_set():
                    self.last_id = self._follower.position
                    self.events.emit(batch)
        finally:
            self._drop_follower()

    def _drop_follower(self) -> None:
        follower, self._follower = self._follower, None
        if follower is not None:
            follower.close()

    def _set_online(self, online: bool) -> None:
        if online != self.online:
            self.online = online
            self.online_changed.emit(online)
