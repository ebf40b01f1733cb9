"""Live updates: one follower thread per process, many asyncio subscribers.

The thread follows the event log (:func:`open_follower`), and after each
batch of events reads, once for everybody, the fresh views of the tickets
that open tracking pages follow and, when a board is open, the hall board.
It hands them to the event loop with ``loop.call_soon_threadsafe``; each
subscriber (one per open Server-Sent Events stream) keeps only the latest
value it has not sent yet, so a slow phone never makes a queue grow and an
unchanged view is never sent twice.

Ordering: a stream first sends a view it read itself, tagged with the last
event id read before it.  An update from the thread is tagged with the last
event id of its batch, read before its views; one whose tag is not newer
than the stream's first view may be older than it and is dropped: any later
change comes with a newer tag.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from db.feed import EventFollower
from db.values import EventInfo

log = logging.getLogger(__name__)

def open_follower(after: int | None = None) -> EventFollower:
    """The one place the web service follows the event log (the same follower as the screens)."""
    return EventFollower(after)


@dataclass(eq=False)
class Subscriber:
    """One open stream: the newest value not sent yet, and a wake-up."""

    key: Any                          # ticket id, or "board"
    since: int = 0                    # tag of the first value sent (see the module docstring)
    last_sent: Any = None
    pending: Any = None
    pending_tag: int = 0
    has_pending: bool = False
    wake: asyncio.Event = field(default_factory=asyncio.Event)

    def offer(self, value: Any, tag: int) -> None:
        if tag <= self.since or value == self.last_sent:
            return
        self.pending, self.pending_tag, self.has_pending = value, tag, True
        self.wake.set()

    def first(self, value: Any, tag: int) -> Any:
        """Record the view the stream starts with (read after subscribing, so nothing is missed)."""
        self.since, self.last_sent = tag, value
        if self.has_pending and (self.pending_tag <= tag or self.pending == value):
            self.pending, self.has_pending = None, False
        return value

    async def next(self) -> Any:
        while not self.has_pending:
            self.wake.clear()
            await self.wake.wait()
        value, self.pending, self.has_pending = self.pending, None, False
        self.last_sent = value
        return value


class LiveHub:
    """Fans the event log out to the open pages of this process."""

    def __init__(self, *, read_tracks: Callable[[list[int]], dict],
                 read_board: Callable[[list[EventInfo]], Any]) -> None:
        self._read_tracks = read_tracks
        self._read_board = read_board
        self._loop: asyncio.AbstractEventLoop | None = None
        self._tracks: dict[int, set[Subscriber]] = {}
        self._boards: set[Subscriber] = set()
        self._lock = threading.Lock()          # the maps are read by the thread, changed by the loop
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._follower = None
        self.delivered = 0                     # batches handed to the loop (tests and the bench read it)
        self.position = 0                      # newest event id seen by the follower

    # -- lifecycle (on the event loop)
    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._thread = threading.Thread(target=self._run, name="onestop-web-feed", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._follower is not None:
            self._follower.interrupt()
        if self._thread is not None:
            self._thread.join(timeout=5)

    # -- subscriptions (on the event loop)
    def subscribe_ticket(self, ticket_id: int) -> Subscriber:
        sub = Subscriber(ticket_id)
        with self._lock:
            self._tracks.setdefault(ticket_id, set()).add(sub)
        return sub

    def subscribe_board(self) -> Subscriber:
        sub = Subscriber("board")
        with self._lock:
            self._boards.add(sub)
        return sub

    def unsubscribe(self, sub: Subscriber) -> None:
        with self._lock:
            if sub.key == "board":
                self._boards.discard(sub)
            else:
                subs = self._tracks.get(sub.key)
                if subs is not None:
                    subs.discard(sub)
                    if not subs:
                        del self._tracks[sub.key]

    @property
    def connections(self) -> int:
        with self._lock:
            return len(self._boards) + sum(len(s) for s in self._tracks.values())

    # -- the follower thread
    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                if self._follower is None:
                    self._follower = open_follower()
                batch = self._follower.wait(1.0)
                self.position = self._follower.position
                if batch:
                    self._publish(batch)
            except Exception as exc:  # database away: keep the pages' last state, try again
                log.warning("web feed: %s", str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
                self._stop.wait(1.0)
        if self._follower is not None:
            self._follower.close()     # in the thread that used it (its connection is this thread's)

    def _publish(self, batch: list[EventInfo]) -> None:
        with self._lock:
            ticket_ids = list(self._tracks)
            board = bool(self._boards)
        tag = batch[-1].id
        tracks = self._read_tracks(ticket_ids) if ticket_ids else {}
        board_value = self._read_board(batch) if board else None
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._deliver, tracks, board_value, board, tag)

    def _deliver(self, tracks: dict, board_value: Any, board: bool, tag: int) -> None:
        with self._lock:
            track_subs = [(key, list(subs)) for key, subs in self._tracks.items()]
            board_subs = list(self._boards)
        for key, subs in track_subs:
            value = tracks.get(key)
            if value is not None:
                for sub in subs:
                    sub.offer(value, tag)
        if board:
            for sub in board_subs:
                sub.offer(board_value, tag)
        self.delivered += 1
