"""``/api/v1/status`` answered from one read per change of the queue instead of one per request.

The hall's status changes only when an event is committed, except the
"longest wait" figures, which grow with the clock.  So the JSON document is
kept with the key (newest event this process's follower has seen, current
second): any request after the follower saw a change, or in a later second,
reads again.  A request can thus be at most one follower poll (a few ms)
behind a commit.  One thread reads at a time; requests arriving meanwhile
wait for that read instead of starting their own (at 200 requests/s that is
the difference between one read and dozens of concurrent ones).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable

from db.status import hall_status


class StatusCache:
    def __init__(self, position: Callable[[], int]) -> None:
        self._position = position
        self._lock = threading.Lock()
        self._key: tuple[int, int] | None = None
        self._body = b""

    def body(self) -> bytes:
        key = (self._position(), int(time.time()))
        if self._key == key:
            return self._body
        with self._lock:
            if self._key != key:
                self._body = json.dumps(hall_status().to_json(), ensure_ascii=False).encode("utf-8")
                self._key = key
            return self._body
