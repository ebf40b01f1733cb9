"""An off-by-default status file for benchmarks: the last event id a screen has painted.

``ONESTOP_STATUS_FILE=/path`` makes a GUI program write ``{"pid": .., "event_id": .., "time": ..}``
(atomically: a temp file renamed over it) each time its window is up to date as of an event.  The soak
benchmark (``bench/soak.py``) compares that id with the database's latest event id over time to
measure how long a screen shows stale data after a fault.  Unset (the hall's case), nothing is done.
"""

from __future__ import annotations

import json
import logging
import os
import time
from pathlib import Path

log = logging.getLogger(__name__)

ENV = "ONESTOP_STATUS_FILE"


class StatusFile:
    """Writes the painted event id to ``path``; ``write(event_id)`` is connected to the program's signal."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def write(self, event_id: int) -> None:
        record = {"pid": os.getpid(), "event_id": int(event_id), "time": time.time()}
        tmp = self.path.with_name(self.path.name + ".tmp")
        try:
            tmp.write_text(json.dumps(record))
            os.replace(tmp, self.path)
        except OSError as exc:   # a benchmark aid must never stop the screen
            log.warning("status file %s not written: %s", self.path, exc)


def from_env(env: dict[str, str] | None = None) -> StatusFile | None:
    """The status file named by ``$ONESTOP_STATUS_FILE``, or None when it is not set."""
    value = (env if env is not None else os.environ).get(ENV, "")
    return StatusFile(Path(value)) if value else None
