"""The hall board's state, kept apart from any widget so it can be tested plainly.

``BoardState`` is fed two things:

* a **snapshot** (:class:`BoardSnapshot`, read in the background with
  ``hall_status()``): the authority for the counter list, the waiting counts
  and the site texts;
* the **event log**, in order: a ``called``/``recalled`` event updates the
  "now calling" panel, the counter's cell and the recent-calls list at once,
  from the event itself, and is handed back as a :class:`CallEntry` to be
  announced.  Waiting counts are never computed from events (an "issued"
  arriving twice would count twice); events only say *that* a fresh snapshot
  is worth fetching (:attr:`EventOutcome.refresh`).

A snapshot may be older than events already applied (it was read while a call
was being committed), so after each snapshot the events newer than the
snapshot's ``as_of_event_id`` are applied again.  Every per-counter change an
event makes is idempotent ("counter 2 holds A005"), so re-applying is safe.
No Qt here: the controller turns these results into signals.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

#: events after which the waiting counts or the counter list may have changed
REFRESH_KINDS = frozenset({
    "issued", "called", "done", "no_show", "transferred", "cancelled", "paused", "resumed",
    "day_closed", "site_imported", "signed_in", "signed_out",
})
CALL_KINDS = frozenset({"called", "recalled"})
#: events that end a ticket's stay at a counter
RELEASE_KINDS = frozenset({"done", "no_show", "transferred", "cancelled"})

RECENT_LIMIT = 10
#: a call older than this when it reaches the board is shown but not spoken
#: (catching up after a long outage must not read out a backlog of old calls)
ANNOUNCE_MAX_AGE_S = 120.0
#: applied events kept for re-application over an older snapshot
REPLAY_LIMIT = 300


@dataclass(frozen=True)
class CallEntry:
    """One call shown on the board (and possibly spoken)."""

    code: str
    counter: int
    at: float                   # epoch seconds of the call
    recall: bool = False
    service: str | None = None  # service code
    event_id: int = 0
    appointment: bool = False   # a ticket checked in from a booking (marked on the board)
    slot: str | None = None     # its booked slot, "09:00" (site time)


@dataclass(frozen=True)
class CounterCell:
    number: int
    name: str
    code: str | None            # ticket it is calling/serving, None when free
    paused: bool = False


@dataclass(frozen=True)
class ServiceCount:
    code: str
    name: str
    name_en: str
    waiting: int


@dataclass(frozen=True)
class BoardSnapshot:
    """Everything the board needs from the database at one moment.

    ``as_of_event_id`` is the last event id read *before* the status, so the
    status reflects at least every event up to it.
    """

    as_of_event_id: int
    service_day: str
    site_name: str
    site_name_en: str
    timezone: str
    notice: str
    counters: tuple[CounterCell, ...]
    services: tuple[ServiceCount, ...]
    recent: tuple[CallEntry, ...] = ()   # only filled by the first load
    site: Any = field(default=None, compare=False)   # db.values.SiteInfo: announcement settings


@dataclass(frozen=True)
class BoardView:
    """An immutable picture of the board for the views to paint."""

    loaded: bool = False
    site_name: str = ""
    site_name_en: str = ""
    timezone: str = "Asia/Ho_Chi_Minh"
    notice: str = ""
    now_calling: CallEntry | None = None
    counters: tuple[CounterCell, ...] = ()
    recent: tuple[CallEntry, ...] = ()
    services: tuple[ServiceCount, ...] = ()
    service_day: str = ""


@dataclass
class EventOutcome:
    """What a batch of events means for the board."""

    changed: bool = False                                  # the view differs
    refresh: bool = False                                  # fetch a snapshot soon
    announce: list[CallEntry] = field(default_factory=list)  # new calls to speak, oldest first
    flash: CallEntry | None = None                         # highlight the now-calling panel
    notice_changed: bool = False


def _service_day(epoch: float, tz: str) -> str:
    return datetime.fromtimestamp(epoch, tz=ZoneInfo(tz)).date().isoformat()


def _epoch(moment) -> float:
    return moment.timestamp() if hasattr(moment, "timestamp") else float(moment)


class BoardState:
    """The board's state; methods are called on the UI thread by the controller."""

    def __init__(self, *, recent_limit: int = RECENT_LIMIT, announce_max_age_s: float = ANNOUNCE_MAX_AGE_S) -> None:
        self.recent_limit = recent_limit
        self.announce_max_age_s = announce_max_age_s
        self._view = BoardView()
        self._last_event_id = 0
        self._replay: deque = deque(maxlen=REPLAY_LIMIT)

    # -- reading
    @property
    def view(self) -> BoardView:
        return self._view

    @property
    def loaded(self) -> bool:
        return self._view.loaded

    @property
    def last_event_id(self) -> int:
        """The newest event applied (from the feed or a snapshot)."""
        return self._last_event_id

    # -- snapshots
    def apply_snapshot(self, snap: BoardSnapshot) -> bool:
        """Take counters, counts and texts from ``snap``; returns whether the view changed."""
        old = self._view
        recent = old.recent
        now_calling = old.now_calling
        if not old.loaded and snap.recent:
            recent = snap.recent[: self.recent_limit]
            now_calling = recent[0]
        if old.loaded and old.service_day and snap.service_day != old.service_day:
            recent, now_calling = (), None            # a new day: numbers restart, clear yesterday's calls
        self._view = BoardView(
            loaded=True, site_name=snap.site_name, site_name_en=snap.site_name_en, timezone=snap.timezone,
            notice=snap.notice, now_calling=now_calling, counters=snap.counters, recent=recent,
            services=snap.services, service_day=snap.service_day,
        )
        # the snapshot may predate events already shown: apply those again (idempotent per counter)
        for event in self._replay:
            if event.id > snap.as_of_event_id:
                self._apply_counter_change(event)
        self._last_event_id = max(self._last_event_id, snap.as_of_event_id)
        return self._view != old

    # -- events
    def apply_events(self, events: Sequence, *, now: float) -> EventOutcome:
        """Apply feed events (``db.values.EventInfo``, oldest first)."""
        outcome = EventOutcome()
        before = self._view
        for event in events:
            if event.id <= self._last_event_id and any(e.id == event.id for e in self._replay):
                continue                                # already applied (feed restarted behind us)
            self._replay.append(event)
            self._last_event_id = max(self._last_event_id, event.id)
            if event.kind in REFRESH_KINDS:
                outcome.refresh = True
            if not self._view.loaded:
                continue                                # the first snapshot will bring it all
            if event.kind in CALL_KINDS and event.code and event.counter is not None:
                entry = self._apply_call(event)
                if entry is not None:
                    outcome.flash = entry
                    if now - entry.at <= self.announce_max_age_s:
                        outcome.announce.append(entry)
            elif event.kind == "notice_changed":
                text = str((event.data or {}).get("notice", ""))
                if text != self._view.notice:
                    self._view = replace(self._view, notice=text)
                    outcome.notice_changed = True
            else:
                self._apply_counter_change(event)
        outcome.changed = self._view != before
        return outcome

    def _apply_call(self, event) -> CallEntry | None:
        at = _epoch(event.at)
        view = self._view
        if view.service_day and _service_day(at, view.timezone) != view.service_day:
            # a call of another day: yesterday's backlog, or the first of a new day before its snapshot
            if _service_day(at, view.timezone) < view.service_day:
                return None
        entry = CallEntry(code=event.code, counter=int(event.counter), at=at, recall=event.kind == "recalled",
                          service=event.service, event_id=event.id, appointment=_is_appointment(event),
                          slot=_slot(event))
        # a recall moves the ticket back to the top instead of listing it twice
        recent = (entry,) + tuple(c for c in view.recent if (c.code, c.counter) != (entry.code, entry.counter))
        self._view = replace(view, now_calling=entry, recent=recent[: self.recent_limit])
        self._apply_counter_change(event)
        return entry

    def _apply_counter_change(self, event) -> None:
        """The idempotent part of an event: which ticket a counter holds, whether it is paused."""
        kind = event.kind
        cells = self._view.counters
        if kind in CALL_KINDS or kind == "started":
            if event.counter is None or not event.code:
                return
            cells = tuple(
                replace(c, code=event.code, paused=False) if c.number == event.counter
                else (replace(c, code=None) if c.code == event.code else c)  # a ticket is at one counter
                for c in cells
            )
        elif kind in RELEASE_KINDS:
            cells = tuple(
                replace(c, code=None) if c.code == event.code and (event.counter is None or c.number == event.counter)
                else c
                for c in cells
            )
        elif kind in ("paused", "resumed") and event.counter is not None:
            cells = tuple(replace(c, paused=kind == "paused") if c.number == event.counter else c for c in cells)
        else:
            return
        if cells != self._view.counters:
            self._view = replace(self._view, counters=cells)


def _is_appointment(event) -> bool:
    """Calls and recalls of appointment tickets say so in their data."""
    return bool((getattr(event, "data", None) or {}).get("appointment"))


def _slot(event) -> str | None:
    """"09:00" from the call's ``slot_start`` (site-local ISO time); None for a walk-in or older events."""
    text = (getattr(event, "data", None) or {}).get("slot_start")
    if not text:
        return None
    try:
        return datetime.fromisoformat(str(text)).strftime("%H:%M")
    except ValueError:
        return None


def recent_calls_from_events(events: Iterable, *, service_day: str, timezone: str,
                             limit: int = RECENT_LIMIT) -> tuple[CallEntry, ...]:
    """The newest calls of ``service_day`` from a slice of the event log (for the first load)."""
    result: list[CallEntry] = []
    for event in reversed(list(events)):
        if event.kind not in CALL_KINDS or not event.code or event.counter is None:
            continue
        at = _epoch(event.at)
        if _service_day(at, timezone) != service_day:
            continue
        if any((c.code, c.counter) == (event.code, event.counter) for c in result):
            continue
        result.append(CallEntry(code=event.code, counter=int(event.counter), at=at,
                                recall=event.kind == "recalled", service=event.service, event_id=event.id,
                                appointment=_is_appointment(event), slot=_slot(event)))
        if len(result) >= limit:
            break
    return tuple(result)
