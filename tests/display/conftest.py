"""Helpers for the hall display tests: a board program with a recording announcer."""

from __future__ import annotations

import time

import pytest
from display_helpers import RecordingAnnouncer


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
