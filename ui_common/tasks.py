"""The one background runner of the Qt programs: a blocking call off the UI thread, its result back on it.

A click must never freeze the window while the database (or a printer) is
busy or away, and a second click while the first is in flight must do
nothing: screens keep a "busy" flag (or ask ``Lane.busy``) while a call is
pending and clear it in the callback.

How it works, and why:

* a :class:`Lane` is a ``concurrent.futures`` pool with a name.  An ordered
  lane has one thread, so its calls run one at a time in the order asked (the
  admin's live overview has its own lane, so a year-long report never delays
  it); :func:`run_task` uses a shared unordered lane;
* worker threads never create, own or drop the last reference to a Qt
  object.  A worker gets only a job number; the job itself (the operation,
  the callbacks, later the outcome) stays in a table the UI thread owns, the
  worker drops its own references before it reports, and it reports by
  emitting the job number (an ``int``) on ONE long-lived ``QObject`` created
  on the UI thread, through a queued connection.  The UI thread then takes
  the job out of the table and runs its callback, so every Python object the
  job touched is released on the UI thread.  (The previous runner made a
  ``QObject`` per call and its worker could drop the last reference to it:
  "Fatal Python error: Segmentation fault ... Garbage-collecting" in a worker
  thread.)
* Python's cyclic garbage collector runs in whichever thread happens to
  allocate, so a cycle holding a widget could be freed on a worker thread
  all the same.  The first lane therefore moves collection to the UI thread
  (automatic collection off, the same generations collected from a timer on
  the UI thread, as Anki's Qt shell does);
* an exception that is not an ``errors.OnestopError`` is a bug: its
  traceback goes to the log here, and ``ui_common.errors`` shows the person a
  plain message.
"""

from __future__ import annotations

import atexit
import gc
import itertools
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal

from errors import OnestopError

log = logging.getLogger(__name__)

Callback = Callable[[Any], None]

#: Threads of the shared lane used by :func:`run_task` (calls there may overlap).
SHARED_WORKERS = 4
#: How often the UI thread runs the garbage collection that was switched off elsewhere.
COLLECT_MS = 1000


@dataclass
class _Job:
    lane: Lane
    operation: Callable[[], Any] | None
    on_done: Callback | None
    on_failed: Callback | None
    result: Any = None
    error: BaseException | None = None
    cancelled: bool = False   #: its lane was closed: skip the operation, drop the callbacks


_jobs: dict[int, _Job] = {}
_jobs_lock = threading.Lock()
_numbers = itertools.count(1)
_running = 0                                  # submitted and not yet finished on a worker
_idle = threading.Condition(_jobs_lock)


class _Bridge(QObject):
    """The one QObject workers report through; it lives on the UI thread for the whole program."""

    finished = Signal(int)   # a job number; queued to the UI thread

    def __init__(self) -> None:
        super().__init__()
        self.finished.connect(self._deliver, Qt.QueuedConnection)
        self._collector = QTimer(self)
        self._collector.setInterval(COLLECT_MS)
        self._collector.timeout.connect(self.collect_garbage)
        if gc.isenabled():
            gc.disable()
            self._collector.start()
            atexit.register(self.collect_at_exit)

    @staticmethod
    def collect_at_exit() -> None:
        """Collect once more while the modules still exist (finalizers then run normally), on the main thread."""
        gc.enable()
        gc.collect()

    @staticmethod
    def collect_garbage() -> None:
        """What the automatic collector would have done by now, on the UI thread."""
        counts, thresholds = gc.get_count(), gc.get_threshold()
        if counts[0] <= thresholds[0]:
            return
        generation = 2 if counts[2] > thresholds[2] else 1 if counts[1] > thresholds[1] else 0
        gc.collect(generation)

    def _deliver(self, number: int) -> None:
        with _jobs_lock:
            job = _jobs.pop(number, None)
        if job is None:
            return   # its lane was closed meanwhile
        job.lane._pending.discard(number)
        if job.cancelled:
            return
        try:
            if job.error is None:
                if job.on_done is not None:
                    job.on_done(job.result)
            elif job.on_failed is not None:
                job.on_failed(job.error)
            else:
                log.warning("background call on lane %s failed: %s", job.lane.name, job.error)
        except Exception:  # a broken callback must not stop the delivery of the others
            log.exception("callback of a background call on lane %s failed", job.lane.name)


_bridge: _Bridge | None = None


def _the_bridge() -> _Bridge:
    """The bridge, made on first use; only the UI thread may make it (or ask for work)."""
    global _bridge
    # The UI thread is the main thread (Qt requires it for widgets); asked with
    # ``threading`` so that a wrong caller does not make Qt adopt its thread.
    if threading.current_thread() is not threading.main_thread():
        raise RuntimeError("background calls are started from the UI thread only")
    if QCoreApplication.instance() is None:
        raise RuntimeError("ui_common.tasks needs a running Q(Gui)Application")
    if _bridge is None:
        _bridge = _Bridge()
    return _bridge


def _work(number: int) -> None:
    """Runs on a worker thread: holds only the job number once it is done with the operation."""
    with _jobs_lock:
        job = _jobs[number]
        operation = None if job.cancelled else job.operation
    if operation is not None:
        try:
            job.result = operation()
        except Exception as exc:  # delivered to the UI, which shows a plain message
            if not isinstance(exc, OnestopError):
                log.error("background call on lane %s failed unexpectedly", job.lane.name, exc_info=exc)
            job.error = exc
    bridge = job.lane._bridge
    del job, operation   # the UI thread owns the job from here: it drops the last references
    global _running
    with _idle:
        _running -= 1
        _idle.notify_all()
    try:
        bridge.finished.emit(number)
    except RuntimeError:   # the application is already gone (shutting down)
        pass


class Lane:
    """A named pool whose calls report back on the UI thread; ``ordered``: one call at a time, in order."""

    def __init__(self, name: str, *, ordered: bool = True, workers: int | None = None) -> None:
        self.name = name
        self._bridge = _the_bridge()
        self._pool = ThreadPoolExecutor(max_workers=1 if ordered else (workers or SHARED_WORKERS),
                                        thread_name_prefix=f"onestop-{name}")
        self._pending: set[int] = set()
        self._closed = False

    @property
    def busy(self) -> bool:
        """A call of this lane has not reported back yet (the guard against a second click)."""
        return bool(self._pending)

    def run(self, operation: Callable[[], Any], on_done: Callback | None = None,
            on_failed: Callback | None = None) -> int:
        """Queue ``operation``; ``on_done(result)`` or ``on_failed(exception)`` runs later on the UI thread."""
        if self._closed:
            return 0
        global _running
        number = next(_numbers)
        with _jobs_lock:
            _jobs[number] = _Job(self, operation, on_done, on_failed)
            _running += 1
        self._pending.add(number)
        self._pool.submit(_work, number)
        return number

    def close(self) -> None:
        """Forget the calls not yet delivered (their callbacks never run) and let the threads end.

        The jobs still go through a worker (which skips their operation) and
        back to the UI thread, so they are released there like any other.
        """
        self._closed = True
        with _jobs_lock:
            for number in self._pending:
                _jobs[number].cancelled = True
        self._pending.clear()
        self._pool.shutdown(wait=False)


_shared: Lane | None = None


def run_task(operation: Callable[[], Any], on_done: Callback | None = None,
             on_failed: Callback | None = None) -> int:
    """Run ``operation`` on the shared lane (calls may overlap); callbacks run on the UI thread."""
    global _shared
    if _shared is None:
        _shared = Lane("tasks", ordered=False)
    return _shared.run(operation, on_done, on_failed)


def wait_for_idle(timeout_s: float = 5.0) -> bool:
    """Block until no background call is running (their results are delivered later, or dropped).

    For shutting a program down: the database is closed only after the calls
    using it are over.  True if idle within ``timeout_s``.
    """
    with _idle:
        return _idle.wait_for(lambda: _running == 0, timeout_s)
