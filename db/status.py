"""Read-only snapshots of the hall: what screens and ``onestop status`` show.

These read only today's waiting rows and the counters, through indexes, so
they stay flat however many years of history the database holds.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from db import clock, current_site, statuses
from db.connection import with_retry
from db.models import Counter, CounterService, Officer, Service, Ticket
from db.queue import call_order, to_info
from db.site import site_info
from db.values import TicketInfo


@dataclass(frozen=True)
class ServiceQueue:
    code: str
    name: str
    name_en: str
    group: str | None
    group_en: str | None
    waiting: int
    priority_waiting: int
    next_codes: tuple[str, ...]
    longest_wait_s: int | None
    active: bool
    next_appointments: tuple[str, ...] = ()   # those of next_codes that are appointments


@dataclass(frozen=True)
class CounterState:
    number: int
    name: str
    paused: bool
    officer: str | None
    officer_name: str | None
    services: tuple[str, ...]
    current: TicketInfo | None


@dataclass(frozen=True)
class HallStatus:
    service_day: str
    services: tuple[ServiceQueue, ...]
    counters: tuple[CounterState, ...]

    def to_json(self) -> dict:
        return {
            "service_day": self.service_day,
            "waiting": {s.code: s.waiting for s in self.services},
            "services": [asdict(s) | {"next_codes": list(s.next_codes),
                                        "next_appointments": list(s.next_appointments)} for s in self.services],
            "counters": [
                {
                    "number": c.number, "name": c.name, "paused": c.paused, "officer": c.officer,
                    "services": list(c.services), "current": c.current.to_json() if c.current else None,
                }
                for c in self.counters
            ],
        }


def waiting_order(now: float | None = None):
    """The call order of ``db.queue`` (the one definition), at ``now``."""
    return call_order(clock.now_epoch(now))


def hall_status(*, now: float | None = None, next_count: int = 3) -> HallStatus:
    moment = clock.now_epoch(now)

    def read() -> HallStatus:
        site = site_info(current_site.row())
        today = clock.service_day(moment, site.timezone)
        site_services = list(current_site.rows(Service).order_by(Service.sort_order, Service.code))
        # This site's waiting tickets only (a province database holds every site's: 30x more rows).
        rows = (Ticket.select(Ticket.service, Ticket.code, Ticket.priority, Ticket.queue_at, Ticket.slot_at)
                .where((Ticket.status == statuses.WAITING) & (Ticket.service_day == today)
                       & Ticket.service.in_([svc.id for svc in site_services] or [0]))
                .order_by(*waiting_order(moment)).tuples())
        per_service: dict[int, list[tuple]] = {}
        appointments: set[str] = set()
        for service_id, code, priority, queue_at, slot_at in rows:
            per_service.setdefault(service_id, []).append((code, priority, queue_at))
            if slot_at is not None:
                appointments.add(code)
        services = []
        for svc in site_services:
            waiting = per_service.get(svc.id, [])
            oldest = min((q for _, _, q in waiting), default=None)
            services.append(ServiceQueue(
                code=svc.code, name=svc.name, name_en=svc.name_en or svc.name, group=svc.group, group_en=svc.group_en,
                waiting=len(waiting), priority_waiting=sum(1 for _, p, _ in waiting if p),
                next_codes=tuple(code for code, _, _ in waiting[:next_count]),
                next_appointments=tuple(code for code, _, _ in waiting[:next_count] if code in appointments),
                longest_wait_s=int(moment - oldest) if oldest is not None else None, active=svc.active,
            ))
        links: dict[int, list[str]] = {}
        for counter_id, code in (CounterService.select(CounterService.counter, Service.code).join(Service)
                                 .where(current_site.here(Service)).order_by(CounterService.position).tuples()):
            links.setdefault(counter_id, []).append(code)
        officers = {o.id: o for o in current_site.rows(Officer)}
        active = list(current_site.rows(Counter).where(Counter.active == True)  # noqa: E712
                      .order_by(Counter.number))
        held_ids = [c.current_ticket_id for c in active if c.current_ticket_id]
        held = {t.id: t for t in Ticket.select().where(Ticket.id.in_(held_ids)
                                                       & Ticket.status.in_(statuses.AT_COUNTER))} if held_ids else {}
        counters = []
        for ctr in active:
            row = held.get(ctr.current_ticket_id)
            current = to_info(row, site.timezone) if row is not None else None
            officer = officers.get(ctr.officer_id)
            counters.append(CounterState(
                number=ctr.number, name=ctr.name, paused=ctr.paused,
                officer=officer.username if officer else None, officer_name=officer.full_name if officer else None,
                services=tuple(links.get(ctr.id, ())), current=current,
            ))
        return HallStatus(today, tuple(services), tuple(counters))

    return with_retry(read, attempts=1)


def waiting_tickets(counter_number: int, *, now: float | None = None, limit: int = 50) -> list[TicketInfo]:
    """The waiting list a counter will call from, in call order."""
    moment = clock.now_epoch(now)

    def read() -> list[TicketInfo]:
        site = site_info(current_site.row())
        today = clock.service_day(moment, site.timezone)
        counter = Counter.get(current_site.here(Counter), Counter.number == counter_number)
        service_ids = [link.service_id for link in CounterService.select().where(CounterService.counter == counter.id)]
        eligible = ((Ticket.service.in_(service_ids or [0])) & Ticket.target_counter.is_null()) | (Ticket.target_counter == counter.id)
        rows = (Ticket.select().where((Ticket.status == statuses.WAITING) & (Ticket.service_day == today) & eligible)
                .order_by(*waiting_order(moment)).limit(limit))
        return [to_info(r, site.timezone) for r in rows]

    return with_retry(read, attempts=1)
