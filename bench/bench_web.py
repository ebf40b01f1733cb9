"""Web service benchmark: live tracking connections and the status API, beside baselines.

    .venv/bin/python bench/bench_web.py [--clients 200,1000] [--engines sqlite,postgres] [--rounds 5]
                                        [--rate 200] [--seconds 10] [--idle-s 10]

For each engine and each client count N, a real ``onestop web`` process serves
a database holding N waiting tickets of one service, and this process opens N
Server-Sent Events streams (httpx, one asyncio loop), one per ticket.  Then:

* **call -> phone**: ``--rounds`` times, once the updates of the previous "done"
  have all arrived, a call is committed (``db.queue.call_next``
  from a worker thread of this process) and, for every stream, the time from the
  commit's return to the first update arriving is taken (a call moves everybody's
  "people ahead", so all N streams get one).  p50 / p95 / max over N x rounds.
* **server RSS** with the N streams open, and **idle CPU**: the server's CPU time
  over ``--idle-s`` seconds with the N streams open and nothing happening, as a
  percentage of one core (pings included).
* **GET /api/v1/status** at ``--rate`` requests/s for ``--seconds`` (open loop:
  requests start on schedule whether or not earlier ones finished), latency
  p50 / p95, beside the same load on a **baseline**: a bare uvicorn app answering
  a fixed JSON document, started the same way in the same run.

Client and server share the machine's 2 cores, so the latencies include the
client's own work of reading N streams.  The rate limit is raised for the run
(all clients come from 127.0.0.1).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import httpx

from db import queue
from db.connection import close, connect
from db.models import Service
from db.site import import_site
from db.site_config import parse_site_text

ONESTOP = str(Path(sys.executable).with_name("onestop"))
BASELINE_APP = """
import sys, uvicorn
BODY = b'{"service_day": "2026-01-01", "waiting": {"TP": 0}, "services": [], "counters": []}'
async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": BODY})
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", access_log=False)
"""


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_ready(url: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.05)
    raise RuntimeError(f"{url} did not answer")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def prepare(url: str, port: int, tickets: int) -> list[str]:
    from importlib import resources

    close()
    connect(url)
    text = resources.files("db").joinpath("example_site.toml").read_text(encoding="utf-8")
    import_site(parse_site_text(text + f'\n[web]\npublic_url = "http://127.0.0.1:{port}"\n'))
    Service.update(end=99999, daily_limit=None).execute()
    return [queue.issue_ticket("TP").track_url for _ in range(tickets)]


class Streams:
    """N SSE streams read in one asyncio loop; records the arrival time of every state event."""

    def __init__(self, urls: list[str]) -> None:
        self.urls = urls
        self.arrivals: list[list[float]] = [[] for _ in urls]
        self.opened = 0
        self.errors = 0

    async def _one(self, client: httpx.AsyncClient, index: int) -> None:
        try:
            async with client.stream("GET", self.urls[index] + "/events") as answer:
                first = True
                async for line in answer.aiter_lines():
                    if line.startswith("event: state"):
                        self.arrivals[index].append(time.time())
                        if first:
                            self.opened += 1
                            first = False
        except (httpx.HTTPError, asyncio.CancelledError):
            self.errors += 1

    async def run(self, body) -> object:
        limits = httpx.Limits(max_connections=len(self.urls) + 50, max_keepalive_connections=len(self.urls) + 50)
        async with httpx.AsyncClient(timeout=httpx.Timeout(60, read=None), limits=limits) as client:
            tasks = []
            for i in range(len(self.urls)):
                tasks.append(asyncio.create_task(self._one(client, i)))
                if i % 50 == 49:
                    await asyncio.sleep(0.05)      # let the server accept in batches
            deadline = time.monotonic() + 120
            while self.opened < len(self.urls) and time.monotonic() < deadline:
                await asyncio.sleep(0.1)
            try:
                return await body(self)
            finally:
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)


async def settle(streams: Streams, quiet_s: float = 0.5, limit_s: float = 15) -> None:
    """Wait until no update has arrived for ``quiet_s``, so each call is measured from a quiet hall."""
    deadline = time.monotonic() + limit_s
    total = -1
    while time.monotonic() < deadline:
        now_total = sum(len(a) for a in streams.arrivals)
        if now_total == total:
            return
        total = now_total
        await asyncio.sleep(quiet_s)


async def live_rounds(streams: Streams, server_pid: int, rounds: int, idle_s: float) -> dict:
    latencies: list[float] = []
    missing = 0
    await asyncio.sleep(1.0)
    rss = rss_mb(server_pid)
    before = cpu_s(server_pid)
    await asyncio.sleep(idle_s)
    idle_cpu = (cpu_s(server_pid) - before) / idle_s * 100
    for _ in range(rounds):
        await asyncio.to_thread(lambda: queue.current_ticket(1) and queue.finish_service(1))
        await settle(streams)                              # the "done" wave (new wait estimates) has arrived
        counts = [len(a) for a in streams.arrivals]
        await asyncio.to_thread(queue.call_next, 1)
        committed = time.time()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if all(len(a) > c for a, c in zip(streams.arrivals, counts, strict=True)):
                break
            await asyncio.sleep(0.01)
        for a, c in zip(streams.arrivals, counts, strict=True):
            if len(a) > c:
                latencies.append(a[c] - committed)
            else:
                missing += 1
    return {"latencies": latencies, "missing": missing, "rss": rss, "idle_cpu": idle_cpu,
            "opened": streams.opened, "errors": streams.errors}


async def load(url: str, rate: int, seconds: float) -> dict:
    latencies: list[float] = []
    failures = 0
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    async with httpx.AsyncClient(timeout=10, limits=limits) as client:
        async def one() -> None:
            nonlocal failures
            start = time.perf_counter()
            try:
                answer = await client.get(url)
                if answer.status_code != 200:
                    failures += 1
                    return
            except httpx.HTTPError:
                failures += 1
                return
            latencies.append(time.perf_counter() - start)

        for _ in range(rate):                               # warm the connection pool
            await one()
        latencies.clear()
        tasks = []
        begin = time.perf_counter()
        for i in range(int(rate * seconds)):
            delay = begin + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one()))
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - begin
    return {"p50": statistics.median(latencies), "p95": pct(latencies, 95), "failures": failures,
            "achieved": len(latencies) / elapsed}


def start_server(db_url: str, port: int) -> subprocess.Popen:
    process = subprocess.Popen([ONESTOP, "web", "--listen", f"127.0.0.1:{port}", "--db", db_url,
                                "--rate-limit", "10000000/minute"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wait_ready(f"http://127.0.0.1:{port}/api/v1/openapi.json")
    return process


def stop(process: subprocess.Popen) -> int:
    process.terminate()
    return process.wait(timeout=30)


def bench_engine(engine: str, db_url_for, clients: list[int], args) -> list[str]:
    rows = []
    for n in clients:
        port = free_port()
        db_url = db_url_for()
        urls = prepare(db_url, port, n + args.rounds + 1)[args.rounds + 1:]   # the first ones get called
        server = start_server(db_url, port)
        try:
            result = asyncio.run(Streams(urls).run(
                lambda streams, pid=server.pid: live_rounds(streams, pid, args.rounds, args.idle_s)))
        finally:
            code = stop(server)
        lat = result["latencies"]
        rows.append(f"| {engine} | {n} streams ({result['opened']} opened, {result['errors']} errors) | "
                    f"{statistics.median(lat) * 1000:.0f} / {pct(lat, 95) * 1000:.0f} / {max(lat) * 1000:.0f} ms "
                    f"({len(lat)} updates, {result['missing']} missing) | {result['rss']:.0f} MB | "
                    f"{result['idle_cpu']:.2f} % | exit {code} |")
        print(rows[-1], flush=True)
    # the status API at a fixed rate, beside a bare uvicorn app in the same run
    port = free_port()
    db_url = db_url_for()
    prepare(db_url, port, 30)
    queue.call_next(1)
    server = start_server(db_url, port)
    base_port = free_port()
    baseline = subprocess.Popen([sys.executable, "-c", BASELINE_APP, str(base_port)])
    try:
        wait_ready(f"http://127.0.0.1:{base_port}/")
        ours = asyncio.run(load(f"http://127.0.0.1:{port}/api/v1/status", args.rate, args.seconds))
        bare = asyncio.run(load(f"http://127.0.0.1:{base_port}/", args.rate, args.seconds))
    finally:
        stop(server)
        stop(baseline)
    rows.append(f"| {engine} | GET /api/v1/status at {args.rate}/s ({ours['achieved']:.0f}/s done, "
                f"{ours['failures']} failed) | p50 {ours['p50'] * 1000:.1f} / p95 {ours['p95'] * 1000:.1f} ms | "
                f"baseline bare uvicorn: p50 {bare['p50'] * 1000:.1f} / p95 {bare['p95'] * 1000:.1f} ms "
                f"(p95 ratio {ours['p95'] / bare['p95']:.1f}x) | | |")
    print(rows[-1], flush=True)
    close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", default="200,1000")
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--rate", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--idle-s", type=float, default=10)
    args = parser.parse_args()
    clients = [int(c) for c in args.clients.split(",") if int(c) > 0]   # --clients 0: only the status API
    rows = ["| engine | load | commit -> arrival p50 / p95 / max | server RSS | idle CPU (one core) | stop |",
            "|---|---|---|---|---|---|"]
    for engine in args.engines.split(","):
        if engine == "sqlite":
            folder = Path(tempfile.mkdtemp(prefix="onestop-bench-web-"))
            counter = iter(range(1000))
            rows += bench_engine("SQLite", lambda folder=folder, counter=counter: f"sqlite:///{folder}/web{next(counter)}.db",
                                 clients, args)
        else:
            from pg_server import PostgresServer

            server = PostgresServer()
            server.start()
            try:
                rows += bench_engine("PostgreSQL", server.create_database, clients, args)
            finally:
                close()
                server.cleanup()
    print("\n".join(rows))


if __name__ == "__main__":
    threading.current_thread().name = "bench"
    main()
