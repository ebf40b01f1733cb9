"""Helpers for the display tests (importable, unlike conftest.py)."""

from __future__ import annotations

import os
import subprocess
import sys
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
