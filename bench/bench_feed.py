"""Event feed benchmark: commit in another process -> event delivered, and idle CPU.

    .venv/bin/python bench/bench_feed.py [--engines sqlite,postgres] [--events 40] [--idle-s 10]
    .venv/bin/python bench/bench_feed.py --write-cost [--issues 150]

For each engine and each way of following the log, a fresh process follows
the event log while a separate writer process (another "counter PC") calls
the next ticket 0.1-0.4 s apart at random, so commits land at every phase of
a poll.  The writer prints the wall-clock time at which each call (its
commit) returned; the follower records when it had the ``called`` event in
hand.  Ways of following:

* ``poll-200ms``: the previous FeedWatcher loop (read, sleep 200 ms), the
  baseline measured in the same run;
* ``follower``: ``db.feed.EventFollower.wait`` (SQLite: the ``-wal`` file
  watched through ``watchdog``; PostgreSQL: LISTEN/NOTIFY);
* ``tick-10ms`` / ``tick-5ms`` (SQLite only): the follower without a file
  watcher (a platform without one), checking every 10 / 5 ms;
* ``feedwatcher``: the Qt ``FeedWatcher`` (the screens' path): the time is
  taken in the slot, on the Qt main thread.

Idle CPU: ``time.process_time()`` of the follower process over ``--idle-s``
seconds with nothing written, in % of one core; ``nothing`` is a process
that only sleeps, the floor of this machine at that moment.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

MODES = ("nothing", "poll-200ms", "follower", "tick-10ms", "tick-5ms", "feedwatcher")


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))]


def writer(url: str, count: int) -> int:
    """Call ``count`` tickets at random spacing; print {code: commit-returned wall time}."""
    from db import queue
    from db.connection import connect

    connect(url)
    random.seed(7)
    done: dict[str, float] = {}
    for _ in range(count):
        time.sleep(random.uniform(0.1, 0.4))
        ticket = queue.call_next(1)
        done[ticket.code] = time.time()
        queue.finish_service(1)
    print(json.dumps(done))
    return 0


class _OldPoll:
    """The loop FeedWatcher ran before the follower: read, then sleep ``poll_s``."""

    def __init__(self, poll_s: float = 0.2) -> None:
        from db.events import last_event_id

        self.poll_s = poll_s
        self.last_id = last_event_id()

    def wait(self, timeout_s: float) -> list:
        from db.events import events_after

        batch = events_after(self.last_id)
        if batch:
            self.last_id = batch[-1].id
            return batch
        time.sleep(self.poll_s)
        return []

    def close(self) -> None:
        pass


def follow(mode: str, url: str, events: int, idle_s: float) -> int:
    """One follower process: idle CPU first, then the latency of ``events`` commits."""
    from db.connection import connect

    connect(url)
    received: dict[str, float] = {}
    if mode == "nothing":
        cpu0, wall0 = time.process_time(), time.monotonic()
        time.sleep(idle_s)
        idle_pct = 100 * (time.process_time() - cpu0) / (time.monotonic() - wall0)
        print(json.dumps({"idle_cpu_pct": idle_pct, "latencies_ms": [], "missing": 0}))
        return 0
    if mode == "feedwatcher":
        return _follow_qt(url, events, idle_s)
    if mode == "poll-200ms":
        source = _OldPoll()
    else:
        from db.feed import EventFollower

        if mode.startswith("tick-"):
            import watchdog.observers

            watchdog.observers.Observer = None  # no watcher: _SqliteWaker falls back to ticking
        source = EventFollower(check_interval_s=0.005 if mode == "tick-5ms" else 0.01)

    cpu0, wall0 = time.process_time(), time.monotonic()
    while time.monotonic() - wall0 < idle_s:
        source.wait(1.0)
    idle_pct = 100 * (time.process_time() - cpu0) / (time.monotonic() - wall0)

    proc = subprocess.Popen([sys.executable, __file__, "--writer", url, str(events)], stdout=subprocess.PIPE, text=True)
    while len(received) < events:
        for event in source.wait(1.0):
            if event.kind == "called":
                received[event.code] = time.time()
        if proc.poll() is not None and len(received) < events:
            # the writer finished: give the follower one more read for the last commit
            for event in source.wait(1.0):
                if event.kind == "called":
                    received[event.code] = time.time()
            break
    out, _ = proc.communicate(timeout=120)
    source.close()
    committed = json.loads(out)
    latencies = [1000 * (received[code] - at) for code, at in committed.items() if code in received]
    print(json.dumps({"idle_cpu_pct": idle_pct, "latencies_ms": latencies, "missing": events - len(latencies)}))
    return 0


def _follow_qt(url: str, events: int, idle_s: float) -> int:
    from PySide6.QtCore import QCoreApplication, QTimer

    from ui_common.feed import FeedWatcher

    app = QCoreApplication.instance() or QCoreApplication([])
    received: dict[str, float] = {}
    watcher = FeedWatcher(poll_s=1.0)

    def on_events(batch: list) -> None:
        now = time.time()
        for event in batch:
            if event.kind == "called":
                received[event.code] = now
        if len(received) >= events:
            app.quit()

    watcher.events.connect(on_events)
    watcher.start()
    cpu0, wall0 = time.process_time(), time.monotonic()
    QTimer.singleShot(int(idle_s * 1000), app.quit)
    app.exec()
    idle_pct = 100 * (time.process_time() - cpu0) / (time.monotonic() - wall0)
    proc = subprocess.Popen([sys.executable, __file__, "--writer", url, str(events)], stdout=subprocess.PIPE, text=True)
    QTimer.singleShot(120_000, app.quit)
    app.exec()
    out, _ = proc.communicate(timeout=120)
    watcher.stop()
    committed = json.loads(out)
    latencies = [1000 * (received[code] - at) for code, at in committed.items() if code in received]
    print(json.dumps({"idle_cpu_pct": idle_pct, "latencies_ms": latencies, "missing": events - len(latencies)}))
    return 0


def write_cost(args: argparse.Namespace) -> list[dict]:
    """PostgreSQL with fsync on: 8 kiosk processes issuing at once, commit-order ids on and off.

    The commit-order trigger holds one advisory lock from the moment the
    server runs COMMIT until the commit is flushed and visible, so concurrent
    event-writing commits are flushed one after the other; this measures what
    that costs the writers (throughput, per-issue latency).
    """
    import psycopg
    from pg_server import PostgresServer
    from site_setup import connect_with_site

    worker = ROOT / "tests" / "queue" / "concurrency_worker.py"
    server = PostgresServer()
    server.start()
    rows = []
    try:
        with psycopg.connect(server.url(), autocommit=True) as admin:
            admin.execute("ALTER SYSTEM SET fsync = on")
            admin.execute("SELECT pg_reload_conf()")
        for ordered in (True, False):
            url = server.create_database()
            connect_with_site(url)
            from db.connection import close, database_proxy
            from db.models import Service

            Service.update(end=9999, daily_limit=None).where(Service.code == "TP").execute()
            if not ordered:  # the previous design: ids from the sequence at insert
                db = database_proxy.obj
                db.execute_sql("DROP TRIGGER event_commit_order ON event")
                db.execute_sql("ALTER TABLE event ALTER COLUMN id SET DEFAULT nextval('event_id_seq')")
            close()
            start_at = time.time() + 4.0
            command = [sys.executable, str(worker), "issue", url, "TP", str(args.issues), str(start_at)]
            procs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                     for _ in range(8)]
            outs = [json.loads(p.communicate(timeout=600)[0].strip().splitlines()[-1]) for p in procs]
            wall = time.time() - start_at
            done = sum(len(o["ok"]) for o in outs)
            rows.append({"commit_order_ids": ordered, "issued": done, "errors": sum(len(o["errors"]) for o in outs),
                         "seconds": wall, "per_s": done / wall})
            print(json.dumps(rows[-1]), flush=True)
    finally:
        server.cleanup()
    return rows


def run_engine(engine: str, args: argparse.Namespace) -> list[dict]:
    from site_setup import connect_with_site

    server = None
    if engine == "sqlite":
        url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='bench-feed-')) / 'onestop.db'}"
    else:
        from pg_server import PostgresServer

        server = PostgresServer()
        server.start()
        url = server.create_database()
    try:
        connect_with_site(url)
        from db.connection import close
        from db.models import Service

        Service.update(end=9999, daily_limit=None).where(Service.code == "TP").execute()
        from db import queue

        for _ in range(args.events * len(MODES)):
            queue.issue_ticket("TP")
        close()
        rows = []
        for mode in MODES:
            if mode.startswith("tick-") and engine != "sqlite":
                continue
            out = subprocess.run([sys.executable, __file__, "--follow", mode, url, str(args.events), str(args.idle_s)],
                                 capture_output=True, text=True, timeout=600)
            if out.returncode != 0:
                raise RuntimeError(out.stderr)
            result = json.loads(out.stdout.strip().splitlines()[-1])
            lat = result["latencies_ms"] or [float("nan")]
            rows.append({"engine": engine, "mode": mode, "n": len(result["latencies_ms"]), "missing": result["missing"],
                         "p50_ms": statistics.median(lat), "p95_ms": percentile(lat, 95), "max_ms": max(lat),
                         "idle_cpu_pct": result["idle_cpu_pct"]})
            print(json.dumps(rows[-1]), flush=True)
        return rows
    finally:
        if server is not None:
            server.cleanup()


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--writer":
        return writer(sys.argv[2], int(sys.argv[3]))
    if len(sys.argv) > 1 and sys.argv[1] == "--follow":
        return follow(sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5]))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--events", type=int, default=40)
    parser.add_argument("--idle-s", type=float, default=10.0)
    parser.add_argument("--write-cost", action="store_true",
                        help="instead: what commit-order ids cost 8 concurrent writers (PostgreSQL, fsync on)")
    parser.add_argument("--issues", type=int, default=150, help="tickets per writer with --write-cost")
    args = parser.parse_args()
    if args.write_cost:
        rows = write_cost(args)
        print()
        print("| event ids | tickets | errors | seconds | tickets/s |")
        print("| --- | --- | --- | --- | --- |")
        for r in rows:
            label = "given at commit (trigger)" if r["commit_order_ids"] else "sequence at insert (before)"
            print(f"| {label} | {r['issued']} | {r['errors']} | {r['seconds']:.2f} | {r['per_s']:.0f} |")
        return 0
    rows = [row for engine in args.engines.split(",") for row in run_engine(engine, args)]
    print()
    print("| engine | follower | delivered | p50 ms | p95 ms | max ms | idle CPU % |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for r in rows:
        print(f"| {r['engine']} | {r['mode']} | {r['n']}/{r['n'] + r['missing']} | {r['p50_ms']:.1f} | "
              f"{r['p95_ms']:.1f} | {r['max_ms']:.1f} | {r['idle_cpu_pct']:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
