"""Median time of each queue operation, to compare a build with and without sealing.

    python bench/bench_sealing.py URL N      (run it from each checkout against a fresh database)

Prints one JSON object: operation -> median milliseconds over N citizens
(issue, call, start, done, rate at counter 1 of the built-in site).
"""

import json
import statistics
import sys
import time

url, n = sys.argv[1], int(sys.argv[2])
from db import queue
from db.connection import connect
from db.ratings import record_press
from db.site import import_site
from db.site_config import load_site_file

connect(url)
import_site(load_site_file(None))
ops = {"issue": lambda: queue.issue_ticket("TP"), "call": lambda: queue.call_next(1),
       "start": lambda: queue.start_service(1), "done": lambda: queue.finish_service(1),
       "rate": lambda: record_press(1, 3)}
times = {k: [] for k in ops}
for _ in range(n):
    for k, f in ops.items():
        began = time.perf_counter()
        f()
        times[k].append((time.perf_counter() - began) * 1000)
print(json.dumps({k: round(statistics.median(v), 2) for k, v in times.items()}))
