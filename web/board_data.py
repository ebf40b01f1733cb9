"""The hall board's content as JSON, from the same reads the display program uses.

Counters, their current tickets and the waiting counts come from
``db.status.hall_status`` and the site's names and notice from
``db.site.load_site``; the only thing kept here is the newest call this
process has seen in the event log, so a recall brings its ticket back to the
top of "now calling" (a ticket's ``called_at`` is its first call).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from db.site import load_site
from db.status import hall_status
from db.values import EventInfo

CALL_KINDS = ("called", "recalled")


class BoardFeed:
    """Builds the board JSON; ``read`` may run in the follower thread and in request threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last_call: dict | None = None
        self._call_at: dict[tuple[str, int], float] = {}

    def note(self, events: Iterable[EventInfo]) -> None:
        """Remember the newest call (and each call's latest time) from a batch of events."""
        with self._lock:
            for event in events:
                if event.kind in CALL_KINDS and event.code and event.counter is not None:
                    at = event.at.timestamp()
                    self._call_at[(event.code, int(event.counter))] = at
                    self._last_call = {"code": event.code, "counter": int(event.counter),
                                       "recall": event.kind == "recalled", "event_id": event.id}
            if len(self._call_at) > 500:
                newest = sorted(self._call_at.items(), key=lambda kv: kv[1])[-200:]
                self._call_at = dict(newest)

    def read(self, events: Iterable[EventInfo] = ()) -> dict:
        self.note(events)
        site = load_site()
        status = hall_status(next_count=0)
        with self._lock:
            last_call = dict(self._last_call) if self._last_call else None
            call_at = dict(self._call_at)
        counters, calls = [], []
        for c in status.counters:
            ticket = c.current
            state = "paused" if c.paused and ticket is None else (ticket.status if ticket else "free")
            counters.append({"number": c.number, "name": c.name, "code": ticket.code if ticket else None,
                             "state": state})
            if ticket is not None and ticket.status == "called":
                first = ticket.called_at.timestamp() if ticket.called_at else 0.0
                calls.append((max(first, call_at.get((ticket.code, c.number), 0.0)), ticket.code, c.number))
        calls.sort(reverse=True)
        now = None
        if last_call and any((code, number) == (last_call["code"], last_call["counter"]) for _, code, number in calls):
            now = last_call
        elif calls:
            now = {"code": calls[0][1], "counter": calls[0][2], "recall": False, "event_id": 0}
        return {
            "site_name": site.name, "site_name_en": site.name_en or site.name, "notice": site.notice,
            "service_day": status.service_day, "now": now,
            "calls": [{"code": code, "counter": number} for _, code, number in calls],
            "counters": counters,
            "services": [{"code": s.code, "name": s.name, "name_en": s.name_en, "waiting": s.waiting}
                         for s in status.services if s.active or s.waiting],
        }
