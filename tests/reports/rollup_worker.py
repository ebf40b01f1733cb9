"""One kiosk process at the start of a day, for tests/reports/test_rollup_concurrency.py.

    python rollup_worker.py DB_URL NOW SERVICE

Connects, says ``ready`` and waits for a line on stdin (so every worker is connected before any
starts), then issues one ticket of SERVICE at ``NOW`` (workers of different services do not wait for
each other's numbering): the day's first operation of this process, which rolls
the site's closed days.  Prints one JSON line: the ticket's number and the rollup's warnings.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


class _Kept(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def main(url: str, now: float, service: str) -> None:
    from db.connection import connect
    from db.queue import issue_ticket

    kept = _Kept()
    logging.getLogger("db.rollup").addHandler(kept)
    connect(url)
    print("ready", flush=True)
    sys.stdin.readline()
    ticket = issue_ticket(service, now=now)
    print(json.dumps({"code": ticket.code, "warnings": kept.messages}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]), sys.argv[3])
