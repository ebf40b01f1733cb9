"""What one wait estimate costs a kiosk tap: the new estimator against v1, on the same queue state.

    .venv/bin/python bench/bench_wait_estimate.py [--history 300000] [--repeat 300] [--against main] [--earlier-days 3]

The estimate runs on every ticket issued (and every tracking-page read), so it must not
slow the kiosk.  A SQLite database with ``--history`` past tickets, then a busy morning
through the real ``db.queue`` operations (200 tickets 07:30-09:30, four counters calling,
serving and taking a break); at 09:30 about 150 wait.  The estimate of the last waiting
ticket is timed ``--repeat`` times for each estimator, interleaved, in the same process.
``--against REV`` also times ``db/wait_estimate.py`` as it was at git revision REV (the
previous kiosk estimator), loaded beside the current one: a change's cost is read as a ratio
to the code it replaces, measured in the same run.  ``--earlier-days N`` plays the same
morning on the N days before too, so that the estimate's walk of the site's last events
(breaks) reads a full window, as at a site in service.
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from types import ModuleType
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import wait_estimate_v1
from bench.history import fill_history
from db import queue, wait_estimate
from db.connection import close, connect
from db.models import Service, Ticket
from db.site import import_site
from db.site_config import load_site_file

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def busy_morning(day_start: float) -> float:
    """Today's state at 09:30: about 50 calls finished, about 150 tickets waiting, counter 2 on a break."""
    rng = random.Random(5)
    codes = ["TP", "TP", "KS", "DD", "KD", "XH"]
    arrivals = sorted(day_start + rng.uniform(0, 7200) for _ in range(200))
    free = {n: day_start + 60 for n in (1, 2, 3, 4)}
    for t in arrivals:
        queue.issue_ticket(rng.choice(codes), priority=rng.random() < 0.07, now=t)
        for n, at in free.items():
            if at <= t and queue.current_ticket(n) is None and queue.call_next(n, now=at) is not None:
                free[n] = at + rng.lognormvariate(6.2, 0.6)
                queue.finish_service(n, now=free[n] - 1)
    end = day_start + 7200
    queue.set_paused(2, True, now=end - 600)
    return end


def module_at(rev: str) -> ModuleType:
    """``db/wait_estimate.py`` as it was at git revision ``rev``, as a module of its own beside the current one."""
    source = subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:db/wait_estimate.py"],
                            capture_output=True, text=True, check=True).stdout
    name = f"wait_estimate_at_{rev.replace('/', '_')}"
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader(name, loader=None))
    sys.modules[name] = module             # dataclasses look their module up there
    exec(compile(source, f"{rev}:db/wait_estimate.py", "exec"), module.__dict__)
    return module


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--history", type=int, default=300_000)
    parser.add_argument("--repeat", type=int, default=300)
    parser.add_argument("--earlier-days", type=int, default=0, help="play the busy morning on this many days before")
    parser.add_argument("--against", metavar="REV", help="also time db/wait_estimate.py of this git revision")
    args = parser.parse_args(argv)
    estimators: dict[str, ModuleType] = {"v1": wait_estimate_v1}
    if args.against:
        estimators[args.against] = module_at(args.against)
    estimators["new"] = wait_estimate
    with tempfile.TemporaryDirectory() as work:
        connect(f"sqlite:///{Path(work) / 'bench.db'}")
        import_site(load_site_file(None))
        for s in Service.select():
            s.daily_limit = None
            s.save()
        start = datetime(2026, 11, 25, 7, 30, tzinfo=TZ).timestamp()
        fill_history(args.history, end_epoch=start - (args.earlier_days + 1) * 86400)
        for back in range(args.earlier_days, 0, -1):
            before = busy_morning(start - back * 86400)
            queue.set_paused(2, False, now=before + 600)      # back from its break
        now = busy_morning(start)
        waiting = Ticket.select().where(Ticket.status == "waiting")
        target = waiting.order_by(Ticket.queue_at.desc()).first().id
        cost: dict[str, list[float]] = {label: [] for label in estimators}
        for _ in range(args.repeat):
            for label, module in estimators.items():
                began = time.perf_counter()
                module.estimate(target, now)
                cost[label].append(time.perf_counter() - began)
        print(f"history {args.history} tickets, {waiting.count()} waiting, repeat {args.repeat}")
        print("| estimator | p50 ms | p95 ms |")
        print("|---|---|---|")
        for label, values in cost.items():
            p95 = sorted(values)[int(0.95 * len(values))]
            print(f"| {label} | {1000 * statistics.median(values):.2f} | {1000 * p95:.2f} |")
        if args.against:
            base = statistics.median(cost[args.against])
            print(f"new / {args.against}: p50 x{statistics.median(cost['new']) / base:.2f}")
        close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
