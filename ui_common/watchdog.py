"""Telling systemd a GUI program is alive (sd_notify READY=1, then WATCHDOG=1 from the Qt loop).

``Restart=always`` only helps when a program dies; a frozen one (a deadlock, a
stuck driver call on the main thread) keeps its window and its process. With
``Type=notify`` and ``WatchdogSec=`` in the unit, systemd restarts a program
whose heartbeat stops. The heartbeat is a QTimer, so it is sent only while
the Qt event loop really turns: a blocked main thread stops it.

The protocol is one unix datagram per message to ``$NOTIFY_SOCKET`` (a path, or
``@name`` for the abstract namespace). It is a few lines; the only packaged
clients are ``sdnotify`` (unmaintained since 2017) and ``systemd-python`` (needs
libsystemd headers to build), so neither is worth a dependency.
"""

from __future__ import annotations

import logging
import os
import socket

from PySide6.QtCore import QObject, QTimer

log = logging.getLogger(__name__)


def notify(message: str, env: dict[str, str] | None = None) -> bool:
    """Send one sd_notify message (e.g. ``"READY=1"``); False when not run by systemd or refused."""
    address = (env if env is not None else os.environ).get("NOTIFY_SOCKET", "")
    if not address:
        return False
    if address.startswith("@"):
        address = "\0" + address[1:]  # abstract socket
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            sock.sendto(message.encode(), address)
    except OSError as exc:  # systemd gone or socket removed: the program itself keeps running
        log.warning("sd_notify %r to %s failed: %s", message, address, exc)
        return False
    return True


def heartbeat_interval_ms(env: dict[str, str] | None = None) -> int | None:
    """Half of ``$WATCHDOG_USEC`` in ms (systemd's advice), or None when the unit has no watchdog.

    ``$WATCHDOG_PID``, when set, names the process the watchdog is meant for; a
    child started with the same environment must not answer for its parent.
    """
    env = env if env is not None else os.environ
    pid = env.get("WATCHDOG_PID")
    if pid and pid.strip() != str(os.getpid()):
        return None
    try:
        usec = int(env.get("WATCHDOG_USEC", ""))
    except ValueError:
        return None
    if usec <= 0:
        return None
    return max(1, usec // 2000)


def start(parent: QObject | None = None) -> QTimer | None:
    """Send READY=1 once the event loop runs, then WATCHDOG=1 every half watchdog period.

    Returns the heartbeat timer (keep it referenced as long as the loop runs),
    or None when no watchdog is asked for. Outside systemd this does nothing.
    """
    if not os.environ.get("NOTIFY_SOCKET"):
        return None
    QTimer.singleShot(0, lambda: notify("READY=1"))  # fires only once app.exec() is turning
    interval = heartbeat_interval_ms()
    if interval is None:
        return None
    timer = QTimer(parent)
    timer.setInterval(interval)
    timer.timeout.connect(lambda: notify("WATCHDOG=1"))
    timer.start()
    return timer
