"""An off-by-default command channel for benchmarks: a local socket through which a GUI program is driven.

``ONESTOP_AUTOMATION_SOCKET=/path`` makes a kiosk or counter program listen on a unix socket at
``path`` (``QLocalServer``, so it is served by the program's own event loop, like a tap).  A client
sends one JSON object per line, ``{"do": "tap", "service": "TP"}``, and gets one JSON object per line
back, ``{"ok": true, ...}``.  The program registers one handler per verb; a handler acts through the
program's real widgets (it clicks the button a person would click) and answers when the result is on
screen, so a soak benchmark (``bench/soak.py``) exercises the same path as a citizen or an officer.
Unset (the hall's case), nothing listens.

Why a socket and not a watched file: the benchmark needs the answer (which ticket the kiosk printed,
what the counter holds) and needs to know a command was not acted on twice after a ``kill -9``; a
request/answer pair on a connection gives both, a file would need its own bookkeeping of offsets.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger(__name__)

ENV = "ONESTOP_AUTOMATION_SOCKET"

Reply = Callable[[dict[str, Any]], None]
#: ``handler(request, reply)``: calls ``reply`` once, at once or later (from the event loop).
Handler = Callable[[dict[str, Any], Reply], None]


class AutomationChannel(QObject):
    """Serves ``handlers`` on a local socket; one request at a time per connection."""

    def __init__(self, path: str, handlers: dict[str, Handler], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self.handlers = dict(handlers)
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.server.newConnection.connect(self._accept)
        self._buffers: dict[QLocalSocket, bytes] = {}

    def start(self) -> bool:
        """Listen (a socket file left by a killed run is removed first); False when it cannot."""
        QLocalServer.removeServer(self.path)
        if not self.server.listen(self.path):
            log.warning("automation socket %s not opened: %s", self.path, self.server.errorString())
            return False
        return True

    def close(self) -> None:
        """Stop listening and drop every connection (their signals first: nothing fires into a closed channel)."""
        self.server.close()
        for connection in list(self._buffers):
            connection.readyRead.disconnect()
            connection.disconnected.disconnect()
            connection.abort()
            connection.deleteLater()
        self._buffers.clear()

    def _accept(self) -> None:
        while self.server.hasPendingConnections():
            connection = self.server.nextPendingConnection()
            self._buffers[connection] = b""
            connection.readyRead.connect(lambda c=connection: self._read(c))
            connection.disconnected.connect(lambda c=connection: self._drop(c))

    def _drop(self, connection: QLocalSocket) -> None:
        self._buffers.pop(connection, None)
        connection.deleteLater()

    def _read(self, connection: QLocalSocket) -> None:
        data = self._buffers.get(connection, b"") + bytes(connection.readAll().data())
        while b"\n" in data:
            line, data = data.split(b"\n", 1)
            self._handle(connection, line)
        self._buffers[connection] = data

    def _handle(self, connection: QLocalSocket, line: bytes) -> None:
        answered = False

        def reply(answer: dict[str, Any]) -> None:
            nonlocal answered
            if answered or connection not in self._buffers:
                return
            answered = True
            connection.write(json.dumps({"ok": True, **answer}, default=str).encode() + b"\n")
            connection.flush()

        try:
            request = json.loads(line)
            handler = self.handlers[request["do"]]
        except (ValueError, KeyError, TypeError):
            reply({"ok": False, "error": f"unknown request {line[:80]!r}"})
            return
        try:
            handler(request, reply)
        except Exception as exc:   # a bad request must not stop the program
            log.exception("automation %s failed", request.get("do"))
            reply({"ok": False, "error": repr(exc)[:200]})


def wait_until(condition: Callable[[], Any], then: Callable[[Any], None], *, timeout_s: float,
               on_timeout: Callable[[], None], interval_ms: int = 50, parent: QObject | None = None) -> None:
    """Check ``condition`` on the event loop every ``interval_ms`` until truthy (``then(value)``) or timeout."""
    import time

    deadline = time.monotonic() + timeout_s
    timer = QTimer(parent)
    timer.setInterval(interval_ms)
    finished = False

    def check() -> None:
        nonlocal finished
        if finished:
            return
        value = condition()
        if value or time.monotonic() >= deadline:
            finished = True
            timer.stop()
            timer.deleteLater()
            then(value) if value else on_timeout()

    timer.timeout.connect(check)
    timer.start()
    QTimer.singleShot(0, check)


def from_env(handlers: dict[str, Handler], parent: QObject | None = None,
             env: dict[str, str] | None = None) -> AutomationChannel | None:
    """A started channel at ``$ONESTOP_AUTOMATION_SOCKET``, or None when it is not set."""
    path = (env if env is not None else os.environ).get(ENV, "")
    if not path:
        return None
    channel = AutomationChannel(path, handlers, parent)
    channel.start()
    return channel
