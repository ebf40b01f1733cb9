"""``open_printer(url)``: pick the driver for a printer URL (docs/interfaces.md §5).

``tcp://HOST[:9100]``, ``usb://VID:PID``, ``serial:///dev/ttyUSB0?baudrate=9600``,
``file:///dev/usb/lp0``, ``cups://QUEUE``, ``preview://DIR``, ``dummy://``.
Common options: ``width=58|80`` (default 80), ``timeout=SECONDS`` (job, default
3), ``status=off`` (for a printer that never answers DLE EOT),
``status_timeout=SECONDS`` (ready check, default 1).

Opening does not touch the device: a printer that is switched off is a
``PrinterError`` from ``check_ready()``/``print_ticket()``, while a malformed
URL is refused here as bad input (exit code 2), before any ticket is issued.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from hardware.printing.base import TicketPrinter
from hardware.printing.errors import PrinterUrlError

__all__ = ["SCHEMES", "PrinterUrlError", "open_printer"]

SCHEMES = ("tcp", "usb", "serial", "file", "cups", "preview", "dummy")


def _location(parts: Any) -> str:
    """netloc + path, so ``preview://out``, ``preview:///abs`` and ``serial://COM3`` all work."""
    return unquote(parts.netloc + parts.path)


def open_printer(url: str) -> TicketPrinter:
    """A ``TicketPrinter`` for ``url``; raises ``PrinterUrlError`` for a malformed URL."""
    text = (url or "").strip()
    try:
        parts = urlsplit(text)
    except ValueError as exc:
        raise PrinterUrlError(text, str(exc)) from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise PrinterUrlError(text, f"scheme must be one of {', '.join(s + '://' for s in SCHEMES)}")
    options = {k.lower(): v for k, v in parse_qsl(parts.query, keep_blank_values=True)}
    width = options.pop("width", "80") or "80"
    if width not in ("58", "80"):
        raise PrinterUrlError(text, "width must be 58 or 80")
    for key in ("timeout", "status_timeout"):
        if key in options:
            try:
                if not 0 < float(options[key]) <= 120:
                    raise ValueError
            except ValueError:
                raise PrinterUrlError(text, f"{key} must be a number of seconds") from None
    common = {"width_mm": int(width), "options": options}

    if scheme == "tcp":
        from hardware.printing.drivers.tcp import DEFAULT_PORT, TcpPrinter

        try:
            host, port = parts.hostname, parts.port or DEFAULT_PORT
        except ValueError:
            raise PrinterUrlError(text, "bad port") from None
        if not host:
            raise PrinterUrlError(text, "missing host")
        return TcpPrinter(text, host=host, port=port, **common)
    if scheme == "usb":
        from hardware.printing.drivers.usb import UsbPrinter

        ids = parts.netloc.split(":")
        try:
            vendor, product = (int(x, 16) for x in ids)
        except ValueError:
            raise PrinterUrlError(text, "expected usb://VID:PID in hex, e.g. usb://0416:5011") from None
        return UsbPrinter(text, vendor_id=vendor, product_id=product, **common)
    if scheme == "serial":
        from hardware.printing.drivers.serial import SerialPrinter

        if "baudrate" in options and not options["baudrate"].isdigit():
            raise PrinterUrlError(text, "baudrate must be a number")
        if not _location(parts):
            raise PrinterUrlError(text, "missing device")
        return SerialPrinter(text, device=_location(parts), **common)
    if scheme == "file":
        from hardware.printing.drivers.file import FilePrinter

        if not _location(parts):
            raise PrinterUrlError(text, "missing path")
        return FilePrinter(text, path=_location(parts), **common)
    if scheme == "cups":
        from hardware.printing.drivers.cups import CupsPrinter

        if not parts.netloc:
            raise PrinterUrlError(text, "missing queue name")
        return CupsPrinter(text, queue=unquote(parts.netloc), **common)
    if scheme == "preview":
        from hardware.printing.drivers.preview import PreviewPrinter

        if not _location(parts):
            raise PrinterUrlError(text, "missing directory")
        return PreviewPrinter(text, directory=_location(parts), **common)
    from hardware.printing.drivers.dummy import DummyPrinter

    try:
        return DummyPrinter(text, **common)
    except ValueError as exc:
        raise PrinterUrlError(text, str(exc)) from None
