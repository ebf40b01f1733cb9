"""A separate process hammering the queue, for the multi-process tests and benchmarks.

    python concurrency_worker.py issue URL SERVICE COUNT START_AT [SECONDS]
    python concurrency_worker.py call URL COUNTER START_AT [SECONDS]

``issue`` stops after COUNT tickets, ``call`` once the queue stays empty; with
SECONDS both stop when that time is up instead (the benchmark's mixed load).
Prints one JSON line: the numbers/ids it got and every error it saw.
"""

from __future__ import annotations

import json
import sys
import time


def main() -> None:
    mode, url = sys.argv[1], sys.argv[2]
    from db import queue
    from db.connection import connect

    connect(url)
    result: dict = {"ok": [], "errors": []}
    if mode == "issue":
        service, count, start_at = sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
        seconds = float(sys.argv[6]) if len(sys.argv) > 6 else None
        time.sleep(max(0.0, start_at - time.time()))
        for _ in range(count):
            if seconds is not None and time.time() > start_at + seconds:
                break
            try:
                result["ok"].append(queue.issue_ticket(service).number)
            except Exception as exc:  # reported, the test asserts there are none
                result["errors"].append(repr(exc))
    elif mode == "call":
        counter, start_at = int(sys.argv[3]), float(sys.argv[4])
        seconds = float(sys.argv[5]) if len(sys.argv) > 5 else None
        time.sleep(max(0.0, start_at - time.time()))
        empty_in_a_row = 0
        while (empty_in_a_row < 3) if seconds is None else (time.time() < start_at + seconds):
            try:
                ticket = queue.call_next(counter)
                if ticket is None:
                    empty_in_a_row += 1
                    time.sleep(0.05)
                    continue
                empty_in_a_row = 0
                result["ok"].append(ticket.id)
                time.sleep(0.002)  # the officer's moment: lets the other counters' calls in
                queue.finish_service(counter)
                result.setdefault("finished", 0)
                result["finished"] += 1
            except Exception as exc:
                result["errors"].append(repr(exc))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
