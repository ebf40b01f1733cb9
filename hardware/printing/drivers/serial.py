"""``serial:///dev/ttyUSB0?baudrate=9600`` (also ``serial://COM3``): RS-232/USB-serial printers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from escpos.printer import Serial

from hardware.printing.base import Deadline, EscposPrinter, classify
from hardware.printing.errors import PrinterError


class SerialPrinter(EscposPrinter):
    """Serial printer; DLE EOT status is read back on the same line."""

    scheme = "serial"
    supports_status = True

    def __init__(self, url: str, *, device: str, **kwargs: Any) -> None:
        super().__init__(url, **kwargs)
        self.device = device

    def connector(self, timeout: float) -> Serial:
        from hardware.printing.encode import ticket_profile

        opts = self.options
        return Serial(
            self.device,
            baudrate=int(opts.get("baudrate", 9600)),
            bytesize=int(opts.get("bytesize", 8)),
            parity=opts.get("parity") or None,
            stopbits=int(opts["stopbits"]) if opts.get("stopbits") else None,
            timeout=timeout,
            xonxoff=opts.get("xonxoff", "0").lower() in ("1", "on", "true", "yes"),
            dsrdtr=opts.get("dsrdtr", "1").lower() in ("1", "on", "true", "yes"),
            profile=ticket_profile(self.width_mm),
        )

    def before_write(self, device: Serial, deadline: Deadline) -> None:
        # escpos leaves write_timeout unset: with flow control and the printer
        # off, a write would block for ever.
        port = device.device
        port.write_timeout = deadline.remaining()

    def status_io(self, device: Serial, deadline: Deadline) -> tuple[Callable[[bytes], None], Callable[[], int | None]]:
        port = device.device

        def write(data: bytes) -> None:
            try:
                port.write_timeout = deadline.remaining()
                port.write(data)
                port.flush()
            except Exception as exc:
                raise classify(exc, self.url) from exc

        def read_byte() -> int | None:
            if deadline.expired:
                raise PrinterError("timeout", "no status answer within the time limit", url=self.url)
            try:
                port.timeout = deadline.remaining()
                data = port.read(1)     # escpos' _read() waits for 16 bytes
            except Exception as exc:
                raise classify(exc, self.url) from exc
            if not data:
                raise PrinterError("timeout", "no status answer within the time limit", url=self.url)
            return data[0]

        return write, read_byte
