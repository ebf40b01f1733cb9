"""Background runner round trip: ``ui_common.tasks`` against the previous design, in the same run.

The previous runner (kept here only as the baseline) made one ``QObject`` per
call and ran it on ``QThreadPool``; the current one keeps the job on the UI
thread and reports through one long-lived bridge.  Measured: a no-op call's
round trip (submit -> callback on the UI thread), one at a time, and a burst of
N calls submitted at once.

    QT_QPA_PLATFORM=offscreen python bench/bench_tasks.py [N]
"""

from __future__ import annotations

import os
import statistics
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from ui_common.app import make_app
from ui_common.tasks import run_task


class _Signals(QObject):
    done = Signal(object)


class _Task(QRunnable):
    def __init__(self, operation, signals) -> None:
        super().__init__()
        self.operation, self.signals = operation, signals

    def run(self) -> None:
        self.signals.done.emit(self.operation())


_keep: set = set()


def previous_run_task(operation, on_done) -> None:
    """The baseline: a QObject per call, emitted from the pool thread."""
    signals = _Signals()
    _keep.add(signals)
    signals.done.connect(on_done)
    signals.done.connect(lambda *_: _keep.discard(signals))
    QThreadPool.globalInstance().start(_Task(operation, signals))


def measure(app, runner, n: int) -> tuple[float, float, float]:
    latencies = []
    for i in range(n):
        done: list = []
        started = time.perf_counter()
        runner(lambda i=i: i, done.append)
        while not done:
            app.processEvents()
        latencies.append(time.perf_counter() - started)
    done = []
    started = time.perf_counter()
    for i in range(n):
        runner(lambda i=i: i, done.append)
    while len(done) < n:
        app.processEvents()
    burst = time.perf_counter() - started
    latencies.sort()
    return statistics.median(latencies), latencies[int(n * 0.95)], burst


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    app = make_app("bench-tasks", sys.argv[:1])
    for name, runner in (("previous (QObject per call)", previous_run_task), ("ui_common.tasks", run_task)):
        p50, p95, burst = measure(app, runner, n)
        print(f"{name:30s} round trip p50 {p50 * 1e6:6.0f} us  p95 {p95 * 1e6:6.0f} us  burst of {n}: "
              f"{burst * 1e3:5.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
