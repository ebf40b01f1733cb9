"""The notifier service: delivers the outbox of ``db.notify`` through a pluggable driver.

``onestop notify`` runs it (docs/appointments.md, "Notifications"): one
thread follows the event log and queues messages (booking confirmed, reminder
the day before, "N people ahead", "called"); a background worker sends what
is due through the site's ``[notify]`` driver and, on failure, schedules a
retry with doubling backoff in the ``notification`` table.  A slow or dead
gateway therefore holds up only this worker, never the queue: kiosks and
counters write their events and go on.

Drivers (one small class each, ``send(message)`` raising on failure):
* ``log``: appends each message as one JSON line to a file (tests, audits, or a
  centre's own script that tails it);
* ``webhook``: POSTs the message as JSON to a URL; a centre puts its SMS or Zalo
  gateway behind it.  Any 2xx answer is success.
"""

from __future__ import annotations

import json
import logging
import signal
import sys
import threading
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from db import notify
from db.errors import DatabaseUnavailable, InvalidInput
from db.notify import NotifySettings

log = logging.getLogger(__name__)


class DeliveryFailed(Exception):
    """One attempt failed; the outbox keeps the message for a retry."""


class Driver(Protocol):
    def send(self, message: dict) -> None: ...


class LogDriver:
    """Each message as one JSON line appended to ``path``."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def send(self, message: dict) -> None:
        line = {"at": datetime.now(UTC).isoformat(timespec="seconds"), **message}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as handle:
                handle.write(json.dumps(line, ensure_ascii=False) + "\n")
        except OSError as exc:
            raise DeliveryFailed(f"{self.path}: {exc}") from exc


class WebhookDriver:
    """HTTP POST of the message as JSON; anything but a 2xx answer (or no answer in time) fails."""

    def __init__(self, url: str, headers: dict | None = None, timeout_s: float = 5.0) -> None:
        self.url, self.headers, self.timeout_s = url, dict(headers or {}), timeout_s

    def send(self, message: dict) -> None:
        body = json.dumps(message, ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(self.url, data=body, method="POST",
                                         headers={"Content-Type": "application/json; charset=utf-8", **self.headers})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as answer:
                if not 200 <= answer.status < 300:
                    raise DeliveryFailed(f"HTTP {answer.status}")
        except urllib.error.HTTPError as exc:
            raise DeliveryFailed(f"HTTP {exc.code}") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise DeliveryFailed(str(getattr(exc, "reason", exc))) from exc


def make_driver(settings: NotifySettings) -> Driver:
    if settings.driver == "log" and settings.path:
        return LogDriver(settings.path)
    if settings.driver == "webhook" and settings.url:
        return WebhookDriver(settings.url, settings.headers, settings.timeout_s)
    raise InvalidInput("Chưa cấu hình [notify] driver (log hoặc webhook) trong tệp cấu hình đơn vị",
                       'No notifier configured: set [notify] driver = "log" or "webhook" in the site file')


class Notifier:
    """One notifier: ``follow()`` queues messages, ``deliver_due()`` sends them (clock injectable)."""

    def __init__(self, settings: NotifySettings | None = None, driver: Driver | None = None) -> None:
        self.settings = settings or notify.notify_settings()
        self.driver = driver or make_driver(self.settings)

    def follow(self, *, now: float | None = None) -> int:
        """New events and due reminders -> outbox rows; returns how many were queued."""
        return notify.follow_events(self.settings, now=now) + notify.queue_reminders(self.settings, now=now)

    def deliver_due(self, *, now: float | None = None) -> tuple[int, int]:
        """Send every due message once; returns (sent, failed attempts)."""
        sent = failed = 0
        for message in notify.due(now=now):
            try:
                self.driver.send(message.payload)
            except DeliveryFailed as exc:
                status = notify.mark_failed(message.id, str(exc), self.settings, now=now)
                log.warning("notification %s (%s) failed: %s%s", message.id, message.kind, exc,
                            " - giving up" if status == "failed" else " - will retry")
                failed += 1
            else:
                notify.mark_sent(message.id, now=now)
                sent += 1
        return sent, failed

    def step(self, *, now: float | None = None) -> tuple[int, int, int]:
        """One pass: (queued, sent, failed)."""
        queued = self.follow(now=now)
        sent, failed = self.deliver_due(now=now)
        return queued, sent, failed


def _guarded(action, stop: threading.Event, pause_s: float) -> None:
    """Run ``action`` until ``stop``; a database outage pauses it instead of ending the service."""
    while not stop.is_set():
        try:
            action()
        except DatabaseUnavailable as exc:
            log.warning("notifier: %s", exc)
        stop.wait(pause_s)


def run_notifier(*, once: bool = False, poll_s: float = 0.5) -> int:
    """``onestop notify``: until SIGINT/SIGTERM (exit 0), or one pass with ``once``."""
    notifier = Notifier()
    if once:
        notifier.step()
        return 0
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    print(f"onestop: notify: driver {notifier.settings.driver}; Ctrl+C to stop", file=sys.stderr, flush=True)
    worker = threading.Thread(target=_guarded, args=(notifier.deliver_due, stop, poll_s), name="notify-delivery",
                              daemon=True)
    worker.start()
    _guarded(notifier.follow, stop, poll_s)
    worker.join(timeout=notifier.settings.timeout_s + 2)
    return 0


__all__ = ["DeliveryFailed", "LogDriver", "Notifier", "WebhookDriver", "make_driver", "run_notifier"]
