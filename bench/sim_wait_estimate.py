"""How wrong is the wait estimate?  Simulated days through the real queue functions.

    .venv/bin/python bench/sim_wait_estimate.py [--days 2] [--seeds 1,2,3] [--scenarios commune,busy]

A real SQLite database, the real ``db.queue`` operations (issue, call, start, done,
no-show, transfer, pause) with a simulated clock (the ``now`` parameter).  Arrivals
per half hour with a mid-morning peak, lognormal service times per service, officers
of different speeds, counters opening as their officers arrive (and an extra one for the
peak), counters shared between services, priority tickets, transfers, no-shows and pauses.
For each ticket three estimates at issue time are compared with the actual wait (issued
-> first call), all in the same run: ``old`` (``ahead x median / counters``, before
December), ``v1`` (the first play-forward, frozen in ``bench/wait_estimate_v1.py``) and
``new`` (``db.wait_estimate``, what the kiosk shows).  The cost of one estimate (what each
kiosk tap pays) is timed for v1 and new on the same queue states.
Percent errors are over waits of at least 5 minutes (below, a percentage of a tiny
wait means nothing); the minute errors are over all tickets.
"""

from __future__ import annotations

import argparse
import heapq
import math
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import wait_estimate_v1
from db import queue, statuses, wait_estimate
from db.connection import close, connect
from db.models import Counter, CounterService, Service, Ticket
from db.site import import_site
from db.site_config import load_site_file

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
#: arrivals per half hour of the morning (07:30-11:30), relative: a slow start, the peak 08:30-09:30
#: (people who came after dropping children at school, or on the first bus), a tail before noon
HALF_HOURLY = {(7, 30): 0.7, (8, 0): 1.3, (8, 30): 1.6, (9, 0): 1.5, (9, 30): 1.2, (10, 0): 1.0,
               (10, 30): 0.7, (11, 0): 0.4}
#: officers differ: each counter's officer works at this lognormal spread around the service's time
#: (sigma 0.2: most between 0.8x and 1.25x), drawn once per counter and kept over the days
OFFICER_SIGMA = 0.2
#: the counters open when their officers arrive: 0-10 min after the doors; in the busy centre counter 5 is
#: the extra counter opened for the peak (08:15-08:45) -- before that it is paused, as an officer leaves it
LATE_COUNTER = {"busy": (5, 2700.0, 4500.0)}
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
    """The estimator before December: ahead x median(last 20 start-to-done) / serving counters."""
    rows = (Ticket.select(Ticket.status, Ticket.started_at, Ticket.finished_at)
            .where((Ticket.service == service_id) & (Ticket.finished_at.is_null(False)))
            .order_by(Ticket.finished_at.desc()).limit(40).tuples())
    durations = [f - s for st, s, f in rows if st == statuses.DONE and s is not None and f >= s][:20]
    base = Counter.select().join(CounterService).where((CounterService.service == service_id) & (Counter.active == True))  # noqa: E712,E501
    counters = base.where(Counter.paused == False).count() or base.count()  # noqa: E712
    if not durations or not counters:
        return None
    return int(round(ahead * statistics.median(durations) / counters))


#: the estimators compared, in print order
LABELS = ("old", "v1", "new")
NAMES = {"old": "old (ahead x median / counters)", "v1": "v1 (played forward, mean of service)",
         "new": "new (per counter, learnt from today)"}


def _arrivals(rng: random.Random, start: float, per_day: int) -> list[float]:
    """Thinned Poisson arrivals over the morning with the ``HALF_HOURLY`` profile."""
    top = max(HALF_HOURLY.values())
    mean = sum(HALF_HOURLY.values()) / len(HALF_HOURLY)
    rate = per_day / (4 * 3600) * top / mean
    times, t = [], start
    while True:
        t += rng.expovariate(rate)
        if t > start + 4 * 3600:
            return times
        local = datetime.fromtimestamp(t, TZ)
        if rng.random() < HALF_HOURLY[(local.hour, 30 if local.minute >= 30 else 0)] / top:
            times.append(t)


def run(name: str, days: int, seed: int, workdir: Path) -> tuple[list[dict], dict[str, list[float]]]:
    """Simulate ``days`` mornings; each called ticket's actual wait and estimates, and each estimate's cost (s)."""
    per_day, mix, desks = SCENARIOS[name]
    rng = random.Random(seed)
    close()
    connect(f"sqlite:///{workdir / f'{name}-{seed}.db'}")
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
    speed = {n: rng.lognormvariate(0, OFFICER_SIGMA) for n in desks}
    records: list[dict] = []
    cost: dict[str, list[float]] = {"v1": [], "new": []}
    weights = [w for w, _, _ in mix.values()]
    for day in range(days):
        start = datetime(2026, 11, 23 + day, 7, 30, tzinfo=TZ).timestamp()
        events: list = [(t, "arrive", rng.choices(list(mix), weights)[0]) for t in _arrivals(rng, start, per_day)]
        paused: set[int] = set(desks)
        late = LATE_COUNTER.get(name)
        for n in desks:
            queue.set_paused(n, True, now=start - 60)      # nobody at the counter yet
            opens = rng.uniform(*late[1:]) if late and late[0] == n else rng.uniform(0, 600)
            events.append((start + opens, "resume", n))
            events.append((start + rng.uniform(3600, 3 * 3600), "try_pause", n))
        heapq.heapify(events)
        idle: set[int] = set()
        issued = []
        while events:
            t, kind, arg = heapq.heappop(events)
            if kind == "arrive":
                ticket = queue.issue_ticket(arg, priority=rng.random() < 0.07, now=t)
                row = {"id": ticket.id, "at": t, "service": arg, "est": {}}
                row["est"]["old"] = (old_estimate(codes[arg], ticket.ahead), None, None)
                for label, module in (("v1", wait_estimate_v1), ("new", wait_estimate)):
                    began = time.perf_counter()
                    got = module.estimate(ticket.id, t)
                    cost[label].append(time.perf_counter() - began)
                    row["est"][label] = (got.point_s, got.low_s, got.high_s) if got else (None, None, None)
                assert row["est"]["new"][0] == ticket.estimated_wait_s, "the kiosk shows db.wait_estimate"
                issued.append(row)
                for n in list(idle):
                    idle.discard(n)
                    heapq.heappush(events, (t + rng.uniform(5, 30), "free", n))
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
                    end = t + walk + rng.lognormvariate(0, sigma) * median * speed[arg]
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
        for row in issued:
            if called.get(row["id"]) is not None:
                row["actual"] = called[row["id"]] - row["at"]
                row["day"] = day
                records.append(row)
    close()
    return records, cost


def figures(records: list[dict], label: str) -> dict:
    """Error figures of one estimator: median abs % error over waits >= 5 min, minute errors, bias, range."""
    pairs = [(r["actual"], r["est"][label]) for r in records if r["est"][label][0] is not None]
    long = [(a, e) for a, e in pairs if a >= 300]
    ranged = [(a, e) for a, e in pairs if e[1] is not None]

    def shown_inside(actual: float, est: tuple) -> bool:
        low, high = wait_estimate.display_range(est[1], est[2])
        return low - 30 <= actual <= high + 30       # a shown minute covers +-30 s

    return {
        "n": len(pairs), "n_5min": len(long),
        "mdape_5min_pct": round(100 * statistics.median(abs(e[0] - a) / a for a, e in long), 1) if long else None,
        "bias_5min_pct": round(100 * statistics.median((e[0] - a) / a for a, e in long), 1) if long else None,
        "mdae_min": round(statistics.median(abs(e[0] - a) for a, e in pairs) / 60, 1) if pairs else None,
        "mdae_5min_min": round(statistics.median(abs(e[0] - a) for a, e in long) / 60, 1) if long else None,
        "in_range_pct": round(100 * sum(e[1] <= a <= e[2] for a, e in ranged) / len(ranged), 1) if ranged else None,
        "in_shown_pct": round(100 * sum(shown_inside(a, e) for a, e in ranged) / len(ranged), 1) if ranged else None,
    }


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=2)
    parser.add_argument("--seeds", default="1,2,3")
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    args = parser.parse_args(argv)
    print("| scenario | seed | estimator | tickets | waits >= 5 min | median abs error, waits >= 5 min | bias | "
          "median abs error (min), all | same, waits >= 5 min | inside range | inside shown range |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    costs: dict[str, list[float]] = {"v1": [], "new": []}
    with tempfile.TemporaryDirectory() as work:
        for name in args.scenarios.split(","):
            for seed in (int(s) for s in args.seeds.split(",")):
                records, cost = run(name, args.days, seed, Path(work))
                for label in costs:
                    costs[label] += cost[label]
                for label in LABELS:
                    f = figures(records, label)
                    ranges = "-" if f["in_range_pct"] is None else f"{f['in_range_pct']} %"
                    shown = "-" if f["in_shown_pct"] is None else f"{f['in_shown_pct']} %"
                    print(f"| {name} | {seed} | {NAMES[label]} | {f['n']} | {f['n_5min']} | {f['mdape_5min_pct']} % | "
                          f"{f['bias_5min_pct']:+} % | {f['mdae_min']} | {f['mdae_5min_min']} | {ranges} | {shown} |",
                          flush=True)
    print()
    print("| estimate per kiosk tap (SQLite, same states) | calls | p50 ms | p95 ms |")
    print("|---|---|---|---|")
    for label, values in costs.items():
        print(f"| {NAMES[label]} | {len(values)} | {1000 * percentile(values, 0.5):.2f} | "
              f"{1000 * percentile(values, 0.95):.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
