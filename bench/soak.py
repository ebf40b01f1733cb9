"""Soak benchmark: one simulated working day of a provincial hall, with faults, then checks.

    .venv/bin/python bench/soak.py [--day-minutes 24] [--tickets 2500] [--counters 20] [--kiosks 4]

A working day (8 hours, 07:30-11:30 and 13:00-17:00 folded into one stretch) is played in
``--day-minutes`` of wall time (24 minutes = 20x).  Every kiosk and every counter is its own
process driving ``db.queue`` and ``db.ratings`` (the code the kiosk and counter programs call):
kiosks issue their share of the tickets at an even pace; counters call, recall (5 %), mark
no-shows (5 %), transfer to another service (5 %) or serve, and the citizen presses the
rating keypad after 80 % of the services.  Each worker logs what the database answered to a
JSON-lines file *before* and *after* each write (a kiosk logs the tap's request id first, so
a kiosk killed between commit and log re-sends the same tap after its restart and gets the
same ticket back, like the real kiosk).

Faults injected on the way (at fixed fractions of the day):
* SQLite held locked by a long write transaction (``BEGIN IMMEDIATE`` held ``--lock-s``), or
  with ``--engine postgres`` the server stopped for ``--lock-s`` and started again;
* ``kill -9`` of one kiosk and of one counter worker, restarted at once (as systemd would).

RSS and CPU of every worker are sampled from /proc each simulated half hour.  At the end the
queue left open is closed (``cancel_ticket`` with reason ``day_closed``) and one line per check
is printed, ``PASS`` or ``FAIL``; the exit code is 1 when any check fails.

* ``kill -9`` of the hall display, a real GUI process (``onestop display``) under Xvfb (or
  ``QT_QPA_PLATFORM=offscreen`` when Xvfb is not installed, said in the output), restarted after
  ``--restart-s`` like systemd's ``RestartSec``.  The display writes the event id it is up to date
  with to ``$ONESTOP_STATUS_FILE`` (ui_common.status_file); the soak compares it with the
  database's latest event id every 0.2 s and reports the longest time the board showed stale data.

NOT yet covered (see docs/performance.md): kiosk and counter GUI processes,
printer simulator faults, keypad pty unplug.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter as Tally
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DAY_HOURS = 8.0
SERVICES = ("TP", "DD", "KD")
OFFICER_PIN = "2468"
WARM_UP_S = 60.0   # RSS growth is judged only for a process up this long, from its first sample after 20 s


# ---------------------------------------------------------------- workers

def _log(path: Path):
    handle = open(path, "a", buffering=1, encoding="utf-8")

    def write(**record) -> None:
        handle.write(json.dumps(record) + "\n")
    return write


def _retrying(operation, log, what: str):
    """Call ``operation`` until it succeeds; an error is logged, then retried (a worker never gives up)."""
    while True:
        try:
            return operation()
        except Exception as exc:  # logged; the checks count them
            log(kind="error", what=what, error=repr(exc)[:200])
            time.sleep(0.2)


def kiosk_worker(url: str, name: str, count: int, start_at: float, seconds: float, log_path: Path) -> None:
    """Issue ``count`` tickets evenly over ``seconds``; resume where a killed run stopped."""
    from db import queue
    from db.connection import connect

    connect(url)
    log = _log(log_path)
    done, pending = _kiosk_progress(log_path)
    for request_id, service in pending:  # taps sent before a kill, answer never logged
        info = _retrying(lambda r=request_id, s=service: queue.issue_ticket(s, kiosk=name, request_id=r), log, "issue")
        log(kind="issued", request=request_id, id=info.id)
    rng = random.Random(name)
    for index in range(done + len(pending), count):
        due = start_at + seconds * index / count
        time.sleep(max(0.0, due - time.time()))
        request_id = f"{name}-{index}"
        service = rng.choice(SERVICES)
        log(kind="tap", request=request_id, service=service)
        info = _retrying(lambda s=service, r=request_id: queue.issue_ticket(s, kiosk=name, request_id=r), log, "issue")
        log(kind="issued", request=request_id, id=info.id)
    log(kind="finished")


def _kiosk_progress(log_path: Path) -> tuple[int, list[tuple[str, str]]]:
    """How many taps a killed run got answers for, and the taps it sent without a logged answer."""
    taps, answered = [], set()
    for record in _records(log_path):
        if record["kind"] == "tap":
            taps.append((record["request"], record["service"]))
        elif record["kind"] == "issued":
            answered.add(record["request"])
    pending = [tap for tap in taps if tap[0] not in answered]
    return len(taps) - len(pending), pending


def counter_worker(url: str, number: int, service_s: float, stop_file: Path, log_path: Path) -> None:
    """Serve the hall until the stop file appears and the queue is empty."""
    from db import queue, ratings
    from db.connection import connect

    connect(url)
    log = _log(log_path)
    rng = random.Random(number * 7919 + os.getpid())
    current = _retrying(lambda: queue.current_ticket(number), log, "current")
    run_id = os.getpid()  # request ids: a retry after a lost answer replays, never acts twice
    step = 0
    while True:
        step += 1
        rid = f"c{number}-{run_id}-{step}"
        if current is None:
            current = _retrying(lambda r=rid: queue.call_next(number, request_id=r + "c"), log, "call")
            if current is None:
                if stop_file.exists():
                    break
                time.sleep(service_s / 4)
                continue
            log(kind="called", id=current.id)
        time.sleep(rng.uniform(0.5, 1.5) * service_s)
        roll = rng.random()
        if roll < 0.05 and current.status == "called":
            _retrying(lambda r=rid: queue.recall(number, request_id=r + "r"), log, "recall")
            log(kind="recall", id=current.id)
            continue
        if roll < 0.10 and current.status == "called":
            _retrying(lambda r=rid: queue.mark_no_show(number, request_id=r + "n"), log, "no_show")
            log(kind="no_show", id=current.id)
        elif roll < 0.15:
            target = rng.choice([s for s in SERVICES if s != current.service])
            _retrying(lambda t=target, r=rid: queue.transfer(number, to_service=t, request_id=r + "t"), log, "transfer")
            log(kind="transfer", id=current.id)
        else:
            if current.status == "called":
                _retrying(lambda r=rid: queue.start_service(number, request_id=r + "s"), log, "start")
            _retrying(lambda r=rid: queue.finish_service(number, request_id=r + "f"), log, "finish")
            log(kind="served", id=current.id)
            if rng.random() < 0.8:
                press_id = f"press-{number}-{current.id}"
                value = rng.choice((1, 2, 3))
                _retrying(lambda v=value, r=press_id: ratings.record_press(number, v, request_id=r), log, "press")
                log(kind="press", id=current.id, request=press_id)
        current = None
    log(kind="finished")


def _records(path: Path) -> list[dict]:
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except ValueError:  # a line cut by kill -9
            pass
    return out


# ---------------------------------------------------------------- the run

def prepare(url: str, counters: int) -> None:
    """Import the example site, grow it to ``counters`` counters calling every service, no limits."""
    from db.connection import close, connect
    from db.models import Counter, CounterService, Officer, Service, Site
    from db.officers import hash_pin
    from db.site import import_site
    from db.site_config import load_site_file

    close()
    connect(url)
    import_site(load_site_file(None))
    for service in Service.select():
        service.start, service.end, service.daily_limit = 0, 99999, None
        service.save()
    for number in range(1, counters + 1):
        Counter.get_or_create(number=number, defaults={"name": f"Quầy {number}"})
        Officer.get_or_create(username=f"soak{number}", defaults={"full_name": f"Cán bộ {number}",
                                                                   "pin_hash": hash_pin(OFFICER_PIN)})
    for site in Site.select():   # the printing policy under test: an unprinted ticket is cancelled, never left
        settings = json.loads(site.settings or "{}")
        settings.setdefault("kiosk", {})["on_print_failure"] = "cancel"
        site.settings = json.dumps(settings)
        site.save()
    services = list(Service.select().where(Service.code.in_(SERVICES)))
    for counter in Counter.select().where(Counter.number <= counters):
        for position, service in enumerate(services):
            CounterService.get_or_create(counter=counter, service=service, defaults={"position": position})
    close()


class Proc:
    """One worker process, restartable with the same arguments (as systemd ``Restart=always``)."""

    def __init__(self, name: str, args: list[str], env: dict[str, str] | None = None) -> None:
        self.name, self.args, self.env = name, args, env
        self.samples: list[tuple[int, float, float]] = []   # (rss kB, cpu seconds, seconds since start)
        self.start()

    def command(self) -> list[str]:
        return [sys.executable, __file__, *self.args]

    def start(self) -> None:
        self.popen = subprocess.Popen(self.command(), cwd=ROOT, env=self.env)
        self.started = time.time()

    def sample(self) -> None:
        try:
            status = Path(f"/proc/{self.popen.pid}/status").read_text()
            stat = Path(f"/proc/{self.popen.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return
        rss = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
        ticks = os.sysconf("SC_CLK_TCK")
        self.samples.append((rss, (int(stat[11]) + int(stat[12])) / ticks, time.time() - self.started))

    def kill_and_restart(self, delay_s: float = 0.0) -> None:
        self.popen.send_signal(signal.SIGKILL)
        self.popen.wait()
        self.samples.clear()  # a new process: its memory starts again
        time.sleep(delay_s)
        self.start()


class GuiProc(Proc):
    """A real GUI program started through the ``onestop`` command line (``args`` are its words)."""

    def command(self) -> list[str]:
        return [sys.executable, "-c", "import sys; from cli.main import main; sys.exit(main(sys.argv[1:]))",
                *self.args]


def start_x_server(offscreen: bool) -> tuple[dict[str, str], subprocess.Popen | None, str]:
    """An Xvfb screen for the GUI programs, or the offscreen Qt platform when Xvfb is missing."""
    env = dict(os.environ)
    xvfb = shutil.which("Xvfb") if not offscreen else None
    if offscreen:
        env["QT_QPA_PLATFORM"] = "offscreen"
        return env, None, "GUI programs on QT_QPA_PLATFORM=offscreen (--offscreen)"
    if xvfb is None:
        env["QT_QPA_PLATFORM"] = "offscreen"
        return env, None, "Xvfb not installed: GUI programs on QT_QPA_PLATFORM=offscreen"
    number = 100 + os.getpid() % 800
    server = subprocess.Popen([xvfb, f":{number}", "-screen", "0", "1280x720x24", "-nolisten", "tcp"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 10
    while not Path(f"/tmp/.X11-unix/X{number}").exists() and time.time() < deadline:
        time.sleep(0.05)
    env.pop("QT_QPA_PLATFORM", None)
    env["DISPLAY"] = f":{number}"
    return env, server, f"GUI programs under Xvfb :{number}"


class StaleMeter:
    """How long a screen lags the database: its painted event id vs the latest id, sampled over time."""

    def __init__(self, url: str, status_path: Path) -> None:
        self.url, self.status_path = url, status_path
        self.history: list[tuple[float, int]] = []   # (time, database's latest event id)
        self.longest = 0.0
        self.painted = 0

    def sample(self) -> None:
        from db.events import last_event_id

        now = time.time()
        try:
            latest = last_event_id()
        except Exception:   # the database is down (a fault): the screen's lag is measured when it is back
            return
        self.history.append((now, latest))
        try:
            self.painted = int(json.loads(self.status_path.read_text())["event_id"])
        except (OSError, ValueError, KeyError):
            pass   # the display is down or not yet painted: it still shows (or will show) old data
        behind_since = next((t for t, last in self.history if last > self.painted), None)
        if behind_since is not None:
            self.longest = max(self.longest, now - behind_since)
        self.history = [(t, last) for t, last in self.history if last > self.painted]


def hold_sqlite_lock(path: Path, seconds: float) -> float:
    """A long backup-like writer: hold the write lock ``seconds``; returns the held time."""
    connection = sqlite3.connect(path, timeout=30, isolation_level=None)
    t0 = time.time()
    connection.execute("BEGIN IMMEDIATE")
    time.sleep(seconds)
    connection.execute("COMMIT")
    connection.close()
    return time.time() - t0


def run(args: argparse.Namespace) -> int:
    work = Path(tempfile.mkdtemp(prefix="onestop-soak-"))
    db_path = work / "soak.db"
    server = None
    if args.engine == "postgres":
        sys.path.insert(0, str(ROOT / "tests"))
        from pg_server import PostgresServer

        server = PostgresServer()
        server.start()
        url = server.create_database()
    else:
        url = f"sqlite:///{db_path}"
    try:
        return _run_day(args, work, db_path, url, server)
    finally:
        if server is not None:
            server.cleanup()


def _run_day(args: argparse.Namespace, work: Path, db_path: Path, url: str, server) -> int:
    prepare(url, args.counters)
    day_s = args.day_minutes * 60
    half_hour_s = day_s / (DAY_HOURS * 2)
    service_s = day_s * args.counters / args.tickets * 0.8   # counters busy ~80 % of the day
    stop_file = work / "stop"
    start_at = time.time() + 2
    per_kiosk = [args.tickets // args.kiosks + (1 if i < args.tickets % args.kiosks else 0) for i in range(args.kiosks)]
    kiosks = [Proc(f"kiosk-{i + 1}", ["kiosk", url, f"kiosk-{i + 1}", str(per_kiosk[i]), str(start_at),
                                      str(day_s), str(work / f"kiosk-{i + 1}.jsonl")]) for i in range(args.kiosks)]
    counters = [Proc(f"counter-{n}", ["counter", url, str(n), str(service_s), str(stop_file),
                                      str(work / f"counter-{n}.jsonl")]) for n in range(1, args.counters + 1)]
    gui: list[Proc] = []
    x_server, meter = None, None
    if args.gui:
        from db.connection import connect

        env, x_server, gui_note = start_x_server(args.offscreen)
        print(f"soak: {gui_note}", flush=True)
        env["ONESTOP_STATUS_FILE"] = str(work / "display.status")
        gui.append(GuiProc("display", ["display", "--windowed", "--no-voice", "--db", url], env=env))
        connect(url)
        meter = StaleMeter(url, work / "display.status")
    procs = kiosks + counters + gui
    faults = {0.30: "pg_restart" if server is not None else "sqlite_lock", 0.50: "kill_kiosk", 0.70: "kill_counter"}
    if args.gui:
        faults[0.60] = "kill_display"
    fault_log: list[str] = []
    next_sample = start_at
    t_start = time.time()
    while any(k.popen.poll() is None for k in kiosks) or time.time() < start_at + day_s:
        now = time.time()
        if now >= next_sample:
            for proc in procs:
                proc.sample()
            next_sample += half_hour_s
        for at, fault in list(faults.items()):
            if now >= start_at + at * day_s:
                del faults[at]
                fault_log.append(_inject(fault, db_path, server, kiosks, counters + gui, args))
        if meter is not None:
            meter.sample()
        for kiosk in kiosks:  # a kiosk crashed by itself would be restarted the same way
            if kiosk.popen.poll() not in (None, 0):
                kiosk.start()
        time.sleep(0.05)
    stop_file.touch()
    deadline = time.time() + day_s / 4 + 60
    while any(c.popen.poll() is None for c in counters) and time.time() < deadline:
        time.sleep(0.2)
    caught_up = None
    if meter is not None:   # the board must come back to the database's state by itself
        deadline = time.time() + 15
        while time.time() < deadline:
            meter.sample()
            if meter.history == [] and meter.painted > 0:
                caught_up = True
                break
            time.sleep(0.2)
        caught_up = bool(caught_up)
    for proc in procs:
        if proc.popen.poll() is None:
            proc.popen.kill()
            proc.popen.wait()
    if x_server is not None:
        x_server.kill()
        x_server.wait()
    wall = time.time() - t_start
    return report(url, work, kiosks, counters, fault_log, wall, args, gui=gui, meter=meter, caught_up=caught_up)


def _inject(fault: str, db_path: Path, server, kiosks: list[Proc], others: list[Proc], args) -> str:
    lock_s = args.lock_s
    if fault == "pg_restart":
        t0 = time.time()
        server.stop()
        time.sleep(lock_s)
        server.start()
        return f"PostgreSQL stopped and restarted, down {time.time() - t0:.1f} s"
    if fault == "sqlite_lock":
        held = hold_sqlite_lock(db_path, lock_s)
        return f"sqlite write lock held {held:.1f} s"
    if fault == "kill_display":
        display = next(proc for proc in others if proc.name == "display")
        display.kill_and_restart(args.restart_s)
        return f"kill -9 display, restarted after {args.restart_s:g} s"
    target = kiosks[0] if fault == "kill_kiosk" else next(p for p in reversed(others) if p.name.startswith("counter"))
    target.kill_and_restart()
    return f"kill -9 {target.name}, restarted"


def report(url: str, work: Path, kiosks: list[Proc], counters: list[Proc], fault_log: list[str],
           wall: float, args: argparse.Namespace, gui: list[Proc] = (), meter: StaleMeter | None = None,
           caught_up: bool | None = None) -> int:
    from db import queue
    from db.connection import connect
    from db.models import Rating, Ticket

    connect(url)
    for row in Ticket.select().where(Ticket.status.in_(("waiting", "called", "serving"))):
        queue.cancel_ticket(row.id, reason="day_closed")
    issued: set[int] = set()
    errors = Tally()
    for kiosk in kiosks:
        for record in _records(work / f"{kiosk.name}.jsonl"):
            if record["kind"] == "issued":
                issued.add(record["id"])
            elif record["kind"] == "error":
                errors[record["what"]] += 1
    calls, transfers, presses = Tally(), Tally(), set()
    for counter in counters:
        for record in _records(work / f"{counter.name}.jsonl"):
            kind = record["kind"]
            if kind == "called":
                calls[record["id"]] += 1
            elif kind == "transfer":
                transfers[record["id"]] += 1
            elif kind == "press":
                presses.add(record["request"])
            elif kind == "error":
                errors[record["what"]] += 1
    unfinished = [proc.name for proc in kiosks + counters
                  if not any(r["kind"] == "finished" for r in _records(work / f"{proc.name}.jsonl"))]
    rows = list(Ticket.select())
    by_status = Tally(row.status for row in rows)
    accounted = by_status["done"] + by_status["no_show"] + sum(
        1 for row in rows if row.status == "cancelled" and row.cancel_reason)
    numbers = Tally((row.service_day, row.issued_service_id, row.number) for row in rows)
    duplicates = sum(n - 1 for n in numbers.values() if n > 1)
    double_calls = sum(1 for ticket_id, n in calls.items() if n > 1 + transfers[ticket_id])
    stored_presses = Rating.select().count()
    ghosts = len({row.id for row in rows} - issued)
    checks = [
        (f"tickets issued {len(issued)} = accounted for {accounted} (done {by_status['done']}, "
         f"no-show {by_status['no_show']}, cancelled {by_status['cancelled']})",
         len(issued) == accounted == len(rows) and len(issued) == args.tickets),
        (f"duplicate numbers: {duplicates}", duplicates == 0),
        (f"double calls: {double_calls}", double_calls == 0),
        (f"lost ratings: sent {len(presses)}, stored {stored_presses}", len(presses) == stored_presses),
        (f"ghost tickets: {ghosts}", ghosts == 0),
        (f"workers that did not finish their day: {unfinished or 0}", not unfinished),
    ]
    if meter is not None:
        checks.append((f"display back to the database's state after the faults (event {meter.painted}); "
                       f"longest stale screen {meter.longest:.1f} s", bool(caught_up)))
    for proc in [*kiosks, *counters, *gui]:
        warmed = [sample for sample in proc.samples if sample[2] >= WARM_UP_S / 3]   # imports done
        if len(proc.samples) >= 3:
            warm, end = (warmed or proc.samples)[0], proc.samples[-1]
            growth = (end[0] - warm[0]) / warm[0] * 100
            cpu = (end[1] - warm[1])
            text = (f"{proc.name}: RSS {warm[0] / 1024:.1f} -> {end[0] / 1024:.1f} MiB ({growth:+.1f} %), "
                    f"CPU {cpu:.1f} s")
            if time.time() - proc.started < WARM_UP_S or len(warmed) < 2:   # a fresh process still fills caches
                print(f"INFO {text} (up {time.time() - proc.started:.0f} s: too short to judge growth)")
            else:
                checks.append((text, growth < 10))
    print(f"soak: engine {args.engine}, {args.tickets} tickets, {args.counters} counters, {args.kiosks} kiosks, "
          f"day {args.day_minutes} min ({DAY_HOURS * 60 / args.day_minutes:.0f}x), wall {wall:.0f} s")
    for fault in fault_log:
        print(f"fault: {fault}")
    print(f"retried errors: {dict(errors) or 0}")
    for text, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'} {text}")
    return 0 if all(ok for _, ok in checks) else 1


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "kiosk":
        url, name, count, start_at, seconds, log_path = sys.argv[2:8]
        kiosk_worker(url, name, int(count), float(start_at), float(seconds), Path(log_path))
        return 0
    if len(sys.argv) > 1 and sys.argv[1] == "counter":
        url, number, service_s, stop_file, log_path = sys.argv[2:7]
        counter_worker(url, int(number), float(service_s), Path(stop_file), Path(log_path))
        return 0
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--day-minutes", type=float, default=24.0, help="wall minutes for the 8-hour day (24 = 20x)")
    parser.add_argument("--tickets", type=int, default=2500)
    parser.add_argument("--counters", type=int, default=20)
    parser.add_argument("--kiosks", type=int, default=4)
    parser.add_argument("--engine", choices=("sqlite", "postgres"), default="sqlite",
                        help="postgres starts a throwaway server (tests/pg_server.py) and restarts it mid-day")
    parser.add_argument("--lock-s", type=float, default=5.0,
                        help="how long the fake backup holds SQLite's lock / PostgreSQL stays down")
    parser.add_argument("--no-gui", dest="gui", action="store_false",
                        help="no GUI process (the display is otherwise a real `onestop display` under Xvfb)")
    parser.add_argument("--offscreen", action="store_true", help="GUI programs on Qt's offscreen platform, no Xvfb")
    parser.add_argument("--restart-s", type=float, default=2.0,
                        help="delay before a killed GUI program is started again (systemd RestartSec)")
    return run(parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
