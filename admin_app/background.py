"""Database calls off the UI thread, with results handed back without any Python-side ``emit``.

Why not ``ui_common.tasks.run_task``: on Python 3.11, PySide6 6.12 loses one
reference to ``True`` on every ``Signal.emit()`` made from Python, and the
interpreter aborts after a few thousand of them.  The admin window refreshes
the hall every second all day, so it must not emit from Python at all: a
worker thread runs the call and a ``QTimer`` (emitted by Qt itself, which does
not leak) collects finished calls on the UI thread and runs their callbacks.

One ``Lane`` runs one call at a time, in order: the live overview has its own
lane so a year-long report never delays it.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Callable

from PySide6.QtCore import QObject, QTimer

log = logging.getLogger(__name__)

Callback = Callable[[Any], None]


class Lane:
    """A single worker thread whose results are delivered on the UI thread."""

    def __init__(self, name: str, parent: QObject | None = None, *, poll_ms: int = 20) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"admin-{name}")
        self._pending: list[tuple[Future, Callback | None, Callback | None]] = []
        self._timer = QTimer(parent)
        self._timer.setInterval(poll_ms)
        self._timer.timeout.connect(self._deliver)
        self._closed = False

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def run(self, operation: Callable[[], Any], on_done: Callback | None = None,
            on_failed: Callback | None = None) -> Future:
        """Queue ``operation``; ``on_done(result)`` or ``on_failed(exception)`` runs on the UI thread."""
        future = self._pool.submit(operation)
        self._pending.append((future, on_done, on_failed))
        if not self._timer.isActive() and not self._closed:
            self._timer.start()
        return future

    def _deliver(self) -> None:
        finished = [p for p in self._pending if p[0].done()]
        if not finished:
            return
        self._pending = [p for p in self._pending if not p[0].done()]
        if not self._pending:
            self._timer.stop()
        for future, on_done, on_failed in finished:
            error = future.exception()
            try:
                if error is None:
                    if on_done is not None:
                        on_done(future.result())
                elif on_failed is not None:
                    on_failed(error)
                else:
                    log.warning("admin: background call failed: %s", error)
            except Exception:  # a broken callback must not stop the delivery of the others
                log.exception("admin: callback failed")

    def close(self) -> None:
        self._closed = True
        self._timer.stop()
        self._pool.shutdown(wait=False, cancel_futures=True)


def error_text(exc: BaseException) -> str:
    """A plain message (both languages) for any failure; never a traceback."""
    if hasattr(exc, "message_vi"):
        return str(exc)
    return f"Có lỗi xảy ra / Something went wrong ({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''})"
