"""How wrong is the wait estimate?  Simulated days through the real queue functions.

    .venv/bin/python bench/sim_wait_estimate.py [--days 2] [--seed 1]

A real SQLite database, the real ``db.queue`` operations (issue, call, start, done,
no-show, transfer, pause) with a simulated clock (the ``now`` parameter).  Arrivals
by hour with a morning peak, lognormal service times per service, counters shared
between services, priority tickets, transfers, no-shows and pauses.  For each ticket
the estimate at issue time (new: ``db.wait_estimate``; old: ``ahead x median / counters``,
kept here as the baseline) is compared with the actual wait (issued -> first call).
Percent errors are over waits of at least 5 minutes (below, a percentage of a tiny
wait means nothing); the minute errors are over all tickets.
"""

from __future__ import annotations

import argparse
import heapq
import random
import statistics
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from db import queue, statuses, wait_estimate
from db.connection import close, connect
from db.models import Counter, CounterService, Service, Ticket
from db.site import import_site
from db.site_config import load_site_file

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
#: arrivals per hour of the morning (07:30-11:30), relative
HOURLY = {7: 0.6, 8: 1.6, 9: 1.3, 10: 0.9, 11: 0.4}
SCENARIOS = {
    # name: (tickets per morning, {service: (weight, median s, sigma)}, counters {n: services})
    "commune": (110, {"TP": (4, 300, 0.5), "KS": (2, 420, 0.6), "DD": (2, 600, 0.7), "KD": (1, 480, 0.5),
                      "XH": (1, 360, 0.6), "KN": (0.5, 240, 0.8)},
                {1: ["TP", "KS"], 2: ["KS", "TP"], 3: ["DD", "XD", "KN"], 4: ["KD", "XH", "KN"]}),
    "busy": (150, {"TP": (4, 300, 0.6), "KS": (2, 420, 0.7), "DD": (2, 600, 0.8), "KD": (1, 480, 0.6),
                   "XH": (1, 360, 0.7), "KN": (0.5, 240, 0.9)},
             {1: ["TP", "KS"], 2: ["KS", "TP"], 3: ["DD", "XD", "KN"], 4: ["KD", "XH", "KN"], 5: ["TP", "DD"]}),
}


def old_estimate(service_id: int, ahead: int) -> int | None:
    """The estimator before this change: ahead x median(last 20 start-to-done) / serving counters."""
    rows = (Ticket.select(Ticket.status, Ticket.started_at, Ticket.finished_at)
            .where((Ticket.service == service_id) & (Ticket.finished_at.is_null(False)))
            .order_by(Ticket.finished_at.desc()).limit(40).tuples())
    durations = [f - s for st, s, f in rows if st == statuses.DONE and s is not None and f >= s][:20]
    base = Counter.select().join(CounterService).where((CounterService.service == service_id) & (Counter.active == True))  # noqa: E712,E501
    counters = base.where(Counter.paused == False).count() or base.count()  # noqa: E712
    if not durations or not counters:
        return None
    return int(round(ahead * statistics.median(durations) / counters))


def run(name: str, days: int, seed: int, workdir: Path) -> list[tuple[float, int | None, int | None, tuple | None]]:
    per_day, mix, desks = SCENARIOS[name]
    rng = random.Random(seed)
    close()
    connect(f"sqlite:///{workdir / (name + '.db')}")
    import_site(load_site_file(None))
    codes = {s.code: s.id for s in Service.select()}
    for s in Service.select():
        s.daily_limit = None
        s.save()
    for n, services in desks.items():
        counter, _ = Counter.get_or_create(number=n, defaults={"name": f"Quầy {n}"})
        CounterService.delete().where(CounterService.counter == counter.id).execute()
        for pos, code in enumerate(services):
            CounterService.create(counter=counter, service=codes[code], position=pos)
    Counter.update(active=False).where(Counter.number.not_in(list(desks))).execute()
    records = []
    weights = [w for w, _, _ in mix.values()]
    for day in range(days):
        start = datetime(2026, 11, 23 + day, 7, 30, tzinfo=TZ).timestamp()
        events: list = []
        t = start
        while True:   # thinned Poisson arrivals
            t += rng.expovariate(per_day / 4 * 1.6 / 3600)
            if t > start + 4 * 3600:
                break
            hour = datetime.fromtimestamp(t, TZ).hour
            if rng.random() < HOURLY[hour] / 1.6:
                heapq.heappush(events, (t, "arrive", rng.choices(list(mix), weights)[0]))
        for n in desks:
            heapq.heappush(events, (start + rng.uniform(0, 120), "free", n))
            pause = start + rng.uniform(3600, 3 * 3600)
            heapq.heappush(events, (pause, "pause", n))
        idle: set[int] = set()
        paused: set[int] = set()
        issued = []
        while events:
            t, kind, arg = heapq.heappop(events)
            if kind == "arrive":
                ticket = queue.issue_ticket(arg, priority=rng.random() < 0.07, now=t)
                raw = wait_estimate.estimate(ticket.id, t)
                old = old_estimate(codes[arg], ticket.ahead)
                issued.append((ticket.id, t, ticket.estimated_wait_s, old, (raw.low_s, raw.high_s) if raw else None))
                for n in list(idle):
                    idle.discard(n)
                    heapq.heappush(events, (t + rng.uniform(5, 30), "free", n))
            elif kind == "pause":
                if arg in idle or True:
                    heapq.heappush(events, (t, "try_pause", arg))
            elif kind == "try_pause":
                if queue.current_ticket(arg) is None:
                    queue.set_paused(arg, True, now=t)
                    paused.add(arg)
                    idle.discard(arg)
                    heapq.heappush(events, (t + rng.uniform(600, 1500), "resume", arg))
                else:
                    heapq.heappush(events, (t + 30, "try_pause", arg))
            elif kind == "resume":
                queue.set_paused(arg, False, now=t)
                paused.discard(arg)
                heapq.heappush(events, (t + 5, "free", arg))
            elif kind == "free":
                if arg in paused or queue.current_ticket(arg) is not None:
                    continue
                got = queue.call_next(arg, now=t)
                if got is None:
                    idle.add(arg)
                    continue
                if rng.random() < 0.06:
                    heapq.heappush(events, (t + rng.uniform(60, 150), "noshow", arg))
                else:
                    _, median, sigma = mix.get(got.service, (1, 400, 0.6))
                    walk = rng.uniform(20, 60)
                    queue.start_service(arg, now=t + walk)
                    end = t + walk + rng.lognormvariate(0, sigma) * median
                    heapq.heappush(events, (end, "transfer" if rng.random() < 0.04 else "done", arg))
            elif kind == "noshow":
                queue.mark_no_show(arg, now=t)
                heapq.heappush(events, (t + rng.uniform(5, 30), "free", arg))
            elif kind == "done":
                queue.finish_service(arg, now=t)
                heapq.heappush(events, (t + rng.uniform(5, 30), "free", arg))
            elif kind == "transfer":
                current = queue.current_ticket(arg)
                other = rng.choice([c for c in mix if c != current.service])
                queue.transfer(arg, to_service=other, now=t)
                heapq.heappush(events, (t + rng.uniform(5, 30), "free", arg))
        called = dict(Ticket.select(Ticket.id, Ticket.called_at).tuples())
        for tid, at, new, old, raw in issued:
            if called.get(tid) is not None:
                records.append((called[tid] - at, new, old, raw))
    close()
    return records


def figures(records, which: int) -> dict:
    pairs = [(r[0], r[which]) for r in records if r[which] is not None]
    long = [(a, e) for a, e in pairs if a >= 300]
    return {
        "n": len(pairs), "n_5min": len(long),
        "mdape_5min_pct": round(100 * statistics.median(abs(e - a) / a for a, e in long), 1) if long else None,
        "mdae_min": round(statistics.median(abs(e - a) for a, e in pairs) / 60, 2) if pairs else None,
        "mdae_5min_min": round(statistics.median(abs(e - a) for a, e in long) / 60, 2) if long else None,
    }


def bias(records) -> float | None:
    """Median of (estimate - actual) / actual over waits >= 5 min: positive = too long."""
    long = [(r[0], r[1]) for r in records if r[1] is not None and r[0] >= 300]
    return round(100 * statistics.median((e - a) / a for a, e in long), 1) if long else None


def coverage(records) -> float | None:
    inside = [r[3][0] <= r[0] <= r[3][1] for r in records if r[3] is not None]
    return round(100 * sum(inside) / len(inside), 1) if inside else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    args = parser.parse_args(argv)
    print("| scenario | seed | estimator | tickets | waits >= 5 min | median abs error, waits >= 5 min | "
          "median abs error (min), all | same, waits >= 5 min | actual inside range |")
    print("|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as work:
        for name in args.scenarios.split(","):
            records = run(name, args.days, args.seed, Path(work))
            for label, col in (("old (ahead x median / counters)", 2), ("new (queue played forward)", 1)):
                f = figures(records, col)
                cov = f"{coverage(records)} % (bias {bias(records)} %)" if col == 1 else "-"
                print(f"| {name} | {args.seed} | {label} | {f['n']} | {f['n_5min']} | {f['mdape_5min_pct']} % | "
                      f"{f['mdae_min']} | {f['mdae_5min_min']} | {cov} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
