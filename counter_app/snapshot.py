"""Everything the counter's main screen shows, read in one go off the UI thread.

Plain Python over the ``db`` read functions (no Qt, no SQL here): the session
runs ``load_snapshot`` in a worker after each relevant feed event and hands the
frozen result to the widgets, which only display it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from db.dossiers import codes_of
from db.officer_day import OfficerDay, handover_note, officer_day
from db.queue import current_ticket
from db.site import get_counter
from db.status import hall_status, waiting_tickets
from db.values import CounterInfo, RatingInfo, TicketInfo

#: how many tickets of the call order the side panel lists
NEXT_SHOWN = 8


@dataclass(frozen=True)
class ServiceLine:
    """One of the counter's services in the waiting panel."""

    code: str
    name: str
    waiting: int
    priority_waiting: int
    next_codes: tuple[str, ...]
    longest_wait_s: int | None
    name_en: str = ""


@dataclass(frozen=True)
class CounterSnapshot:
    counter: CounterInfo
    current: TicketInfo | None
    handover_note: str | None            # note left by whoever transferred ``current``
    services: tuple[ServiceLine, ...]    # the counter's services, in its preference order
    next_up: tuple[TicketInfo, ...]      # who F1 would call, in call order
    figures: OfficerDay | None
    last_rating: RatingInfo | None
    taken_at: float
    dossiers: tuple[str, ...] = ()       # dossier codes attached to ``current``

    @property
    def waiting_total(self) -> int:
        return sum(line.waiting for line in self.services)


def _latest_rating(counter: int) -> RatingInfo | None:
    """The counter's last counted press today; absent until the keypad module is installed."""
    try:
        from db.ratings import latest_rating
    except ImportError:  # pragma: no cover - older checkouts without the ratings module
        return None
    return latest_rating(counter)


def load_snapshot(counter_number: int, officer: str | None, *, now: float | None = None) -> CounterSnapshot:
    """Read the counter, its ticket, its queue, the officer's day and the last rating."""
    moment = time.time() if now is None else now
    counter = get_counter(counter_number)
    current = current_ticket(counter_number)
    note = handover_note(current.id) if current is not None else None
    dossiers = tuple(codes_of([current.id]).get(current.id, [])) if current is not None else ()
    hall = hall_status(now=moment)
    by_code = {svc.code: svc for svc in hall.services}
    services = tuple(
        ServiceLine(code=code, name=by_code[code].name, waiting=by_code[code].waiting,
                    priority_waiting=by_code[code].priority_waiting, next_codes=by_code[code].next_codes,
                    longest_wait_s=by_code[code].longest_wait_s, name_en=by_code[code].name_en)
        for code in counter.services if code in by_code
    )
    next_up = tuple(waiting_tickets(counter_number, now=moment, limit=NEXT_SHOWN))
    figures = officer_day(officer, now=moment) if officer else None
    return CounterSnapshot(
        counter=counter, current=current, handover_note=note, services=services, next_up=next_up,
        figures=figures, last_rating=_latest_rating(counter_number), taken_at=moment, dossiers=dossiers,
    )
