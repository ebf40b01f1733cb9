"""The systemd watchdog heartbeat: real programs send READY=1 then WATCHDOG=1; a frozen loop stops sending.

systemd is played by a unix datagram socket the test binds and names in
``$NOTIFY_SOCKET``, exactly what systemd hands a ``Type=notify`` service.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ui_common import watchdog

ROOT = Path(__file__).resolve().parents[2]
ONESTOP = str(Path(sys.executable).with_name("onestop"))
WATCHDOG_USEC = 200_000  # a 0.2 s watchdog: a beat every 0.1 s


@pytest.fixture
def notify_socket(tmp_path):
    """A bound datagram socket standing in for systemd's notify socket."""
    path = str(tmp_path / "notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    yield sock, path
    sock.close()


def receive(sock: socket.socket, until, proc: subprocess.Popen, timeout: float = 60.0) -> list[str]:
    """Collect messages until ``until(messages)`` holds; fail if ``proc`` ends or ``timeout`` passes."""
    messages: list[str] = []
    deadline = time.monotonic() + timeout
    while not until(messages):
        left = deadline - time.monotonic()
        assert left > 0, f"only received {messages!r}"
        assert proc.poll() is None, f"the program ended ({proc.returncode}): {proc.stderr.read()[-2000:]!r}"
        sock.settimeout(min(left, 1.0))
        try:
            messages.append(sock.recv(4096).decode())
        except TimeoutError:
            continue
    return messages


def drain(sock: socket.socket) -> list[str]:
    """Everything already queued on the socket, without waiting."""
    sock.setblocking(False)
    messages = []
    try:
        while True:
            messages.append(sock.recv(4096).decode())
    except BlockingIOError:
        pass
    finally:
        sock.setblocking(True)
    return messages


@pytest.mark.parametrize("program", [["display", "--windowed", "--no-voice"], ["kiosk", "--windowed"]])
def test_a_real_program_sends_ready_then_keeps_beating(sqlite_site_db, notify_socket, tmp_path, program):
    sock, path = notify_socket
    env = dict(os.environ, NOTIFY_SOCKET=path, WATCHDOG_USEC=str(WATCHDOG_USEC), QT_QPA_PLATFORM="offscreen",
               HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_DATA_HOME=str(tmp_path / "data"))
    env.pop("ONESTOP_KIOSK_CONFIG", None)
    env.pop("ONESTOP_DB", None)
    env.pop("WATCHDOG_PID", None)
    proc = subprocess.Popen([ONESTOP, "--db", sqlite_site_db, *program], cwd=str(ROOT), env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        messages = receive(sock, lambda m: m.count("WATCHDOG=1") >= 5, proc)
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    assert messages[0] == "READY=1", (messages, err[-2000:])
    assert messages.count("READY=1") == 1
    assert set(messages[1:]) == {"WATCHDOG=1"}


def test_a_frozen_event_loop_stops_the_heartbeat_and_a_thawed_one_resumes(qapp, notify_socket, monkeypatch):
    sock, path = notify_socket
    monkeypatch.setenv("NOTIFY_SOCKET", path)
    monkeypatch.setenv("WATCHDOG_USEC", str(WATCHDOG_USEC))
    monkeypatch.delenv("WATCHDOG_PID", raising=False)
    timer = watchdog.start()
    assert timer is not None and timer.interval() == 100
    try:
        seen: list[str] = []

        def beats() -> int:
            qapp.processEvents()
            seen.extend(drain(sock))
            return seen.count("WATCHDOG=1")

        deadline = time.monotonic() + 30
        while beats() < 3:
            assert time.monotonic() < deadline, seen
            time.sleep(0.01)
        assert seen[0] == "READY=1"

        drain(sock)
        time.sleep(1.0)  # the freeze under test: the main thread blocked for 10 heartbeat periods
        assert drain(sock) == []  # not one beat while the loop was stuck: systemd's watchdog fires

        before = seen.count("WATCHDOG=1")
        deadline = time.monotonic() + 30
        while beats() < before + 2:
            assert time.monotonic() < deadline, seen
            time.sleep(0.01)
    finally:
        timer.stop()


def test_outside_systemd_nothing_is_started_or_sent(qapp, monkeypatch):
    monkeypatch.delenv("NOTIFY_SOCKET", raising=False)
    assert watchdog.start() is None
    assert watchdog.notify("READY=1") is False


def test_the_interval_is_half_the_watchdog_and_only_for_the_named_process():
    assert watchdog.heartbeat_interval_ms({"WATCHDOG_USEC": "30000000"}) == 15_000
    assert watchdog.heartbeat_interval_ms({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": str(os.getpid())}) == 15_000
    assert watchdog.heartbeat_interval_ms({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "1"}) is None
    assert watchdog.heartbeat_interval_ms({}) is None
    assert watchdog.heartbeat_interval_ms({"WATCHDOG_USEC": "junk"}) is None


def test_an_abstract_socket_address_is_reached(tmp_path):
    name = f"onestop-test-{os.getpid()}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind("\0" + name)
        assert watchdog.notify("WATCHDOG=1", {"NOTIFY_SOCKET": "@" + name})
        sock.settimeout(10)
        assert sock.recv(100) == b"WATCHDOG=1"
