"""The benchmark command channel: off unless ONESTOP_AUTOMATION_SOCKET names it; one JSON answer per line."""

from __future__ import annotations

import json
import socket
from pathlib import Path

from PySide6.QtCore import QTimer

from ui_common.automation import from_env


def test_no_channel_unless_asked(qtbot) -> None:
    assert from_env({"x": lambda request, reply: reply({})}, env={}) is None


def _client(path: Path) -> socket.socket:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(str(path))
    sock.setblocking(False)
    return sock


def _answers(qtbot, sock: socket.socket, count: int) -> list[dict]:
    """Let the event loop serve until ``count`` answer lines arrived (the client never blocks the loop)."""
    data = bytearray()

    def arrived() -> bool:
        try:
            data.extend(sock.recv(65536))
        except BlockingIOError:
            pass
        return data.count(b"\n") >= count

    qtbot.waitUntil(arrived, timeout=5000)
    return [json.loads(line) for line in bytes(data).splitlines()]


def test_answers_come_back_in_the_order_they_are_ready(qtbot, tmp_path: Path) -> None:
    """A handler may answer later (when the screen shows the outcome); an unknown verb is refused at once."""
    path = tmp_path / "program.sock"

    def later(request: dict, reply) -> None:
        QTimer.singleShot(100, lambda: reply({"echo": request["value"]}))

    channel = from_env({"echo": later}, env={"ONESTOP_AUTOMATION_SOCKET": str(path)})
    assert channel is not None
    sock = _client(path)
    sock.sendall(b'{"do": "echo", "value": 7}\n{"do": "fly"}\n')
    first, second = _answers(qtbot, sock, 2)
    assert first["ok"] is False and "fly" in first["error"]
    assert second == {"ok": True, "echo": 7}
    sock.close()
    channel.close()


def test_a_socket_left_by_a_killed_run_is_replaced(qtbot, tmp_path: Path) -> None:
    """kill -9 leaves the socket file behind; the restarted program must listen again on the same path."""
    path = tmp_path / "program.sock"
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(str(path))          # a bound, never-served socket file, as a killed program leaves it
    stale.close()
    channel = from_env({"ping": lambda request, reply: reply({"pong": True})},
                       env={"ONESTOP_AUTOMATION_SOCKET": str(path)})
    sock = _client(path)
    sock.sendall(b'{"do": "ping"}\n')
    assert _answers(qtbot, sock, 1) == [{"ok": True, "pong": True}]
    sock.close()
    channel.close()


def test_a_failing_handler_answers_an_error_and_the_channel_lives_on(qtbot, tmp_path: Path) -> None:
    path = tmp_path / "program.sock"

    def broken(request: dict, reply) -> None:
        raise RuntimeError("boom")

    channel = from_env({"broken": broken, "ping": lambda request, reply: reply({"pong": 1})},
                       env={"ONESTOP_AUTOMATION_SOCKET": str(path)})
    sock = _client(path)
    sock.sendall(b'{"do": "broken"}\n{"do": "ping"}\n')
    first, second = _answers(qtbot, sock, 2)
    assert first["ok"] is False and "boom" in first["error"]
    assert second == {"ok": True, "pong": 1}
    sock.close()
    channel.close()
