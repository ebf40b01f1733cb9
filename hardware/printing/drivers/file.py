"""``file:///dev/usb/lp0``: a device file (Linux usblp, parallel port) or a plain file."""

from __future__ import annotations

from typing import Any

from escpos.printer import File

from hardware.printing.base import EscposPrinter


class FilePrinter(EscposPrinter):
    """Write-only: no status; a missing device is ``not_found``."""

    scheme = "file"

    def __init__(self, url: str, *, path: str, **kwargs: Any) -> None:
        super().__init__(url, **kwargs)
        self.path = path

    def connector(self, timeout: float) -> File:
        from hardware.printing.encode import ticket_profile

        return File(self.path, profile=ticket_profile(self.width_mm))
