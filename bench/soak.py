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

The GUI side (on unless ``--no-gui``; the day starts once every screen answers):

* kiosk-1 is the real ``onestop kiosk`` printing on the printer simulator (``onestop printer-sim``), and
  counters 1..``--gui-counters`` are real ``onestop counter`` programs.  The soak drives them through
  ``$ONESTOP_AUTOMATION_SOCKET`` (ui_common.automation): "tap service X", "call next", "done", ... are
  clicks on their real widgets, answered when the outcome is on screen.  A citizen whose tap is refused
  (paper out) tries again a second later; the GUI kiosk's share is what it can serve at a citizen's pace
  (``GUI_TAP_S``), the headless kiosks issue the rest.  The site's printing policy is ``cancel``.
* each GUI counter has a rating keypad on a pty pair behind a stable symlink: counter 1's is read by
  the headless ``onestop keypad``, the others by the counter program's own reader (``--keypad``).
  The citizen presses after 80 % of the services; both keypads are unplugged (pty closed, link
  removed) at 55 % of the day for ``--unplug-s`` and plugged back (a new pty); a press while
  unplugged is not made (counted as such).
* faults: printer out of paper at 20 % and hanging up each job after 2000 bytes at 80 % (each for
  ``--printer-fault-s``: the kiosk's printer port is switched to a simulator started in that mode,
  ``PrinterSwitch``), and
  ``kill -9`` of the GUI kiosk at 45 %, restarted after ``--restart-s``; the soak then waits for its
  home screen with tiles it can tap and reports how long that took and the printer banner it shows.
* checks added: ghost tickets at the GUI kiosk (every ticket it issued is printed - one slip each on
  the simulator - or cancelled ``print_failed``), the kiosk back after ``kill -9``, each keypad's
  presses sent = stored (0 lost, 0 invented).

RSS and CPU of every process (workers, GUI programs, keypad reader, printer simulator) are sampled
each simulated half hour; growth is judged from the first sample after the day's first hour and
``WARM_UP_S / 3`` after the program was up (its screen answered) to the last one, when that spans at
least ``WARM_UP_S``.

NOT covered yet (see docs/performance.md): ``onestop backup`` as the lock holder; a GUI counter killed.
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
PRINTER_MODES = {"ready": [], "paper_out": ["--paper-out"], "hangup": ["--hangup-after", "2000"]}
KIOSK_BACK_S = 120.0   # a kiosk restarted after kill -9 must show its tiles again within this (loaded machine)
GUI_TAP_S = 4.0    # the GUI kiosk's pace at most: a citizen's tap, the guards, the ticket screen touched away
WARM_UP_S = 60.0   # RSS growth is judged only for a process up this long, from its first sample after 20 s


# ---------------------------------------------------------------- workers

def _log(path: Path):
    handle = open(path, "a", buffering=1, encoding="utf-8")

    def write(**record) -> None:
        handle.write(json.dumps(record) + "\n")
    return write


REFUSED = object()   # what ``_retrying`` returns for a refusal (NotAllowed): retrying cannot change it


def _retrying(operation, log, what: str):
    """Call ``operation`` until it succeeds; an error is logged, then retried (a worker never gives up).

    A refusal (``NotAllowed``: the ticket was closed by someone else) is logged and returned as ``REFUSED``.
    """
    from db.errors import NotAllowed

    while True:
        try:
            return operation()
        except NotAllowed as exc:
            log(kind="error", what=f"{what} refused", error=repr(exc)[:200])
            return REFUSED
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
            if _retrying(lambda r=rid: queue.recall(number, request_id=r + "r"), log, "recall") is REFUSED:
                current = _retrying(lambda: queue.current_ticket(number), log, "current")   # closed under us
                continue
            log(kind="recall", id=current.id)
            continue
        if roll < 0.10 and current.status == "called":
            if _retrying(lambda r=rid: queue.mark_no_show(number, request_id=r + "n"), log, "no_show") is REFUSED:
                current = _retrying(lambda: queue.current_ticket(number), log, "current")
                continue
            log(kind="no_show", id=current.id)
        elif roll < 0.15:
            target = rng.choice([s for s in SERVICES if s != current.service])
            if _retrying(lambda t=target, r=rid: queue.transfer(number, to_service=t, request_id=r + "t"),
                         log, "transfer") is REFUSED:
                current = _retrying(lambda: queue.current_ticket(number), log, "current")
                continue
            log(kind="transfer", id=current.id)
        else:
            if current.status == "called" and _retrying(
                    lambda r=rid: queue.start_service(number, request_id=r + "s"), log, "start") is REFUSED:
                current = _retrying(lambda: queue.current_ticket(number), log, "current")
                continue
            if _retrying(lambda r=rid: queue.finish_service(number, request_id=r + "f"), log, "finish") is REFUSED:
                current = _retrying(lambda: queue.current_ticket(number), log, "current")
                continue
            log(kind="served", id=current.id)
            if rng.random() < 0.8:
                press_id = f"press-{number}-{current.id}"
                value = rng.choice((1, 2, 3))
                _retrying(lambda v=value, r=press_id: ratings.record_press(number, v, request_id=r), log, "press")
                log(kind="press", id=current.id, request=press_id)
        current = None
    log(kind="finished")


# ---------------------------------------------------------------- GUI programs, driven

class Channel:
    """The soak's end of a GUI program's automation socket (``ui_common.automation``): one JSON line each way."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file = None

    def ask(self, timeout_s: float = 90.0, **request) -> dict:
        """Send one request and wait for its answer; ``ConnectionError`` when the program is gone."""
        import socket

        try:
            if self._file is None:
                self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self._sock.settimeout(10)
                self._sock.connect(str(self.path))
                self._file = self._sock.makefile("rwb")
            self._sock.settimeout(timeout_s)
            self._file.write(json.dumps(request).encode() + b"\n")
            self._file.flush()
            line = self._file.readline()
        except OSError as exc:
            self.close()
            raise ConnectionError(str(exc)) from exc
        if not line:
            self.close()
            raise ConnectionError("program closed the channel")
        return json.loads(line)

    def close(self) -> None:
        if self._file is not None:
            try:
                self._file.close()
            except OSError:
                pass
            self._file = None


class PtyKeypad:
    """A rating keypad on a serial line: a pty pair, reached by the reader through a stable symlink.

    Unplugging closes the master and removes the link (the reader's reads fail like a pulled USB-serial
    adapter); plugging back in is a new pty with the link pointed at it (as udev's /dev/serial/by-id).
    """

    def __init__(self, path: Path, counter: int) -> None:
        import threading

        self.path, self.counter = str(path), counter
        self.lock = threading.RLock()
        self.master: int | None = None
        self.slave: int | None = None
        self.sent = self.skipped = 0
        self.plug()

    def plug(self) -> None:
        import tty

        with self.lock:
            master, slave = os.openpty()
            tty.setraw(slave)
            self.master, self.slave = master, slave
            tmp = self.path + ".new"
            if os.path.lexists(tmp):
                os.unlink(tmp)
            os.symlink(os.ttyname(slave), tmp)
            os.replace(tmp, self.path)

    def unplug(self) -> None:
        with self.lock:
            if os.path.lexists(self.path):
                os.unlink(self.path)
            for fd in (self.master, self.slave):
                if fd is not None:
                    os.close(fd)
            self.master = self.slave = None

    def press(self, value: int) -> bool:
        """The citizen presses ``value``; False (and counted as skipped) while the keypad is unplugged."""
        with self.lock:
            if self.master is None:
                self.skipped += 1
                return False
            os.write(self.master, str(value).encode())
            self.sent += 1
            return True


def gui_kiosk_driver(channel: Channel, count: int, start_at: float, seconds: float, log_path: Path,
                     give_up_at: float, on_ready=lambda: None) -> None:
    """Citizens at the GUI kiosk: ``count`` printed tickets at an even pace; a failed tap is tried again."""
    log = _log(log_path)
    rng = random.Random("gui-kiosk")
    printed = 0
    lost_at: float | None = time.time()
    first = True
    while printed < count and time.time() < give_up_at:
        due = start_at + seconds * printed / count
        time.sleep(max(0.0, due - time.time()))
        service = rng.choice(SERVICES)
        try:
            if lost_at is not None:   # restarted: wait for the home screen with its tiles before tapping
                state = channel.ask(do="state", timeout_s=5)
                if state.get("screen") != "home" or not any(t["enabled"] for t in state.get("tiles", ())):
                    time.sleep(0.2)
                    continue
                log(kind="kiosk_up" if first else "kiosk_ready", after_s=round(time.time() - lost_at, 2),
                    screen=state["screen"], printer_problem=state.get("printer_problem"))
                lost_at, first = None, False
                on_ready()
            log(kind="gui_tap", service=service)
            answer = channel.ask(do="tap", service=service)
        except (ConnectionError, ValueError) as exc:
            if lost_at is None:
                lost_at = time.time()
                log(kind="kiosk_lost", error=str(exc)[:120])
            time.sleep(0.2)
            continue
        ticket = answer.get("ticket")
        if answer.get("ok") and ticket and ticket.get("printed"):
            printed += 1
            log(kind="gui_printed", code=ticket["code"], service=service)
        elif answer.get("ok") and ticket:   # kept, shown on screen (a job the printer got whole, not confirmed)
            printed += 1
            log(kind="gui_shown", code=ticket["code"], service=service)
        else:
            log(kind="gui_refused", service=service, screen=answer.get("screen"), message=answer.get("message"),
                error=answer.get("error"), printer_problem=answer.get("printer_problem"))
            time.sleep(1.0)   # the citizen reads the message, then tries again
    log(kind="finished" if printed >= count else "gave_up", printed=printed)


def gui_counter_driver(channel: Channel, number: int, service_s: float, stop_file: Path, log_path: Path,
                       keypad: PtyKeypad | None, give_up_at: float, on_ready=lambda: None) -> None:
    """An officer at a GUI counter program, clicking what ``counter_worker`` calls directly."""
    log = _log(log_path)
    rng = random.Random(number * 7919)

    def ask(**request) -> dict:
        while time.time() < give_up_at:
            try:
                answer = channel.ask(**request)
            except (ConnectionError, ValueError) as exc:
                log(kind="error", what=request.get("action", request["do"]), error=str(exc)[:120])
                time.sleep(0.5)
                continue
            if not answer.get("ok") or answer.get("message_kind") == "error":
                log(kind="error", what=request.get("action", request["do"]),
                    error=str(answer.get("error") or answer.get("message"))[:120])
            return answer
        raise TimeoutError("counter driver gave up")

    try:
        while ask(do="login", username=f"soak{number}", pin=OFFICER_PIN).get("page") != "main":
            time.sleep(0.5)
        on_ready()
        held: int | None = None

        def track(answer: dict) -> dict | None:
            nonlocal held
            ticket = answer.get("ticket")
            if ticket is None:
                held = None
            elif ticket["id"] != held:
                held = ticket["id"]
                log(kind="called", id=held)
            return ticket

        while True:
            ticket = track(ask(do="state"))
            if ticket is None:
                answer = ask(do="act", action="call_next")
                if track(answer) is None:
                    if stop_file.exists() and answer.get("ok") and answer.get("message_kind") != "error":
                        break
                    time.sleep(service_s / 4)
                continue
            time.sleep(rng.uniform(0.5, 1.5) * service_s)
            roll = rng.random()
            if roll < 0.05 and ticket["status"] == "called":
                answer = ask(do="act", action="recall")
                if answer.get("ok") and answer.get("message_kind") != "error":
                    log(kind="recall", id=ticket["id"])
                continue
            if roll < 0.10 and ticket["status"] == "called":
                answer = ask(do="act", action="no_show")
                if track(answer) is None:
                    log(kind="no_show", id=ticket["id"])
            elif roll < 0.15:
                target = rng.choice([code for code in SERVICES if code != ticket["service"]])
                answer = ask(do="transfer", to_service=target)
                if track(answer) is None:
                    log(kind="transfer", id=ticket["id"])
            else:
                if ticket["status"] == "called":
                    ask(do="act", action="start")
                answer = ask(do="act", action="done")
                if track(answer) is None:
                    log(kind="served", id=ticket["id"])
                    if keypad is not None and rng.random() < 0.8:
                        value = rng.choice((1, 2, 3))
                        log(kind="keypad_press" if keypad.press(value) else "keypad_unplugged", id=ticket["id"],
                            value=value)
        log(kind="finished")
    except TimeoutError:
        log(kind="gave_up")


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


RUNNING: list[Proc] = []   # every process started, so none outlives a soak that failed half-way


class Proc:
    """One worker process, restartable with the same arguments (as systemd ``Restart=always``)."""

    def __init__(self, name: str, args: list[str], env: dict[str, str] | None = None,
                 output: Path | None = None, waits_ready: bool = False) -> None:
        self.name, self.args, self.env, self.output = name, args, env, output
        self.waits_ready = waits_ready   # a GUI program: memory is judged from when its screen is up
        self.samples: list[tuple[int, float, float]] = []   # (rss kB, cpu seconds, seconds since start)
        self.start()

    def command(self) -> list[str]:
        return [sys.executable, __file__, *self.args]

    def start(self) -> None:
        RUNNING.append(self)
        out = open(self.output, "ab") if self.output is not None else None   # a GUI program's log, kept
        self.popen = subprocess.Popen(self.command(), cwd=ROOT, env=self.env, stdout=out,
                                      stderr=subprocess.STDOUT if out is not None else None)
        if out is not None:
            out.close()
        self.started = time.time()
        self.ready_at: float | None = None if self.waits_ready else self.started

    def ready(self) -> None:
        """Its screen answered (the soak's driver says so): memory growth is measured from about now."""
        if self.ready_at is None:
            self.ready_at = time.time()

    def restart(self, args: list[str] | None = None) -> None:
        """Stop it politely (SIGTERM) and start it again, with new arguments when given."""
        self.popen.terminate()
        try:
            self.popen.wait(10)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait()
        self.samples.clear()
        if args is not None:
            self.args = args
        self.start()

    def sample(self) -> None:
        try:
            status = Path(f"/proc/{self.popen.pid}/status").read_text()
            stat = Path(f"/proc/{self.popen.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return
        rss = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), None)
        if rss is None:   # a zombie (exited, not yet reaped): nothing to measure
            return
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
        self.pid = 0   # the process that wrote the status file last
        self.behind: Tally = Tally()   # kinds of the events it never painted (filled when it did not catch up)

    def sample(self) -> None:
        from db.events import last_event_id

        now = time.time()
        try:
            latest = last_event_id()
        except Exception:   # the database is down (a fault): the screen's lag is measured when it is back
            return
        self.history.append((now, latest))
        try:
            record = json.loads(self.status_path.read_text())
            self.painted, self.pid = int(record["event_id"]), int(record.get("pid", 0))
        except (OSError, ValueError, KeyError):
            pass   # the display is down or not yet painted: it still shows (or will show) old data
        if self.painted == 0:   # its first paint: the start-up is not a stale screen
            self.history.clear()
            return
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
        for proc in RUNNING:
            if proc.popen.poll() is None:
                proc.popen.kill()
                proc.popen.wait()
        if server is not None:
            server.cleanup()


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrinterSwitch:
    """The kiosk's printer port, wired to one of three simulators (in order, out of paper, hanging up).

    Switching the wire is instant, where restarting one simulator in another mode costs a Python start
    (tens of seconds on a loaded machine, during which the fault would be "printer off" instead).  Bytes
    are copied both ways unchanged; when the simulator drops or resets the connection, the kiosk's side
    is reset too (``SO_LINGER`` 0), so the kiosk sees what it would see on the printer's own socket.
    """

    def __init__(self, targets: dict[str, int]) -> None:
        import socket
        import threading

        self.targets, self.mode = targets, "ready"
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        import socket
        import threading

        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(("127.0.0.1", self.targets[self.mode]), timeout=5)
                server.settimeout(None)
            except OSError:
                _reset(client)
                continue
            threading.Thread(target=_pipe, args=(client, server), daemon=True).start()

    def close(self) -> None:
        self.listener.close()


def _reset(sock) -> None:
    import socket
    import struct

    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))   # close() sends RST
        sock.close()
    except OSError:
        pass


def _pipe(client, server) -> None:
    """Copy both ways in one thread until a side ends: an orderly end is passed on as one, an abrupt one
    (a reset, the hang-up simulator) resets the other side at once."""
    import select
    import socket

    peers = {client: server, server: client}
    open_ends = set(peers)
    try:
        while open_ends:
            ready, _, _ = select.select(list(open_ends), [], [], 60)
            if not ready:
                continue
            for source in ready:
                data = source.recv(65536)
                if data:
                    peers[source].sendall(data)
                else:
                    open_ends.discard(source)
                    peers[source].shutdown(socket.SHUT_WR)
    except OSError:
        _reset(client)
        _reset(server)
        return
    client.close()
    server.close()


class Hall:
    """The GUI side of the day: display, kiosk, counters, keypads, printer simulator, and their drivers."""

    def __init__(self, args: argparse.Namespace, work: Path, url: str, env: dict[str, str]) -> None:
        self.args, self.work, self.url, self.env = args, work, url, env
        self.procs: list[Proc] = []
        self.threads: list = []
        self.display = self.kiosk = self.switch = None
        self.printers: dict[str, Proc] = {}
        self.keypads: list[PtyKeypad] = []
        self.printer_mode = "ready"
        self.up_s = 0.0

    def start_display(self) -> None:
        env = {**self.env, "ONESTOP_STATUS_FILE": str(self.work / "display.status")}
        self.display = GuiProc("display", ["display", "--windowed", "--no-voice", "--db", self.url], env=env,
                               output=self.work / "display.log", waits_ready=True)
        self.procs.append(self.display)

    def start_kiosk_and_counters(self, kiosk_count: int, day_s: float, service_s: float, stop_file: Path) -> None:
        """Start the programs; their drivers wait for ``start_drivers`` (the day starts once every screen is up)."""
        import threading

        ports = {}
        for mode, flags in PRINTER_MODES.items():
            ports[mode] = free_port()
            self.printers[mode] = GuiProc(f"printer-sim-{mode}", [
                "printer-sim", "--listen", f"127.0.0.1:{ports[mode]}", "--out", str(self.work / f"printer-{mode}"),
                *flags], env=self.env, output=self.work / f"printer-sim-{mode}.log")
            self.procs.append(self.printers[mode])
        self.switch = PrinterSwitch(ports)
        self.printer_ports = ports
        kiosk_env = {**self.env, "ONESTOP_AUTOMATION_SOCKET": str(self.work / "kiosk-1.sock")}
        printer_url = f"tcp://127.0.0.1:{self.switch.port}"
        self.kiosk = GuiProc("kiosk-1", ["kiosk", "--windowed", "--printer", printer_url, "--kiosk-id", "kiosk-1",
                                         "--db", self.url], env=kiosk_env, output=self.work / "kiosk-1.log",
                             waits_ready=True)
        self.procs.append(self.kiosk)
        self.drivers = [lambda start_at, give_up_at: threading.Thread(target=gui_kiosk_driver, daemon=True, args=(
            Channel(self.work / "kiosk-1.sock"), kiosk_count, start_at, day_s, self.work / "kiosk-1.jsonl",
            give_up_at, self.kiosk.ready))]
        self.keypads = [PtyKeypad(self.work / f"keypad-{n}", n) for n in range(1, self.args.gui_counters + 1)]
        if self.keypads:   # counter 1's keypad is read by the headless reader; the others by the counter program
            self.procs.append(GuiProc("keypad-1", ["keypad", "--port", self.keypads[0].path, "--counter", "1",
                                                   "--db", self.url], env=self.env, output=self.work / "keypad-1.log"))
        for keypad in self.keypads:
            n = keypad.counter
            words = ["counter", "--counter", str(n), "--windowed", "--lock-after", "0", "--db", self.url]
            if n > 1:
                words += ["--keypad", keypad.path]
            env = {**self.env, "ONESTOP_AUTOMATION_SOCKET": str(self.work / f"counter-{n}.sock")}
            program = GuiProc(f"counter-{n}", words, env=env, output=self.work / f"counter-{n}.log", waits_ready=True)
            self.procs.append(program)
            self.drivers.append(lambda start_at, give_up_at, n=n, keypad=keypad, program=program: threading.Thread(
                target=gui_counter_driver, daemon=True, args=(
                    Channel(self.work / f"counter-{n}.sock"), n, service_s, stop_file,
                    self.work / f"counter-{n}.jsonl", keypad, give_up_at, program.ready)))

    def wait_until_up(self, timeout_s: float) -> float:
        """Wait until the kiosk and every counter program answer on their channel; the seconds it took."""
        t0 = time.time()
        pending = [self.work / "kiosk-1.sock"] + [self.work / f"counter-{k.counter}.sock" for k in self.keypads]
        import socket

        for port in self.printer_ports.values():   # the simulators listening first: the kiosk's first check
            while time.time() < t0 + timeout_s:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=2).close()
                    break
                except OSError:
                    time.sleep(0.2)
        while pending and time.time() < t0 + timeout_s:
            try:
                channel = Channel(pending[0])
                channel.ask(do="state", timeout_s=5)
                channel.close()
                pending.pop(0)
            except (ConnectionError, ValueError):
                time.sleep(0.2)
        return time.time() - t0

    def reader_connections(self, keypad: PtyKeypad) -> int:
        """How often the reader of ``keypad`` has reported the port open: its log (counter 1's headless
        reader), or 1/0 for the counter program's reader connected/not now (its automation state)."""
        if keypad.counter == 1:
            return (self.work / "keypad-1.log").read_text(errors="replace").count(": connected")
        try:
            channel = Channel(self.work / f"counter-{keypad.counter}.sock")
            state = channel.ask(do="state", timeout_s=5).get("keypad")
            channel.close()
        except (ConnectionError, ValueError):
            return 0
        return 1 if state == "connected" else 0

    def start_drivers(self, start_at: float, give_up_at: float) -> None:
        self.threads = [make(start_at, give_up_at) for make in self.drivers]
        for thread in self.threads:
            thread.start()

    def printer_fault(self, mode: str) -> str:
        """From now on the kiosk's printer is the simulator in ``mode`` (``paper_out``, ``hangup``, ``ready``)."""
        self.switch.mode = self.printer_mode = mode
        return {"paper_out": "printer out of paper", "hangup": "printer hangs up each job after 2000 bytes",
                "ready": "printer back in order"}[mode]

    def printed_jobs(self) -> tuple[int, int]:
        """(printed, not printed or partial) jobs the simulators saw (their log lines)."""
        lines = []
        for mode in self.printers:
            path = self.work / f"printer-sim-{mode}.log"
            lines += [line for line in path.read_text(errors="replace").splitlines() if line.startswith("job ")]
        printed = sum(1 for line in lines if line.split(", ")[-1].startswith("printed"))
        return printed, len(lines) - printed

    def stop(self) -> None:
        for proc in self.procs:
            if proc.popen.poll() is None:
                proc.popen.terminate()
        for proc in self.procs:
            try:
                proc.popen.wait(10)
            except subprocess.TimeoutExpired:
                proc.popen.kill()
                proc.popen.wait()
        for keypad in self.keypads:
            keypad.unplug()


def _run_day(args: argparse.Namespace, work: Path, db_path: Path, url: str, server) -> int:
    prepare(url, args.counters)
    day_s = args.day_minutes * 60
    half_hour_s = day_s / (DAY_HOURS * 2)
    service_s = day_s * args.counters / args.tickets * 0.8   # counters busy ~80 % of the day
    stop_file = work / "stop"
    gui = args.gui
    gui_kiosk = min(args.tickets // args.kiosks, int(day_s / GUI_TAP_S)) if gui else 0
    headless = args.kiosks - 1 if gui else args.kiosks
    rest = args.tickets - gui_kiosk
    per_kiosk = [rest // headless + (1 if i < rest % headless else 0) for i in range(headless)]
    first = 2 if gui else 1
    hall, x_server, meter = None, None, None
    if gui:   # the GUI programs first: the day starts when every screen is up (a hall opens with its PCs on)
        env, x_server, gui_note = start_x_server(args.offscreen)
        hall = Hall(args, work, url, env)
        hall.start_display()
        hall.start_kiosk_and_counters(gui_kiosk, day_s, service_s, stop_file)
        hall.up_s = hall.wait_until_up(180)
        print(f"soak: {gui_note}; GUI programs up after {hall.up_s:.1f} s", flush=True)
    start_at = time.time() + 2
    give_up_at = start_at + day_s * 1.5 + 120
    args.warm_until = start_at + day_s / DAY_HOURS   # memory is judged after the first simulated hour
    kiosks = [Proc(f"kiosk-{first + i}", ["kiosk", url, f"kiosk-{first + i}", str(per_kiosk[i]), str(start_at),
                                          str(day_s), str(work / f"kiosk-{first + i}.jsonl")])
              for i in range(headless)]
    gui_counters = args.gui_counters if gui else 0
    counters = [Proc(f"counter-{n}", ["counter", url, str(n), str(service_s), str(stop_file),
                                      str(work / f"counter-{n}.jsonl")])
                for n in range(gui_counters + 1, args.counters + 1)]
    if gui:
        from db.connection import connect

        hall.start_drivers(start_at, give_up_at)
        connect(url)
        meter = StaleMeter(url, work / "display.status")
    procs = kiosks + counters + (hall.procs if hall else [])
    faults = [(0.30, "pg_restart" if server is not None else "sqlite_lock"), (0.50, "kill_kiosk"),
              (0.70, "kill_counter")]
    if gui:
        fault_s = args.printer_fault_s / day_s
        faults += [(0.60, "kill_display"), (0.45, "kill_gui_kiosk"),
                   (0.20, "paper_out"), (0.20 + fault_s, "printer_ready"),
                   (0.80, "hangup"), (0.80 + fault_s, "printer_ready"),
                   (0.55, "unplug_keypads"), (0.55 + args.unplug_s / day_s, "replug_keypads")]
    faults.sort()
    fault_log: list[str] = []
    next_sample = start_at
    t_start = time.time()
    threads = hall.threads if hall else []
    while (any(k.popen.poll() is None for k in kiosks) or time.time() < start_at + day_s
           or (threads and threads[0].is_alive())):
        now = time.time()
        if now >= next_sample:
            for proc in procs:
                proc.sample()
            next_sample += half_hour_s
        while faults and now >= start_at + faults[0][0] * day_s:
            _, fault = faults.pop(0)
            fault_log.append(_inject(fault, db_path, server, kiosks, counters, hall, args))
        if meter is not None:
            meter.sample()
            if meter.pid == hall.display.popen.pid:
                hall.display.ready()
        for kiosk in kiosks:  # a kiosk crashed by itself would be restarted the same way
            if kiosk.popen.poll() not in (None, 0):
                kiosk.start()
        time.sleep(0.05)
    for _at, fault in faults:   # a day that ended early still gets its faults' ends (printer back, keypads in)
        if fault in ("printer_ready", "replug_keypads"):
            fault_log.append(_inject(fault, db_path, server, kiosks, counters, hall, args))
    stop_file.touch()
    deadline = time.time() + day_s / 4 + 60
    while (any(c.popen.poll() is None for c in counters) or any(t.is_alive() for t in threads)) \
            and time.time() < deadline:
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
        if not caught_up:   # what the board did not paint, for the report
            from db.models import Event

            meter.behind = Tally(e.kind for e in Event.select().where(Event.id > meter.painted))
    if hall is not None:
        keypad_deadline = time.time() + 30   # the last presses still on their way through the readers
        while time.time() < keypad_deadline and not _keypads_stored(hall):
            time.sleep(0.2)
        for proc in hall.procs:
            proc.sample()
    for proc in kiosks + counters:
        if proc.popen.poll() is None:
            proc.popen.kill()
            proc.popen.wait()
    if hall is not None:
        hall.stop()
    if x_server is not None:
        x_server.kill()
        x_server.wait()
    wall = time.time() - t_start
    return report(url, work, kiosks, counters, fault_log, wall, args, hall=hall, meter=meter, caught_up=caught_up)


def _keypads_stored(hall: Hall, only: PtyKeypad | None = None) -> bool:
    """Every press sent on a keypad (or on ``only``) is stored as a rating of its counter."""
    from db.models import Rating

    try:
        return all(Rating.select().where(Rating.counter == keypad.counter).count() >= keypad.sent
                   for keypad in (hall.keypads if only is None else [only]))
    except Exception:   # the database is down (a fault): not yet
        return False


def _inject(fault: str, db_path: Path, server, kiosks: list[Proc], counters: list[Proc], hall: Hall | None,
            args) -> str:
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
        hall.display.kill_and_restart(args.restart_s)
        return f"kill -9 display, restarted after {args.restart_s:g} s"
    if fault == "kill_gui_kiosk":
        hall.kiosk.kill_and_restart(args.restart_s)
        return f"kill -9 kiosk-1 (GUI), restarted after {args.restart_s:g} s"
    if fault in ("paper_out", "hangup"):
        return hall.printer_fault(fault)
    if fault == "printer_ready":
        return hall.printer_fault("ready") if hall.printer_mode != "ready" else "printer already in order"
    if fault == "unplug_keypads":
        for keypad in hall.keypads:   # at a quiet moment: no press in progress, the last one read and stored
            with keypad.lock:
                deadline = time.time() + 30
                while time.time() < deadline and not _keypads_stored(hall, keypad):
                    time.sleep(0.1)
                keypad.unplug()
        return f"keypads of counters {[k.counter for k in hall.keypads]} unplugged"
    if fault == "replug_keypads":
        waited = []
        for keypad in hall.keypads:
            if keypad.master is None:
                with keypad.lock:   # a press waits until the reader has the port open again: before that,
                    t0 = time.time()   # bytes on a line nobody reads are lost on any serial port
                    connected = hall.reader_connections(keypad)
                    keypad.plug()
                    while time.time() < t0 + 30 and hall.reader_connections(keypad) <= connected:
                        time.sleep(0.1)
                    waited.append(f"{time.time() - t0:.1f} s")
        return f"keypads replugged after {args.unplug_s:g} s (readers reading again after {', '.join(waited)})"
    target = kiosks[0] if fault == "kill_kiosk" else counters[-1]
    target.kill_and_restart()
    return f"kill -9 {target.name}, restarted"


def report(url: str, work: Path, kiosks: list[Proc], counters: list[Proc], fault_log: list[str],
           wall: float, args: argparse.Namespace, hall: Hall | None = None, meter: StaleMeter | None = None,
           caught_up: bool | None = None) -> int:
    from db import queue
    from db.connection import connect
    from db.models import Rating, Ticket
    from services.ticket_printing import PRINT_FAILED

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
    counter_names = [c.name for c in counters] + [f"counter-{k.counter}" for k in (hall.keypads if hall else ())]
    calls, transfers, presses = Tally(), Tally(), set()
    for name in counter_names:
        for record in _records(work / f"{name}.jsonl"):
            kind = record["kind"]
            if kind == "called":
                calls[record["id"]] += 1
            elif kind == "transfer":
                transfers[record["id"]] += 1
            elif kind == "press":
                presses.add(record["request"])
            elif kind == "error":
                errors[f"gui {record['what']}" if name in counter_names[len(counters):] else record["what"]] += 1
    workers = [proc.name for proc in kiosks] + counter_names + (["kiosk-1"] if hall else [])
    unfinished = [name for name in workers
                  if not any(r["kind"] == "finished" for r in _records(work / f"{name}.jsonl"))]
    rows = list(Ticket.select())
    gui_rows = [row for row in rows if hall is not None and row.kiosk == "kiosk-1"]
    by_status = Tally(row.status for row in rows)
    accounted = by_status["done"] + by_status["no_show"] + sum(
        1 for row in rows if row.status == "cancelled" and row.cancel_reason)
    numbers = Tally((row.service_day, row.issued_service_id, row.number) for row in rows)
    duplicates = sum(n - 1 for n in numbers.values() if n > 1)
    double_calls = sum(1 for ticket_id, n in calls.items() if n > 1 + transfers[ticket_id])
    stored_presses = Rating.select().count()
    keypad_sent = sum(k.sent for k in (hall.keypads if hall else ()))
    gui_ids = {row.id for row in gui_rows}
    ghosts = len({row.id for row in rows} - issued - gui_ids)
    gui_log = _records(work / "kiosk-1.jsonl") if hall else []
    gui_printed = [r for r in gui_log if r["kind"] == "gui_printed"]
    gui_shown = [r for r in gui_log if r["kind"] == "gui_shown"]
    cancelled_print = sum(1 for row in gui_rows if row.status == "cancelled" and row.cancel_reason == PRINT_FAILED)
    cancel_reasons = Tally(row.cancel_reason for row in rows if row.status == "cancelled")
    checks = [
        (f"tickets issued {len(issued) + len(gui_rows)} = accounted for {accounted} (done {by_status['done']}, "
         f"no-show {by_status['no_show']}, cancelled {by_status['cancelled']}: {dict(cancel_reasons) or 0}); "
         f"in citizens' hands {len(issued) + len(gui_printed) + len(gui_shown)} of {args.tickets}",
         len(issued) + len(gui_rows) == accounted == len(rows)
         and len(issued) + len(gui_printed) + len(gui_shown) == args.tickets),
        (f"duplicate numbers: {duplicates}", duplicates == 0),
        (f"double calls: {double_calls}", double_calls == 0),
        (f"lost ratings: sent {len(presses) + keypad_sent} ({len(presses)} direct, {keypad_sent} on keypads), "
         f"stored {stored_presses}", len(presses) + keypad_sent == stored_presses),
        (f"ghost tickets (headless kiosks): {ghosts}", ghosts == 0),
        (f"workers that did not finish their day: {unfinished or 0}", not unfinished),
    ]
    if hall is not None:
        jobs, failed_jobs = hall.printed_jobs()
        owed = len(gui_rows) - cancelled_print   # tickets the GUI kiosk left valid: each needs its slip ...
        kept = (work / "kiosk-1.log").read_text(errors="replace").count("; ticket kept")   # the policy's keeps
        shown = gui_shown   # ... or is one the policy keeps, shown on screen
        taps = sum(1 for r in gui_log if r["kind"] == "gui_tap")
        refused = Tally((r.get("printer_problem") or r.get("message") or r.get("error") or "?")
                        for r in gui_log if r["kind"] == "gui_refused")
        codes = {row.code for row in gui_rows}
        invented = [r["code"] for r in gui_printed + shown if r["code"] not in codes]
        checks.append((f"ghost tickets (GUI kiosk): {max(0, owed - jobs - kept)} - {len(gui_rows)} issued, "
                       f"{cancelled_print} cancelled {PRINT_FAILED}, {owed} valid = {jobs} slips printed + {kept} "
                       f"kept by the policy (job sent whole but unconfirmed, or called meanwhile; "
                       f"shown on screen {len(shown)}x); "
                       f"{failed_jobs} jobs failed at the printer; {taps} taps, {len(gui_printed)} printed tickets "
                       f"taken, refusals {dict(refused) or 0}", owed == jobs + kept and not invented))
        ready = [r for r in gui_log if r["kind"] == "kiosk_ready"]   # after a loss (kill -9), not the first start
        lost = [r for r in gui_log if r["kind"] == "kiosk_lost"]
        back = ", ".join(f"{r['after_s']:.1f} s" for r in ready) or "never"
        cold = f"{hall.up_s:.1f} s"   # all GUI programs started at once, until each answered
        checks.append((f"GUI kiosk after kill -9: lost {len(lost)}x, back on its home screen with issuing tiles "
                       f"{back} after (cold start of the GUI programs in this run: {cold}; printer banner: "
                       f"{[r['printer_problem'] for r in ready]})",
                       bool(ready) and len(ready) == len(lost) and all(r["after_s"] < KIOSK_BACK_S for r in ready)))
        for keypad in hall.keypads:
            stored = Rating.select().where(Rating.counter == keypad.counter).count()
            reader = "onestop keypad" if keypad.counter == 1 else "the counter program's reader"
            checks.append((f"keypad of counter {keypad.counter} (pty, {reader}): sent {keypad.sent}, stored {stored} "
                           f"({max(0, keypad.sent - stored)} lost, {max(0, stored - keypad.sent)} invented); "
                           f"{keypad.skipped} presses fell on the unplugged keypad", stored == keypad.sent))
    if meter is not None:
        behind = meter.behind
        checks.append((f"display back to the database's state after the faults (event {meter.painted}"
                       f"{f', behind by {dict(behind)}' if behind else ''}); "
                       f"longest stale screen {meter.longest:.1f} s", bool(caught_up)))
    for proc in [*kiosks, *counters, *(hall.procs if hall else ())]:
        checks.extend(memory_check(proc, getattr(args, "warm_until", 0.0)))
    print(f"soak: engine {args.engine}, {args.tickets} tickets, {args.counters} counters, {args.kiosks} kiosks, "
          f"day {args.day_minutes} min ({DAY_HOURS * 60 / args.day_minutes:.0f}x), wall {wall:.0f} s")
    for fault in fault_log:
        print(f"fault: {fault}")
    print(f"retried errors: {dict(errors) or 0}")
    for text, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'} {text}")
    return 0 if all(ok for _, ok in checks) else 1


def memory_check(proc: Proc, warm_until: float) -> list[tuple[str, bool]]:
    """RSS growth from the first sample ``WARM_UP_S / 3`` after the program was up (and after the day's first
    hour, ``warm_until``: lazy imports and caches filled by the first ticket, call, press) to its last sample.

    Judged (< 10 %) only over at least ``WARM_UP_S`` of samples; a shorter life prints an INFO line.
    """
    if proc.ready_at is None:
        print(f"INFO {proc.name}: never ready since its last start (pid {proc.popen.pid})")
        return []
    since = max(proc.ready_at + WARM_UP_S / 3, warm_until) - proc.started
    warmed = [sample for sample in proc.samples if sample[2] >= since]
    if len(warmed) < 2:
        print(f"INFO {proc.name}: {len(warmed)} RSS sample(s) after its warm-up: too few to judge")
        return []
    warm, end = warmed[0], warmed[-1]
    growth = (end[0] - warm[0]) / warm[0] * 100
    text = (f"{proc.name}: RSS {warm[0] / 1024:.1f} -> {end[0] / 1024:.1f} MiB ({growth:+.1f} %), "
            f"CPU {end[1] - warm[1]:.1f} s over {(end[2] - warm[2]) / 60:.1f} min "
            f"({(end[1] - warm[1]) / max(end[2] - warm[2], 1e-9) * 100:.1f} % of a core)")
    if proc.name.startswith("printer-sim"):   # keeps every job (bytes and image) in memory by design
        print(f"INFO {text} (a test tool holding every job it printed, not a hall program: not judged)")
        return []
    if end[2] - warm[2] < WARM_UP_S:
        print(f"INFO {text} (judged only over {WARM_UP_S:.0f} s or more)")
        return []
    return [(text, growth < 10)]


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
    parser.add_argument("--gui-counters", type=int, default=2,
                        help="counters 1..N are real counter programs with a pty keypad each (the rest headless)")
    parser.add_argument("--printer-fault-s", type=float, default=20.0,
                        help="how long the printer stays out of paper, and later hangs up each job")
    parser.add_argument("--unplug-s", type=float, default=10.0, help="how long the keypads stay unplugged")
    return run(parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
