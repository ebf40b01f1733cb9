"""Helpers for the hall display tests: a board program with a recording announcer."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ui_common.pyside_workarounds import keep_singletons_alive

keep_singletons_alive()   # qtbot's waits call void Qt methods thousands of times (PySide6 6.12 refcount bug)

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


@pytest.fixture
def board(qtbot):
    """``board(**kwargs)`` -> a started ``DisplayProgram`` (stopped at the end of the test)."""
    from display_app.app import DisplayProgram

    programs = []

    def make(*, announcer=None, clock=time.time, poll_s: float = 0.1, size=(1280, 720)):
        program = DisplayProgram(announcer=announcer if announcer is not None else RecordingAnnouncer(),
                                 voice=False, poll_s=poll_s, clock=clock)
        programs.append(program)
        program.window.resize(*size)
        program.window.show()
        program.start()
        qtbot.waitUntil(lambda: program.controller.state.loaded, timeout=10_000)
        return program

    yield make
    for program in programs:
        program.stop()
        program.window.close()
