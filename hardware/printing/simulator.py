"""A fake ESC/POS network printer (raw TCP, like port 9100) for tests and the demo.

It parses what arrives as it arrives, answers DLE EOT real-time status from
its simulated state (paper out, offline, cover open), saves every job as
``.bin`` plus the decoded raster as ``.png``, and can misbehave on purpose:
``slow`` (pauses while "printing"), ``hangup_after`` (drops the connection
with a reset after N bytes), ``hang`` (accepts connections and then neither
reads nor answers).  Tests use it in-process::

    with PrinterSimulator(out_dir=tmp_path) as sim:
        open_printer(sim.url).print_ticket(image)
        assert sim.wait_for_jobs(1)[0].printed

and ``onestop printer-sim --listen HOST:PORT --out DIR`` runs it until
SIGINT/SIGTERM.  A job ends at a cut command or when the connection closes;
status requests are not part of the job bytes, so ``job.data`` is exactly what
the driver's encoder produced.
"""

from __future__ import annotations

import logging
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from hardware.printing.escpos_decode import Command, StreamParser, render_page

log = logging.getLogger(__name__)


@dataclass
class SimulatedState:
    """What the simulated printer reports; tests may change it while it runs."""

    paper_out: bool = False
    offline: bool = False
    cover_open: bool = False
    paper_near_end: bool = False
    slow_s: float = 0.0
    hangup_after: int | None = None
    hang: bool = False

    @property
    def can_print(self) -> bool:
        return not (self.paper_out or self.offline or self.cover_open)

    def status_byte(self, n: int) -> int:
        """The DLE EOT ``n`` answer for the current state (fixed bits 0x12)."""
        value = 0x12
        if n == 1 and not self.can_print:
            value |= 0x08
        elif n == 2:
            value |= (0x04 if self.cover_open else 0) | (0x20 if self.paper_out else 0)
        elif n == 4:
            value |= (0x60 if self.paper_out else 0) | (0x0C if self.paper_near_end else 0)
        return value


@dataclass
class SimJob:
    index: int
    data: bytes                        # job bytes, status requests left out
    image: Image.Image | None          # decoded raster, as printed
    printed: bool                      # False when the printer could not print
    cut: bool                          # ended by a cut command
    partial: bool                      # connection dropped before the job ended
    peer: str = ""
    received_at: float = field(default_factory=time.time)
    bin_path: Path | None = None
    png_path: Path | None = None


class PrinterSimulator:
    """Threaded TCP server speaking enough ESC/POS to stand in for a ticket printer."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, out_dir: str | Path | None = None, *,
                 state: SimulatedState | None = None, paper_width: int | None = None,
                 on_job: Callable[[SimJob], None] | None = None) -> None:
        self.host = host
        self.requested_port = port
        self.out_dir = Path(out_dir) if out_dir is not None else None
        self.state = state or SimulatedState()
        self.paper_width = paper_width
        self.on_job = on_job
        self.jobs: list[SimJob] = []
        #: Every status request answered, as (n, answer byte).
        self.status_log: list[tuple[int, int]] = []
        self.connections = 0
        self._lock = threading.Condition()
        self._stop = threading.Event()
        self._listener: socket.socket | None = None
        self._threads: list[threading.Thread] = []
        self._open: set[socket.socket] = set()

    # -- life cycle ----------------------------------------------------------

    def start(self) -> PrinterSimulator:
        if self.out_dir is not None:
            self.out_dir.mkdir(parents=True, exist_ok=True)
        listener = socket.socket(socket.AF_INET6 if ":" in self.host else socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if self.state.hang:
            # Accepted sockets inherit this: with a tiny window the sender
            # blocks quickly, as with a printer that stopped reading.
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
        listener.bind((self.host, self.requested_port))
        listener.listen(16)
        listener.settimeout(0.2)
        self._listener = listener
        self._stop.clear()
        thread = threading.Thread(target=self._accept_loop, name="printer-sim-accept", daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._listener is not None:
            self._listener.close()
        with self._lock:
            for conn in list(self._open):
                try:
                    conn.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        for thread in self._threads:
            thread.join(timeout=2)
        self._threads.clear()

    def __enter__(self) -> PrinterSimulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._listener is not None, "start() first"
        return self._listener.getsockname()[1]

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"tcp://{host}:{self.port}"

    def wait_for_jobs(self, count: int, timeout: float = 5.0) -> list[SimJob]:
        """Block until ``count`` jobs were received (a connection ends after the client closes)."""
        end = time.monotonic() + timeout
        with self._lock:
            while len(self.jobs) < count:
                left = end - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"{len(self.jobs)} of {count} jobs received")
                self._lock.wait(left)
            return list(self.jobs)

    def wait_idle(self, timeout: float = 5.0) -> None:
        """Block until no connection is open (all jobs of closed connections are saved)."""
        end = time.monotonic() + timeout
        with self._lock:
            while self._open:
                left = end - time.monotonic()
                if left <= 0:
                    raise TimeoutError("connections still open")
                self._lock.wait(left)

    # -- serving -------------------------------------------------------------

    def _accept_loop(self) -> None:
        assert self._listener is not None
        while not self._stop.is_set():
            try:
                conn, peer = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                break
            with self._lock:
                self.connections += 1
                self._open.add(conn)
            thread = threading.Thread(target=self._serve, args=(conn, f"{peer[0]}:{peer[1]}"),
                                      name="printer-sim-conn", daemon=True)
            thread.start()
            self._threads = [t for t in self._threads if t.is_alive()] + [thread]

    def _serve(self, conn: socket.socket, peer: str) -> None:
        try:
            if self.state.hang:
                self._stop.wait()          # neither read nor answer
                return
            self._session(conn, peer)
        except OSError as exc:
            log.debug("printer-sim connection %s: %s", peer, exc)
        finally:
            try:
                conn.close()
            except OSError:
                pass
            with self._lock:
                self._open.discard(conn)
                self._lock.notify_all()

    def _session(self, conn: socket.socket, peer: str) -> None:
        parser = StreamParser()
        job: list[Command] = []
        received = 0
        slowed = False
        conn.settimeout(0.2)
        limit = self.state.hangup_after
        while not self._stop.is_set():
            want = 65536 if limit is None else max(min(65536, limit - received), 0)
            if want == 0:
                self._hang_up(conn, parser, job, peer)
                return
            try:
                data = conn.recv(want)
            except TimeoutError:
                continue
            except ConnectionError:
                break
            if not data:
                break
            received += len(data)
            for command in parser.feed(data):
                if command.kind == "status":
                    answer = self.state.status_byte(command.status_n or 0)
                    with self._lock:
                        self.status_log.append((command.status_n or 0, answer))
                    conn.sendall(bytes((answer,)))
                    continue
                job.append(command)
                if command.kind == "raster" and self.state.slow_s and not slowed:
                    slowed = True
                    time.sleep(self.state.slow_s)      # "printing": stops reading meanwhile
                if command.kind == "cut":
                    self._finish(job, peer, cut=True, partial=False)
                    job = []
        if job or parser.pending:
            self._finish(job, peer, cut=False, partial=bool(parser.pending), tail=bytes(parser.buffer))

    def _hang_up(self, conn: socket.socket, parser: StreamParser, job: list[Command], peer: str) -> None:
        """Drop the connection with a reset, as a printer that loses power or reboots."""
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        if job or parser.pending:
            self._finish(job, peer, cut=False, partial=True, tail=bytes(parser.buffer))

    def _finish(self, commands: list[Command], peer: str, *, cut: bool, partial: bool, tail: bytes = b"") -> None:
        data = b"".join(c.raw for c in commands) + tail
        if not data.strip(b"\x00"):
            return
        image = render_page(commands, self.paper_width)
        printed = self.state.can_print and not partial
        with self._lock:
            job = SimJob(len(self.jobs) + 1, data, image, printed, cut, partial, peer)
            self._save(job)
            self.jobs.append(job)
            self._lock.notify_all()
        if self.on_job:
            self.on_job(job)

    def _save(self, job: SimJob) -> None:
        if self.out_dir is None:
            return
        suffix = "-partial" if job.partial else ("" if job.printed else "-unprinted")
        stem = self.out_dir / f"job-{job.index:04d}{suffix}"
        job.bin_path = stem.with_suffix(".bin")
        job.bin_path.write_bytes(job.data)
        if job.image is not None:
            job.png_path = stem.with_suffix(".png")
            job.image.save(job.png_path)
