"""Keypad presses become ratings: the reader (``hardware``) wired to ``db.ratings``.

The reader knows ports, wire formats and its backlog; the domain knows
counters, levels and what a rating is attached to.  This module gives the
reader the two things it asks for, from the site configuration:

* a ``Directory`` (``DatabaseDirectory``): bus address -> counter number and
  the configured levels, cached and refreshed so an admin change is picked up
  without restarting the reader;
* a sink (``RatingSink``) that records each press with ``db.ratings.record_press``
  at the moment it was pressed.  ``DatabaseUnavailable`` is an ``OnestopError``
  of kind ``DATABASE_UNAVAILABLE``, which the reader keeps and retries.

``rating_reader(port, ...)`` builds a ``KeypadReader`` with both; the CLI
(``onestop keypad``), the counter program (``ui_common.keypad_qt``) and the
benches use it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from db.errors import DatabaseUnavailable
from db.ratings import PressInfo, keypad_address_conflicts, keypad_addresses, rating_levels, record_press
from hardware.keypad.reader import Directory, KeypadReader

__all__ = ["DatabaseDirectory", "RatingSink", "press_request_id", "rating_reader"]

log = logging.getLogger(__name__)


class DatabaseDirectory:
    """Levels and bus addresses from the site configuration, cached.

    Re-read every ``refresh_s`` so a counter added or a level changed in the
    admin program is picked up without restarting the reader, and at most
    every ``miss_refresh_s`` when an unknown address shows up. A failed re-read
    keeps the old answers (the press is then held by ``record_press`` failing,
    not by this cache); only with no answers at all does it raise
    ``DatabaseUnavailable`` so the press waits in the reader's backlog.
    """

    def __init__(self, refresh_s: float = 30.0, miss_refresh_s: float = 2.0) -> None:
        self.refresh_s = refresh_s
        self.miss_refresh_s = miss_refresh_s
        self._addresses: dict[int, int] | None = None
        self._levels: frozenset[int] | None = None
        self._loaded_at = 0.0
        self._warned: set[int] = set()

    def _load(self, *, force: bool = False) -> None:
        age = time.monotonic() - self._loaded_at
        if self._levels is not None and not force and age < self.refresh_s:
            return
        if self._levels is not None and force and age < self.miss_refresh_s:
            return
        try:
            self._levels = frozenset(level.value for level in rating_levels())
            self._addresses = keypad_addresses()
            for address, numbers in keypad_address_conflicts().items():
                if address not in self._warned:
                    self._warned.add(address)
                    log.warning("keypad address %d is used by counters %s: its presses are discarded "
                                "until keypad_address is set apart in the site file", address, numbers)
        except DatabaseUnavailable:
            if self._levels is None:
                raise
            log.warning("could not refresh keypad addresses and levels; using the previous ones")
        self._loaded_at = time.monotonic()

    def counter_for_address(self, address: int) -> int | None:
        self._load()
        counter = (self._addresses or {}).get(address)
        if counter is None:
            self._load(force=True)
            counter = (self._addresses or {}).get(address)
        return counter

    def accepts(self, value: int) -> bool:
        self._load()
        return value in (self._levels or ())


def press_request_id(source: str, counter: int, value: int, pressed_at: float) -> str:
    """The identity of one press, the same every time the reader hands it over again.

    The reader keeps a press in its backlog until recording it succeeds; if the
    database committed the rating but the answer was lost (``DatabaseUnavailable``
    after the commit), the press comes back and must find its first rating, not
    make a second one. Its press moment (kept by the reader, microseconds) with the
    counter, value and source tells presses apart: one keypad sends one press at a time.
    """
    return f"press:{source[:16]}:{counter}:{value}:{pressed_at:.6f}"


class RatingSink:
    """The reader's ``on_press``: one press -> one ``record_press`` at its press time.

    ``source`` is stored with each rating (``"keypad"``, ``"demo"``, ...).
    A press handed over again (backlog replay) records nothing new.
    """

    def __init__(self, source: str = "keypad") -> None:
        self.source = source

    def __call__(self, counter: int, value: int, pressed_at: float) -> PressInfo:
        return record_press(counter, value, source=self.source, now=pressed_at,
                            request_id=press_request_id(self.source, counter, value, pressed_at))


def rating_reader(port: str, *, protocol: str = "ascii", counter: int | None = None, baudrate: int = 9600,
                  on_recorded: Callable[[Any], None] | None = None, on_state: Callable[[str, str], None] | None = None,
                  source: str = "keypad", directory: Directory | None = None,
                  on_press: Callable[[int, int, float], Any] | None = None, **options: Any) -> KeypadReader:
    """A ``KeypadReader`` on ``port`` that records its presses as ratings of the bound database.

    ``directory`` and ``on_press`` replace the database's (tests, scripts);
    ``options`` go to ``KeypadReader`` as they are (``retry_s``, ``drain_s``, ...).
    """
    return KeypadReader(port, protocol=protocol, counter=counter, baudrate=baudrate,
                        on_press=on_press or RatingSink(source), on_recorded=on_recorded, on_state=on_state,
                        directory=directory or DatabaseDirectory(), **options)
