"""``preview://DIR``: writes each ticket as a PNG instead of printing it.

The demo and screenshots use it; ``latest.png`` always holds the newest
ticket so a viewer can simply watch one file.  Files are written to a
temporary name and renamed, so a viewer never sees half a PNG.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Any

from PIL import Image

from hardware.printing.base import TicketPrinter
from hardware.printing.errors import PrinterError
from hardware.printing.status import UNCHECKED, PrinterStatus


class PreviewPrinter(TicketPrinter):
    scheme = "preview"

    def __init__(self, url: str, *, directory: str, **kwargs: Any) -> None:
        super().__init__(url, **kwargs)
        self.directory = Path(directory)
        #: Path of the last PNG written.
        self.last_path: Path | None = None

    def check_ready(self) -> PrinterStatus:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            return PrinterStatus(ready=False, checked=True, error=self.error("not_found", str(exc)))
        if not os.access(self.directory, os.W_OK):
            return PrinterStatus(ready=False, checked=True, error=self.error("not_found", f"{self.directory} is not writable"))
        return UNCHECKED

    def print_ticket(self, image: Image.Image, *, name: str | None = None) -> None:
        self.last_job = self.encode(image)          # same bytes a printer would get (size stats)
        stem = name or datetime.now().strftime("ticket-%Y%m%d-%H%M%S-%f")
        stem = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in stem)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            target = self.directory / f"{stem}.png"
            self._write_png(image, target)
            self._write_png(image, self.directory / "latest.png")
        except OSError as exc:
            raise PrinterError("not_found", f"{type(exc).__name__}: {exc}", url=self.url) from exc
        self.last_path = target

    @staticmethod
    def _write_png(image: Image.Image, target: Path) -> None:
        temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        image.save(temp, format="PNG")
        os.replace(temp, target)

    def send_job(self, job: bytes) -> None:
        raise NotImplementedError("preview printers store images, not ESC/POS bytes")
