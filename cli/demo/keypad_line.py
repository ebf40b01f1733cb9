"""A virtual serial cable between an on-screen keypad and the real keypad reader.

The demo's on-screen rating buttons must travel the same path as a real
button box: bytes on a serial line, decoded by ``hardware.keypad``.  A real
pty pair is Linux-only, so the line is a loopback TCP socket that the reader
opens through pyserial's ``socket://`` URL, exactly as it would open a
serial-over-IP converter.  ``press(value)`` writes what a real keypad sends.
"""

from __future__ import annotations

import socket
import threading


class VirtualKeypadLine:
    """A one-client TCP server; the keypad reader is the client."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self._server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._server.bind((host, 0))
        self._server.listen(1)
        self.host, self.port = self._server.getsockname()
        self._clients: list[socket.socket] = []
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._accept, name="virtual-keypad", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        """What to give ``--keypad``: a pyserial URL."""
        return f"socket://{self.host}:{self.port}"

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            with self._lock:
                self._clients.append(client)

    def connected(self) -> bool:
        with self._lock:
            return bool(self._clients)

    def send(self, data: bytes) -> int:
        """Write raw bytes to the line; returns how many readers got them."""
        delivered = 0
        with self._lock:
            for client in list(self._clients):
                try:
                    client.sendall(data)
                    delivered += 1
                except OSError:
                    self._clients.remove(client)
        return delivered

    def press(self, value: int) -> int:
        """One button press in the ``ascii`` wire format: the digit itself."""
        return self.send(str(int(value)).encode("ascii"))

    def close(self) -> None:
        self._closed.set()
        try:
            self._server.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
        except OSError:
            pass
        try:
            self._server.close()
        except OSError:
            pass
        self._thread.join(timeout=2)
        with self._lock:
            for client in self._clients:
                try:
                    client.close()
                except OSError:
                    pass
            self._clients.clear()
