"""Queue engine benchmark: latency, throughput under load, and flatness with history.

    .venv/bin/python bench/bench_queue.py [--history 3000000] [--engines sqlite,postgres] [--seconds 10]

Measures on each engine:
* single process: issue and call-next latency p50/p99 (empty database);
* mixed load: 8 kiosk processes + 6 counter processes (call + done) for N
  seconds -> operations/s and errors;
* the same single-process latencies and ``hall_status()`` on a database
  pre-filled with ``--history`` historical tickets.
Figures are printed as a Markdown table (copied into docs/performance.md).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from bench.history import fill_history
from db import queue
from db.connection import close, connect
from db.models import Counter, CounterService, Service, Ticket
from db.site import import_site
from db.site_config import load_site_file
from db.status import hall_status

WORKER = ROOT / "tests" / "queue" / "concurrency_worker.py"


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.2f} / {pct(values, 99) * 1000:.2f}"


def prepare(url: str) -> None:
    close()
    connect(url)
    import_site(load_site_file(None))
    # start every run with empty queues, so "with history" differs only by the history
    open_statuses = ("waiting", "called", "serving")
    Ticket.update(status="cancelled", cancel_reason="bench").where(Ticket.status.in_(open_statuses)).execute()
    Counter.update(current_ticket_id=None).execute()
    for service in Service.select():
        service.end, service.daily_limit = 99999, None
        service.save()
    # every counter calls every service, so the load spreads evenly
    services = list(Service.select())
    for number in (5, 6):
        Counter.get_or_create(number=number, defaults={"name": f"Quầy {number}"})
    for counter in Counter.select():
        for position, service in enumerate(services):
            CounterService.get_or_create(counter=counter, service=service, defaults={"position": position})


def single_process(rounds: int = 500) -> dict:
    issue, call, status = [], [], []
    for i in range(rounds):
        code = ("TP", "DD", "KD")[i % 3]
        t0 = time.perf_counter()
        queue.issue_ticket(code)
        issue.append(time.perf_counter() - t0)
    for i in range(rounds):
        counter = 1 + i % 4
        t0 = time.perf_counter()
        ticket = queue.call_next(counter)
        call.append(time.perf_counter() - t0)
        if ticket is not None:
            queue.finish_service(counter)
    for _ in range(100):
        t0 = time.perf_counter()
        hall_status()
        status.append(time.perf_counter() - t0)
    return {"issue": issue, "call": call, "status": status}


def mixed_load(url: str, seconds: float) -> dict:
    start_at = time.time() + 3.0
    commands = [[sys.executable, str(WORKER), "issue", url, ("TP", "DD", "KD", "XH")[k % 4], "1000000",
                 str(start_at), str(seconds)] for k in range(8)]
    commands += [[sys.executable, str(WORKER), "call", url, str(c), str(start_at), str(seconds)] for c in range(1, 7)]
    processes = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for cmd in commands]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=seconds + 120)
        if process.returncode != 0:
            raise SystemExit(err)
        results.append(json.loads(out.strip().splitlines()[-1]))
    issued = sum(len(r["ok"]) for r in results[:8])
    called = sum(len(r["ok"]) for r in results[8:])
    finished = sum(r.get("finished", 0) for r in results[8:])
    errors = [e for r in results for e in r["errors"]]
    called_ids = [t for r in results[8:] for t in r["ok"]]
    return {
        "ops_per_s": (issued + called + finished) / seconds, "issued": issued, "called": called,
        "finished": finished, "errors": len(errors), "double_calls": len(called_ids) - len(set(called_ids)),
        "error_samples": errors[:3],
    }


def run_engine(engine: str, url: str, history: int, seconds: float) -> list[str]:
    rows = []
    prepare(url)
    empty = single_process()
    load = mixed_load(url, seconds)
    prepare(url)
    t_fill = fill_history(history) if history else 0.0
    full = single_process()
    rows.append(f"| {engine} | issue p50/p99 ms | {ms(empty['issue'])} | {ms(full['issue'])} |")
    rows.append(f"| {engine} | call-next p50/p99 ms | {ms(empty['call'])} | {ms(full['call'])} |")
    rows.append(f"| {engine} | hall_status p50/p99 ms | {ms(empty['status'])} | {ms(full['status'])} |")
    rows.append(f"| {engine} | mixed 8 kiosks + 6 counters | {load['ops_per_s']:.0f} ops/s, "
                f"{load['errors']} errors, {load['double_calls']} double calls "
                f"({load['issued']} issued, {load['called']} called, {load['finished']} done in {seconds:.0f} s) | |")
    if load["error_samples"]:
        rows.append(f"| {engine} | error samples | {load['error_samples']} | |")
    rows.append(f"| {engine} | history fill | {history:,} tickets in {t_fill:.1f} s | |")
    close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--history", type=int, default=3_000_000)
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    print("| engine | measure | empty database | with history |")
    print("|---|---|---|---|")
    workdir = Path(tempfile.mkdtemp(prefix="onestop-bench-"))
    for engine in args.engines.split(","):
        if engine == "sqlite":
            url = f"sqlite:///{(workdir / 'bench.db').as_posix()}"
            rows = run_engine("SQLite", url, args.history, args.seconds)
        else:
            from pg_server import PostgresServer

            server = PostgresServer()
            server.start()
            try:
                rows = run_engine("PostgreSQL", server.create_database(), args.history, args.seconds)
            finally:
                server.cleanup()
        print("\n".join(rows), flush=True)


if __name__ == "__main__":
    main()
