"""A generated multi-month history for the rollup tests (bulk rows, not queue operations: months in a second).

Deterministic (seeded) and varied on purpose: transfers (issued and served
services differ), officers missing, no-shows, cancellations, waits beyond 2 h
(the coarser histogram band), appointment tickets, rating presses with
debounced repeats and changed minds, dossiers, presses with no ticket, and
today's tickets still waiting (today is never rolled).
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
FIRST = date(2026, 8, 1)
TODAY = date(2026, 11, 25)


def midnight(day: date) -> float:
    return datetime(day.year, day.month, day.day, tzinfo=TZ).timestamp()


def fill(first: date = FIRST, last: date = TODAY, per_day: int = 24, seed: int = 7) -> None:
    """Insert the history of the bound database's current site, ``first`` .. ``last`` (today)."""
    from db import current_site, statuses
    from db.connection import write_transaction
    from db.models import Counter, Officer, Rating, Service, Ticket, TicketDossier

    rng = random.Random(seed)
    services = list(current_site.rows(Service).order_by(Service.id))
    counters = list(current_site.rows(Counter).order_by(Counter.id))
    officers = [o.id for o in current_site.rows(Officer).order_by(Officer.id)]
    rows = []
    day = first
    while day <= last:
        numbers: dict[int, int] = {}
        for _ in range(per_day if day.weekday() < 5 else per_day // 4):
            issued_for = rng.choice(services)
            served_in = rng.choice(services) if rng.random() < 0.1 else issued_for
            numbers[issued_for.id] = numbers.get(issued_for.id, 0) + 1
            issued = midnight(day) + 7.5 * 3600 + rng.uniform(0, 9 * 3600)
            wait = rng.uniform(7200, 30000) if rng.random() < 0.05 else rng.uniform(0, 2400)
            service_s = rng.uniform(20, 1500)
            roll = rng.random()
            status = (statuses.WAITING if day == last and roll < 0.3 else statuses.DONE if roll < 0.8
                      else statuses.NO_SHOW if roll < 0.9 else statuses.CANCELLED)
            called = None if status in (statuses.WAITING, statuses.CANCELLED) else issued + wait
            started = called + rng.uniform(0, 60) if status == statuses.DONE and rng.random() < 0.8 else called
            counter = rng.choice(counters) if called is not None else None
            rows.append({
                "service_day": day.isoformat(), "issued_service": issued_for.id, "service": served_in.id,
                "number": numbers[issued_for.id], "code": f"{issued_for.prefix}{numbers[issued_for.id]:03d}",
                "priority": rng.random() < 0.05, "status": status, "queue_at": issued, "issued_at": issued,
                "issued_hour": datetime.fromtimestamp(issued, TZ).hour, "called_at": called, "last_called_at": called,
                "started_at": started if status == statuses.DONE else None,
                "finished_at": (started + service_s if status == statuses.DONE
                                else None if status == statuses.WAITING else issued + wait + 60),
                "counter": counter.id if counter else None,
                "officer": (rng.choice(officers) if rng.random() < 0.95 else None) if counter else None,
                "transfers": 1 if served_in.id != issued_for.id else 0, "recalls": 0,
                "cancel_reason": "left" if status == statuses.CANCELLED else None, "kiosk": "k1",
                "slot_at": issued + rng.uniform(-900, 900) if rng.random() < 0.1 else None,
            })
        day += timedelta(days=1)
    with write_transaction():
        for start in range(0, len(rows), 400):
            Ticket.insert_many(rows[start:start + 400]).execute()
        presses, dossiers = [], []
        mine = Ticket.issued_service.in_([s.id for s in services])   # another site's history stays as it is
        for t in Ticket.select().where((Ticket.status == statuses.DONE) & mine).order_by(Ticket.id):
            if rng.random() < 0.5:
                for n in range(rng.choice((1, 1, 1, 2, 3))):
                    presses.append({"counter": t.counter_id, "officer": t.officer_id, "ticket": t.id,
                                    "value": rng.choice((3, 3, 2, 1)), "pressed_at": t.finished_at + 5 + n,
                                    "service_day": t.service_day, "source": "keypad", "counted": n != 1})
            if rng.random() < 0.15:
                for n in range(rng.choice((1, 2))):
                    dossiers.append({"ticket": t.id, "code": f"HS-{t.id}-{n}", "service_day": t.service_day,
                                     "attached_at": t.finished_at, "counter": t.counter_id, "officer": t.officer_id})
            if rng.random() < 0.03:
                presses.append({"counter": t.counter_id, "officer": t.officer_id, "ticket": None, "value": 2,
                                "pressed_at": t.finished_at + 600, "service_day": t.service_day, "source": "keypad",
                                "counted": True})
        for start in range(0, len(presses), 400):
            Rating.insert_many(presses[start:start + 400]).execute()
        for start in range(0, len(dossiers), 400):
            TicketDossier.insert_many(dossiers[start:start + 400]).execute()
