"""``tcp://HOST[:9100]``: a network printer on raw port 9100 (JetDirect)."""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any

from escpos.printer import Network

from hardware.printing.base import Deadline, EscposPrinter, classify
from hardware.printing.errors import PrinterError

DEFAULT_PORT = 9100


class TcpPrinter(EscposPrinter):
    """Network printer; answers DLE EOT over the same socket."""

    scheme = "tcp"
    supports_status = True

    def __init__(self, url: str, *, host: str, port: int = DEFAULT_PORT, **kwargs: Any) -> None:
        super().__init__(url, **kwargs)
        self.host = host
        self.port = port

    def connector(self, timeout: float) -> Network:
        # A new escpos Network object per job: after a failed open the old one
        # is unusable (bare AssertionError); its 60 s default timeout is far too long.
        from hardware.printing.encode import ticket_profile

        return Network(self.host, self.port, timeout=timeout, profile=ticket_profile(self.width_mm))

    def before_write(self, device: Network, deadline: Deadline) -> None:
        device.device.settimeout(deadline.remaining())

    def status_io(self, device: Network, deadline: Deadline) -> tuple[Callable[[bytes], None], Callable[[], int | None]]:
        sock: socket.socket = device.device

        def write(data: bytes) -> None:
            try:
                sock.settimeout(deadline.remaining())
                sock.sendall(data)
            except Exception as exc:
                raise classify(exc, self.url) from exc

        def read_byte() -> int | None:
            if deadline.expired:
                raise PrinterError("timeout", "no status answer within the time limit", url=self.url)
            try:
                sock.settimeout(deadline.remaining())
                data = sock.recv(1)
            except Exception as exc:
                raise classify(exc, self.url) from exc
            return data[0] if data else None

        return write, read_byte
