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

    def make(*, size=(1280, 720), **options):
        """``options`` go to ``DisplayProgram``; by default a recording announcer, no voice, a 0.1 s poll."""
        options.setdefault("voice", False)
        options.setdefault("poll_s", 0.1)
        options.setdefault("clock", time.time)
        if options.get("announcer") is None and not options.get("counter"):
            options["announcer"] = RecordingAnnouncer()
        program = DisplayProgram(**options)
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
