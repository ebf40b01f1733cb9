"""A separate process booking or checking in, for the multi-process tests.

    python booking_worker.py book URL GATE NOW WORKER SLOT [SLOT ...]
    python booking_worker.py checkin URL GATE NOW CODE TIMES

GATE is a directory: once connected the worker leaves ``ready-PID`` there and
waits for ``go`` to appear, so every worker starts at the same moment however
long a loaded machine takes to start fifty interpreters.

``book`` tries every SLOT once (in a shuffled order, a distinct phone per
attempt so only capacity can refuse); ``checkin`` checks CODE in TIMES times.
Prints one JSON line: what it got, the refusals (exit-3 kinds: not errors)
and every other error.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from pathlib import Path


def main() -> None:
    mode, url, gate, now = sys.argv[1], sys.argv[2], Path(sys.argv[3]), float(sys.argv[4])
    from db import bookings
    from db.connection import connect
    from db.errors import QueueError

    connect(url)
    result: dict = {"ok": [], "refused": [], "errors": [], "started": None}
    (gate / f"ready-{os.getpid()}").touch()
    while not (gate / "go").exists():
        time.sleep(0.001)
    result["started"] = time.time()
    if mode == "book":
        worker, slots = int(sys.argv[5]), sys.argv[6:]
        random.Random(worker).shuffle(slots)
        for n, slot in enumerate(slots):
            try:
                made = bookings.book("TP", slot, f"Công dân {worker}", f"09{worker:04d}{n:04d}", now=now)
                result["ok"].append([slot, made.code])
            except QueueError as exc:
                if exc.exit_code == 3:
                    result["refused"].append(exc.details.get("reason"))
                else:
                    result["errors"].append(repr(exc))
            except Exception as exc:  # reported, the test asserts there are none
                result["errors"].append(repr(exc))
    else:
        code, times = sys.argv[5], int(sys.argv[6])
        for _ in range(times):
            try:
                result["ok"].append(bookings.check_in(code, now=now).id)
            except Exception as exc:
                result["errors"].append(repr(exc))
    result["finished"] = time.time()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
