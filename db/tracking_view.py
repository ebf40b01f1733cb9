"""What a citizen's tracking page shows about their ticket, for one or many tickets at once.

The web service pushes a fresh view to every open tracking page after each
change of the queue, so views of all followed tickets are computed together:
one read of the followed tickets, one of today's waiting tickets of their
services, and one play of the queue forward (``db.wait_estimate``) that gives
every waiting ticket's estimate at once, instead of a count per page.
"People ahead" is the ticket's place in the call order of its service
(``db.status.waiting_order``: priority first, then the original issue time),
the same number ``db.queue.find_ticket`` gives.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from db import clock, current_site, statuses, wait_estimate
from db.connection import with_retry
from db.errors import NotFound
from db.models import Counter, Service, Ticket
from db.site import site_info
from db.status import waiting_order
from db.tracking import verify

#: statuses in which the page names the counter (the ticket is, or was, there)
AT_COUNTER = ("called", "serving", "done", "no_show")


@dataclass(frozen=True)
class TrackView:
    ticket_id: int
    code: str
    service: str               # service code it waits in / was served in
    service_name: str
    service_name_en: str
    status: str                # waiting | called | serving | done | no_show | cancelled
    ahead: int | None          # people to be called first (waiting only)
    estimated_wait_s: int | None
    counter: int | None        # the counter to go to (called), or that served it
    last_called_at: float | None = None   # changes on a recall, so the phone alerts again
    estimated_wait_range_s: tuple[int, int] | None = None   # shown as "10-15 min" when set

    def to_json(self) -> dict:
        """The tracking link's JSON (``Accept: application/json``); no personal data."""
        return {"code": self.code, "service": self.service, "status": self.status, "ahead": self.ahead,
                "estimated_wait_s": self.estimated_wait_s, "counter": self.counter}

    def to_page_json(self) -> dict:
        """``to_json`` plus the service names the page shows."""
        wait_range = list(self.estimated_wait_range_s) if self.estimated_wait_range_s else None
        return self.to_json() | {"service_name": self.service_name, "service_name_en": self.service_name_en,
                                 "called_at": self.last_called_at, "estimated_wait_range_s": wait_range}


def _views(rows: list[Ticket], today: str, now: float) -> dict[int, TrackView]:
    services = {s.id: s for s in current_site.rows(Service)}
    counters = dict(current_site.rows(Counter, Counter.id, Counter.number).tuples())
    waiting_services = {r.service_id for r in rows if r.status == statuses.WAITING}
    rank: dict[int, int] = {}
    if waiting_services:
        queue = (Ticket.select(Ticket.id, Ticket.service)
                 .where((Ticket.status == statuses.WAITING) & (Ticket.service_day == today)
                        & Ticket.service.in_(list(waiting_services)))
                 .order_by(Ticket.service, *waiting_order()).tuples())
        place: dict[int, int] = {}
        for ticket_id, service_id in queue:
            rank[ticket_id] = place.get(service_id, 0)
            place[service_id] = rank[ticket_id] + 1
    waits = wait_estimate.estimates(now) if waiting_services else {}
    views = {}
    for row in rows:
        service = services[row.service_id]
        ahead = rank.get(row.id, 0) if row.status == statuses.WAITING else None
        wait = waits.get(row.id) if ahead is not None else None
        views[row.id] = TrackView(
            ticket_id=row.id, code=row.code, service=service.code, service_name=service.name,
            service_name_en=service.name_en or service.name, status=row.status, ahead=ahead,
            estimated_wait_s=wait.point_s if wait is not None else None,
            counter=counters.get(row.counter_id) if row.status in AT_COUNTER else None,
            last_called_at=row.last_called_at, estimated_wait_range_s=wait.range_s if wait is not None else None,
        )
    return views


def track_views(ticket_ids: Iterable[int], *, now: float | None = None) -> dict[int, TrackView]:
    """The views of the given tickets (ids that do not exist are left out)."""
    ids = sorted({int(i) for i in ticket_ids})
    moment = clock.now_epoch(now)

    def read() -> dict[int, TrackView]:
        if not ids:
            return {}
        site = site_info(current_site.row())
        today = clock.service_day(moment, site.timezone)
        return _views(list(Ticket.select().where(Ticket.id.in_(ids))), today, moment)

    return with_retry(read, attempts=1)


def track_view(ticket_id: int, token: str, *, now: float | None = None) -> TrackView:
    """The view behind one tracking link; ``NotFound`` for a wrong token or another day's ticket.

    Every refusal is the same ``NotFound`` so a wrong guess learns nothing
    (not even whether the ticket id exists).
    """
    moment = clock.now_epoch(now)

    def read() -> TrackView:
        site = current_site.row_or_none()
        row = Ticket.get_or_none(Ticket.id == int(ticket_id)) if site is not None else None
        today = clock.service_day(moment, site_info(site).timezone) if site is not None else None
        if row is None or row.service_day != today or not verify(row.id, token, service_day=row.service_day):
            raise NotFound("Không tìm thấy vé này (liên kết sai hoặc đã hết hạn)",
                           "No such ticket (the link is wrong or has expired)")
        return _views([row], today, moment)[row.id]

    return with_retry(read, attempts=1)
