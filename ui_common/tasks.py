"""Running a db operation off the UI thread and getting its result back as a signal.

A click must never freeze the window while the database is busy or away, and
a second click while the first is in flight must do nothing: widgets disable
their button while ``run_task`` is pending and re-enable it on ``done``.
"""

from __future__ import annotations

import logging
import traceback
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)


class TaskSignals(QObject):
    done = Signal(object)      # the operation's return value
    failed = Signal(object)    # the exception (QueueError for refusals)


class _Task(QRunnable):
    def __init__(self, operation: Callable[[], Any], signals: TaskSignals) -> None:
        super().__init__()
        self.operation = operation
        self.signals = signals
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = self.operation()
        except Exception as exc:  # delivered to the UI, which shows a plain message
            if not hasattr(exc, "message_vi"):
                log.error("task failed: %s", "".join(traceback.format_exception(exc)))
            self.signals.failed.emit(exc)
            return
        self.signals.done.emit(result)


_keep: set[TaskSignals] = set()


def run_task(operation: Callable[[], Any], on_done: Callable[[Any], None] | None = None,
             on_failed: Callable[[Exception], None] | None = None) -> TaskSignals:
    """Run ``operation`` on the shared thread pool; callbacks run on the UI thread."""
    signals = TaskSignals()
    _keep.add(signals)

    def release(*_: object) -> None:
        _keep.discard(signals)

    if on_done:
        signals.done.connect(on_done)
    if on_failed:
        signals.failed.connect(on_failed)
    signals.done.connect(release)
    signals.failed.connect(release)
    QThreadPool.globalInstance().start(_Task(operation, signals))
    return signals


def error_text(exc: Exception, lang: str = "vi") -> str:
    """A plain-language message for any failure; never a traceback."""
    if hasattr(exc, "message"):
        return exc.message(lang)  # QueueError
    return ("Có lỗi xảy ra, vui lòng thử lại" if lang == "vi" else "Something went wrong, please try again")
