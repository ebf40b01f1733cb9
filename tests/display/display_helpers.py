"""Helpers for the display tests (importable, unlike conftest.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ONESTOP = str(Path(sys.executable).with_name("onestop"))


class RecordingAnnouncer:
    """Stands in for ``AnnouncementQueue``: records every ``enqueue`` (code, counter)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []

    def enqueue(self, code: str, counter: int, **_: object) -> int:
        self.calls.append((code, counter))
        return len(self.calls)


def onestop(url: str, *args: str) -> subprocess.CompletedProcess:
    """Run the real CLI in another process, as an officer's PC would."""
    env = dict(os.environ)
    env.pop("ONESTOP_DB", None)
    return subprocess.run([ONESTOP, "--db", url, *args], capture_output=True, text=True, env=env, timeout=60,
                          cwd=str(ROOT))


class ReadRecorder:
    """Wraps a running board's snapshot loader and records every read: when it started, how it ended.

    A "nothing changed while the database was away" check then waits for a read
    that *started after* the thing that must not show, and finished, instead of
    sleeping and hoping the board looked meanwhile.
    """

    def __init__(self, controller) -> None:
        self._lock = threading.Lock()
        self.started = 0
        self.finished: list[tuple[int, bool]] = []     # (start number, succeeded)
        inner = controller._load

        def load(**kwargs):
            with self._lock:
                self.started += 1
                number = self.started
            try:
                snapshot = inner(**kwargs)
            except Exception:
                with self._lock:
                    self.finished.append((number, False))
                raise
            with self._lock:
                self.finished.append((number, True))
            return snapshot

        controller._load = load

    def mark(self) -> int:
        """The number of reads started so far (reads after this one come later)."""
        with self._lock:
            return self.started

    def failed_since(self, mark: int) -> bool:
        """A read started after ``mark`` has finished with an error."""
        with self._lock:
            return any(number > mark and not ok for number, ok in self.finished)
