"""ESC/POS real-time status (DLE EOT n) and what it means for a ticket.

Real-time status is answered by the printer as soon as the request arrives,
even while it is offline, which is what makes a cheap "is the printer ready?"
possible before a ticket is issued.  Each answer is one byte whose bits 1 and
4 are always set and bits 0 and 7 always clear; anything else is not a status
byte.  Bit meanings (Epson ESC/POS reference, shared by Xprinter clones):

- n=1 printer status: bit 3 = offline.
- n=2 offline cause: bit 2 = cover open, bit 5 = stopped by paper end,
  bit 6 = error.
- n=4 roll paper sensor: bits 2-3 = near end, bits 5-6 = paper end.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from hardware.printing.errors import PrinterError

DLE_EOT = b"\x10\x04"
PRINTER_STATUS = 1
OFFLINE_CAUSE = 2
ERROR_CAUSE = 3
PAPER_STATUS = 4

#: The fixed bits every real-time status byte has (for validation).
_FIXED_MASK, _FIXED_VALUE = 0x93, 0x12

ONLINE_BIT = 0x08
COVER_OPEN_BIT = 0x04
PAPER_STOP_BIT = 0x20
ERROR_BIT = 0x40
PAPER_NEAR_END_BITS = 0x0C
PAPER_END_BITS = 0x60


def status_request(n: int) -> bytes:
    """The three bytes asking for real-time status ``n``."""
    return DLE_EOT + bytes((n,))


def is_status_byte(value: int) -> bool:
    return value & _FIXED_MASK == _FIXED_VALUE


@dataclass(frozen=True)
class PrinterStatus:
    """The answer to "can this printer print a ticket now?".

    ``checked`` is False for printers that cannot report (file, USB, CUPS,
    preview): ``ready`` is then an optimistic True and only the print itself
    can fail.  ``error`` is the fault that makes it not ready.
    """

    ready: bool
    checked: bool
    online: bool | None = None
    paper: str | None = None               # "ok" | "near_end" | "out" | None (unknown)
    cover_open: bool | None = None
    error: PrinterError | None = None

    def raise_for_error(self) -> None:
        if self.error is not None:
            raise self.error

    def to_json(self) -> dict:
        return {
            "ready": self.ready,
            "checked": self.checked,
            "online": self.online,
            "paper": self.paper,
            "cover_open": self.cover_open,
            "error": self.error.to_json() if self.error else None,
        }


UNCHECKED = PrinterStatus(ready=True, checked=False)


def query_status(write: Callable[[bytes], None], read_byte: Callable[[], int | None], *, url: str | None = None) -> PrinterStatus:
    """Ask the printer for its state over an open two-way connection.

    ``read_byte`` returns one byte, or ``None`` when the printer closed the
    connection; it raises ``PrinterError("timeout")`` itself when nothing comes.
    Three short round trips at most: paper, online, and the offline cause only
    when the printer says it is offline.
    """

    def ask(n: int) -> int:
        write(status_request(n))
        while True:
            value = read_byte()
            if value is None:
                raise PrinterError("disconnected", f"connection closed while waiting for DLE EOT {n}", url=url)
            if is_status_byte(value):
                return value
            # Stray bytes (e.g. a late answer of another device) are skipped;
            # read_byte's own deadline bounds this loop.

    paper_byte = ask(PAPER_STATUS)
    online_byte = ask(PRINTER_STATUS)
    paper = "out" if paper_byte & PAPER_END_BITS else ("near_end" if paper_byte & PAPER_NEAR_END_BITS else "ok")
    online = not online_byte & ONLINE_BIT
    cover_open = False
    error: PrinterError | None = None
    if not online:
        cause = ask(OFFLINE_CAUSE)
        cover_open = bool(cause & COVER_OPEN_BIT)
        if cover_open:
            error = PrinterError("cover_open", f"DLE EOT 2 = 0x{cause:02x}", url=url)
        elif cause & PAPER_STOP_BIT or paper == "out":
            error = PrinterError("paper_out", f"DLE EOT 2 = 0x{cause:02x}, DLE EOT 4 = 0x{paper_byte:02x}", url=url)
        elif cause & ERROR_BIT:
            error = PrinterError("error", f"DLE EOT 2 = 0x{cause:02x}", url=url)
        else:
            error = PrinterError("offline", f"DLE EOT 1 = 0x{online_byte:02x}, DLE EOT 2 = 0x{cause:02x}", url=url)
    elif paper == "out":
        error = PrinterError("paper_out", f"DLE EOT 4 = 0x{paper_byte:02x}", url=url)
    return PrinterStatus(ready=error is None, checked=True, online=online, paper=paper, cover_open=cover_open, error=error)
