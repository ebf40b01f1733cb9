"""The keypad reader: a serial port in, presses handed to a sink, nothing lost.

Two threads, so that neither a slow sink (the database) nor a dead port holds
up the other:

* the *serial* thread opens the port (any pyserial URL: ``/dev/ttyUSB0``,
  ``COM3``, ``socket://HOST:PORT``, ``loop://``), decodes what it reads with
  the protocol's decoder and appends each press, stamped with the time it was
  read, to an in-memory backlog. When the port disappears (USB-serial adapter
  unplugged, converter rebooted) it reports ``waiting_for_device`` and tries
  to reopen it every ``reopen_s`` (2 s) until it is back.
* the *recorder* thread takes presses from the front of the backlog, resolves
  the counter (fixed for ``ascii``, by bus address through the ``directory``
  for ``framed``), discards values the directory does not accept, and calls
  the sink ``on_press(counter, value, pressed_at)`` with the original press
  time. When the sink (or the directory) raises an ``errors.OnestopError`` of
  kind ``DATABASE_UNAVAILABLE``, the press stays at the front and is tried
  again, so a locked or restarting database delays presses but never drops
  them; any other ``OnestopError`` is a refusal (counted, not retried).

Nothing here knows the database: ``services.keypad_ratings`` gives the reader
the site's address map and levels and a sink that records ratings.

States reported through ``on_state(state, detail)``: ``waiting_for_device``
(the port is not there), ``connected``, ``error`` (it is there but cannot be
used: permission, held by another program, bad name; still retried), and
``stopped``. No Qt here: the counter program wraps this in
``ui_common/keypad_qt.py``.
"""

from __future__ import annotations

import errno
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import serial

from errors import Kind, OnestopError
from hardware.keypad.ascii import AsciiDecoder
from hardware.keypad.base import Decoder, DecodeResult, Press
from hardware.keypad.errors import KeypadError
from hardware.keypad.framed import FramedDecoder

log = logging.getLogger(__name__)

CONNECTED = "connected"
WAITING = "waiting_for_device"
ERROR = "error"
STOPPED = "stopped"

DECODERS: dict[str, type[Decoder]] = {"ascii": AsciiDecoder, "framed": FramedDecoder}

#: errno values meaning "the device is not there (yet)" rather than "it is broken"
_ABSENT = {errno.ENOENT, errno.ENODEV, errno.ENXIO, errno.ECONNREFUSED, errno.EHOSTUNREACH,
           errno.ENETUNREACH, errno.ETIMEDOUT}
_ABSENT_WORDS = ("no such file", "could not find", "cannot find", "connection refused", "timed out",
                 "no route", "filenotfound", "the system cannot find")


def make_decoder(protocol: str) -> Decoder:
    try:
        return DECODERS[protocol]()
    except KeyError:
        raise KeypadError(f"Giao thức bàn phím không rõ: {protocol!r} (dùng {' hoặc '.join(DECODERS)})",
                          f"unknown keypad protocol {protocol!r} (use {' or '.join(DECODERS)})") from None


# ---------------------------------------------------------------- where presses go

class Directory(Protocol):
    """Answers the two questions the recorder asks before recording a press.

    May raise a retryable ``OnestopError`` (see ``is_retryable``) when it has
    no answer yet: the press then waits in the backlog like a sink failure.
    """

    def counter_for_address(self, address: int) -> int | None: ...

    def accepts(self, value: int) -> bool: ...


class StaticDirectory:
    """Fixed answers: the address map and levels a caller already knows (scripts, tests, services)."""

    def __init__(self, levels: set[int] | frozenset[int] = frozenset(range(1, 10)),
                 addresses: dict[int, int] | None = None) -> None:
        self.levels = frozenset(levels)
        self.addresses = dict(addresses or {})

    def counter_for_address(self, address: int) -> int | None:
        return self.addresses.get(address)

    def accepts(self, value: int) -> bool:
        return value in self.levels


#: The sink: ``on_press(counter, value, pressed_at)`` records one press (``pressed_at``
#: is epoch seconds, when it was read off the wire) and returns what it recorded.
#: Raising an ``OnestopError`` of kind ``DATABASE_UNAVAILABLE`` means "keep it, try again".
PressSink = Callable[[int, int, float], Any]


def is_retryable(exc: BaseException) -> bool:
    """A failure that is worth waiting out (the store behind the sink is away), not a refusal."""
    return isinstance(exc, OnestopError) and exc.kind is Kind.DATABASE_UNAVAILABLE


# ---------------------------------------------------------------- the reader

@dataclass
class PendingPress:
    """A press read from the wire and not yet recorded."""

    value: int
    pressed_at: float
    address: int | None = None
    attempts: int = 0


@dataclass
class KeypadStats:
    """Counts since the reader started; shown by the CLI and the counter program."""

    bytes_read: int = 0
    presses: int = 0            # valid presses decoded
    recorded: int = 0           # accepted by on_press (committed to the database by the rating service)
    discarded_bytes: int = 0    # noise, partial frames
    discarded_frames: int = 0
    unknown_address: int = 0    # framed press from an address no counter uses
    invalid_value: int = 0      # key outside the configured levels
    rejected: int = 0           # refused by on_press (e.g. counter removed)
    retries: int = 0            # sink unavailable (database away): press kept and tried again
    lost: int = 0               # dropped: backlog overflow, or still unrecorded at stop
    reconnects: int = 0         # port lost and reopened
    backlog: int = 0            # presses waiting to be recorded now

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


class KeypadReader:
    """Reads one port in the background; ``start()``, then ``stop()`` to finish.

    ``counter`` is required for ``ascii`` (one keypad, one counter) and unused
    for ``framed`` (one bus, every counter, resolved by address through
    ``directory``; the default accepts levels 1-9 and knows no address).
    ``on_press`` is the sink every accepted press goes to; ``on_recorded``
    hears what the sink returned.
    """

    def __init__(
        self,
        port: str,
        *,
        on_press: PressSink,
        protocol: str = "ascii",
        counter: int | None = None,
        baudrate: int = 9600,
        on_recorded: Callable[[Any], None] | None = None,
        on_state: Callable[[str, str], None] | None = None,
        directory: Directory | None = None,
        reopen_s: float = 2.0,
        retry_s: float = 1.0,
        frame_timeout_s: float = 1.0,
        drain_s: float = 5.0,
        max_backlog: int = 10000,
        read_timeout_s: float = 0.1,
    ) -> None:
        self.port = port
        self.protocol = protocol
        self.decoder = make_decoder(protocol)
        if protocol == "ascii" and counter is None:
            raise KeypadError("Bàn phím ascii cần số quầy của nó",
                              "the ascii keypad protocol needs the counter number it belongs to")
        self.counter = counter
        self.baudrate = baudrate
        self.on_press = on_press
        self.on_recorded = on_recorded
        self.on_state = on_state
        self.directory: Directory = directory or StaticDirectory()
        self.reopen_s = reopen_s
        self.retry_s = retry_s
        # A frame's four bytes arrive within a few ms; a start byte left alone
        # this long is a fragment, and must not be completed by later noise.
        self.frame_timeout_s = frame_timeout_s
        self.drain_s = drain_s
        self.max_backlog = max_backlog
        self.read_timeout_s = read_timeout_s

        self._stats = KeypadStats()
        self._backlog: deque[PendingPress] = deque()
        self._cond = threading.Condition()
        self._stopping = threading.Event()
        self._serial_done = threading.Event()
        # (state, detail) replaced as one tuple so readers never see a mix of two;
        # "" = nothing reported yet, so the first real state always reaches on_state.
        self._status: tuple[str, str] = ("", "")
        self._serial_thread: threading.Thread | None = None
        self._record_thread: threading.Thread | None = None

    # ------------------------------------------------------------ public

    @property
    def state(self) -> str:
        return self._status[0] or WAITING

    @property
    def detail(self) -> str:
        """Why the state is what it is (the OS error text), for a log line or a tooltip."""
        return self._status[1]

    def stats(self) -> dict[str, int]:
        with self._cond:
            self._stats.backlog = len(self._backlog)
            return self._stats.as_dict()

    def start(self) -> KeypadReader:
        if self._serial_thread is not None:
            raise RuntimeError("KeypadReader.start() called twice")
        self._serial_thread = threading.Thread(target=self._serial_loop, name=f"keypad-serial {self.port}",
                                               daemon=True)
        self._record_thread = threading.Thread(target=self._record_loop, name=f"keypad-record {self.port}",
                                               daemon=True)
        self._record_thread.start()
        self._serial_thread.start()
        return self

    def stop(self, timeout: float | None = None) -> None:
        """Stop reading, record what is already read (up to ``drain_s``), join both threads."""
        self._stopping.set()
        with self._cond:
            self._cond.notify_all()
        limit = timeout if timeout is not None else self.drain_s + self.reopen_s + 5.0
        for thread in (self._serial_thread, self._record_thread):
            if thread is not None and thread is not threading.current_thread():
                thread.join(limit)
        self._set_state(STOPPED, "")

    def is_running(self) -> bool:
        return any(t is not None and t.is_alive() for t in (self._serial_thread, self._record_thread))

    def __enter__(self) -> KeypadReader:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # ------------------------------------------------------------ state

    def _set_state(self, state: str, detail: str) -> None:
        previous = self._status
        if (state, detail) == previous:
            return
        self._status = (state, detail)
        changed = state != previous[0]
        level = logging.WARNING if state in (WAITING, ERROR) else logging.INFO
        log.log(level, "keypad %s: %s%s", self.port, state, f" ({detail})" if detail else "")
        if changed and self.on_state is not None:
            try:
                self.on_state(state, detail)
            except Exception:  # a broken listener must not stop the reader
                log.exception("keypad state listener failed")

    # ------------------------------------------------------------ serial thread

    def _open(self) -> serial.SerialBase:
        # exclusive: two programs reading one keypad would each get half the bytes.
        return serial.serial_for_url(self.port, baudrate=self.baudrate, timeout=self.read_timeout_s,
                                     exclusive=True)

    @staticmethod
    def _classify(exc: BaseException) -> str:
        code = getattr(exc, "errno", None)
        if code in _ABSENT:
            return WAITING
        text = str(exc).lower()
        return WAITING if any(word in text for word in _ABSENT_WORDS) else ERROR

    def _serial_loop(self) -> None:
        try:
            while not self._stopping.is_set():
                try:
                    port = self._open()
                except (serial.SerialException, OSError, ValueError) as exc:
                    self._set_state(self._classify(exc), str(exc))
                    self._stopping.wait(self.reopen_s)
                    continue
                self._set_state(CONNECTED, "")
                try:
                    self._read_until_lost(port)
                except (serial.SerialException, OSError) as exc:
                    if self._stopping.is_set():
                        break
                    with self._cond:
                        self._stats.reconnects += 1
                    self._set_state(WAITING, f"lost: {exc}")
                    self._stopping.wait(self.reopen_s)
                finally:
                    self._count(self.decoder.reset())
                    try:
                        port.close()
                    except Exception:
                        pass
        except Exception:  # a bug here must show, not silently stop reading
            log.exception("keypad reader crashed")
            self._set_state(ERROR, "reader crashed, see log")
        finally:
            self._serial_done.set()
            with self._cond:
                self._cond.notify_all()

    def _read_until_lost(self, port: serial.SerialBase) -> None:
        last_byte = time.monotonic()
        while not self._stopping.is_set():
            data = port.read(port.in_waiting or 1)
            now = time.time()
            tick = time.monotonic()
            if self.decoder.pending() and tick - last_byte > self.frame_timeout_s:
                self._count(self.decoder.reset())
            if not data:
                continue
            last_byte = tick
            with self._cond:
                self._stats.bytes_read += len(data)
            result = self.decoder.feed(data)
            self._count(result)
            for press in result.presses:
                self._enqueue(press, now)

    def _count(self, result: DecodeResult) -> None:
        if result.discarded_bytes or result.discarded_frames:
            with self._cond:
                self._stats.discarded_bytes += result.discarded_bytes
                self._stats.discarded_frames += result.discarded_frames

    def _enqueue(self, press: Press, pressed_at: float) -> None:
        with self._cond:
            self._stats.presses += 1
            if len(self._backlog) >= self.max_backlog:
                # Only after a very long outage; the presses already waiting are
                # kept (the recorder may be writing the oldest one right now).
                self._stats.lost += 1
                log.error("keypad backlog full (%d presses waiting for the sink): press %d at %s dropped",
                          self.max_backlog, press.value,
                          time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(pressed_at)))
                return
            self._backlog.append(PendingPress(press.value, pressed_at, press.address))
            self._cond.notify_all()

    # ------------------------------------------------------------ recorder thread

    def _record_loop(self) -> None:
        deadline: float | None = None
        while True:
            with self._cond:
                while not self._backlog and not self._serial_done.is_set():
                    self._cond.wait(0.5)
                if not self._backlog:
                    break  # the serial thread has finished and everything is recorded
                item = self._backlog[0]
            if self._serial_done.is_set() and deadline is None:
                deadline = time.monotonic() + self.drain_s
            done = self._record(item)
            with self._cond:
                if done:
                    if self._backlog and self._backlog[0] is item:
                        self._backlog.popleft()
                    continue
                self._stats.retries += 1
                if deadline is not None and time.monotonic() >= deadline:
                    break
                pause = self.retry_s if deadline is None else min(self.retry_s, deadline - time.monotonic())
                self._cond.wait(max(0.0, pause))
        with self._cond:
            leftovers = list(self._backlog)
            self._backlog.clear()
            self._stats.lost += len(leftovers)
        for item in leftovers:
            log.error("keypad press NOT recorded (sink unavailable at stop): counter/address %s value %d at %s",
                      self.counter if item.address is None else f"address {item.address}", item.value,
                      time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(item.pressed_at)))

    def _record(self, item: PendingPress) -> bool:
        """Try one press; True when it is finished with (recorded or discarded)."""
        try:
            counter = self.counter if item.address is None else self.directory.counter_for_address(item.address)
            if counter is None:
                with self._cond:
                    self._stats.unknown_address += 1
                log.warning("keypad press from unknown address %s discarded", item.address)
                return True
            if not self.directory.accepts(item.value):
                with self._cond:
                    self._stats.invalid_value += 1
                log.info("keypad key %d is not a configured rating level: discarded", item.value)
                return True
            result = self.on_press(counter, item.value, item.pressed_at)
        except OnestopError as exc:
            if not is_retryable(exc):
                with self._cond:
                    self._stats.rejected += 1
                log.warning("keypad press refused: %s", exc)
                return True
            if item.attempts == 0:
                log.warning("sink unavailable, keypad press kept for retry: %s", exc)
            item.attempts += 1
            return False
        except Exception:
            item.attempts += 1
            if item.attempts < 5:
                log.exception("recording a keypad press failed (attempt %d), will retry", item.attempts)
                return False
            with self._cond:
                self._stats.lost += 1
            log.exception("recording a keypad press failed 5 times, giving up: %s", item)
            return True
        with self._cond:
            self._stats.recorded += 1
        if self.on_recorded is not None:
            try:
                self.on_recorded(result)
            except Exception:
                log.exception("keypad press listener failed")
        return True
