"""Real serial lines and small recorders shared by the keypad tests.

``FakeKeypad`` is a pty pair (``os.openpty`` + raw mode). The reader opens a
symlink to the slave side, so unplugging is closing the master and removing
the link (the slave node vanishes, reads fail exactly like a pulled USB-serial
adapter) and plugging back in is a new pty with the link pointed at it.
"""

from __future__ import annotations

import os
import re
import threading
import time
import tty
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

#: four bytes the framed format accepts as one press
VALID_FRAME = re.compile(rb"\x01[\x00-\xff][\x31-\x39]\x07")

#: noise made of the bytes that matter to the framed decoder (start, end, keys)
NASTY_BYTES = st.lists(st.sampled_from([0x01, 0x07, 0x31, 0x33, 0x39, 0x30, 0x05, 0x00, 0xFF]), max_size=24).map(bytes)


def without_frames(noise: bytes) -> bytes:
    """Noise holding no valid frame by itself (each one's end byte is broken)."""
    while (match := VALID_FRAME.search(noise)) is not None:
        noise = noise[:match.end() - 1] + b"\x08" + noise[match.end():]
    return noise


def wait_for(predicate: Callable[[], Any], timeout: float = 10.0, interval: float = 0.01) -> Any:
    """Poll until ``predicate()`` is truthy; fail the test with a clear message otherwise."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        time.sleep(interval)


class FakeKeypad:
    """The keypad end of a serial line, reachable by the reader at ``self.path``."""

    def __init__(self, directory: Path, name: str = "keypad") -> None:
        self.path = str(directory / name)
        self.master: int | None = None
        self._slave: int | None = None
        self.plug()

    def plug(self) -> None:
        master, slave = os.openpty()
        tty.setraw(slave)
        self.master, self._slave = master, slave
        tmp = self.path + ".new"
        if os.path.lexists(tmp):
            os.unlink(tmp)
        os.symlink(os.ttyname(slave), tmp)
        os.replace(tmp, self.path)

    def unplug(self) -> None:
        if os.path.lexists(self.path):
            os.unlink(self.path)
        for fd in (self.master, self._slave):
            if fd is not None:
                os.close(fd)
        self.master = self._slave = None

    def send(self, data: bytes) -> None:
        assert self.master is not None, "keypad is unplugged"
        view = memoryview(data)
        while view:
            written = os.write(self.master, view)
            view = view[written:]

    def close(self) -> None:
        if self.master is not None:
            self.unplug()





class Collector:
    """An ``on_press`` sink that records calls in memory (reader tests without a database)."""

    def __init__(self) -> None:
        self.calls: list[tuple[int, int, float]] = []
        self.lock = threading.Lock()

    def __call__(self, counter: int, value: int, pressed_at: float) -> tuple[int, int]:
        with self.lock:
            self.calls.append((counter, value, pressed_at))
        return counter, value

    def pairs(self) -> list[tuple[int, int]]:
        with self.lock:
            return [(c, v) for c, v, _ in self.calls]





class StateLog:
    """An ``on_state`` listener keeping every state reported, in order."""

    def __init__(self) -> None:
        self.states: list[str] = []

    def __call__(self, state: str, detail: str) -> None:
        self.states.append(state)

    @property
    def last(self) -> str | None:
        return self.states[-1] if self.states else None





SITE_WITH_ADDRESSES = """
[site]
name = "Thử nghiệm bàn phím"
timezone = "Asia/Ho_Chi_Minh"
opening_hours = ["00:00-24:00"]
days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

[[services]]
code = "TP"
name = "Tư pháp"
prefix = "A"

[[counters]]
number = 1
name = "Quầy 1"
services = ["TP"]

[[counters]]
number = 2
name = "Quầy 2"
services = ["TP"]
keypad_address = 17

[[counters]]
number = 3
name = "Quầy 3"
services = ["TP"]
keypad_address = 5

[[counters]]
number = 5
name = "Quầy 5 (địa chỉ trùng với quầy 3)"
services = ["TP"]

[[officers]]
username = "lan"
full_name = "Vi Thị Lan"
pin = "1234"

[ratings]
levels = [ {value = 5, label = "Rất hài lòng"}, {value = 4, label = "Hài lòng"},
           {value = 3, label = "Bình thường"}, {value = 2, label = "Chưa hài lòng"},
           {value = 1, label = "Không hài lòng"} ]
window_s = 60
debounce_s = 5
"""
