"""``dummy://``: keeps every job in memory; ``?fail=KIND`` simulates a fault.

For tests and GUI work without hardware: ``dummy://?fail=paper_out`` reports
paper out in ``check_ready()`` and raises it from ``print_ticket()``.
"""

from __future__ import annotations

from typing import Any

from PIL import Image

from hardware.printing.base import TicketPrinter
from hardware.printing.errors import FAULTS, PrinterError
from hardware.printing.status import PrinterStatus


class DummyPrinter(TicketPrinter):
    scheme = "dummy"
    supports_status = True

    def __init__(self, url: str = "dummy://", **kwargs: Any) -> None:
        super().__init__(url, **kwargs)
        self.jobs: list[bytes] = []
        self.images: list[Image.Image] = []
        fail = self.options.get("fail") or None
        if fail is not None and fail not in FAULTS:
            raise ValueError(f"dummy printer: unknown fault {fail!r}")
        #: Fault to simulate; tests may change it at any time.
        self.fail: str | None = fail

    @property
    def output(self) -> bytes:
        return b"".join(self.jobs)

    def check_ready(self) -> PrinterStatus:
        if self.fail:
            return PrinterStatus(ready=False, checked=True, error=self.error(self.fail, "simulated"))
        return PrinterStatus(ready=True, checked=True, online=True, paper="ok", cover_open=False)

    def print_ticket(self, image: Image.Image, *, name: str | None = None) -> None:
        if self.fail:
            raise self.error(self.fail, "simulated")
        super().print_ticket(image, name=name)
        self.images.append(image.copy())

    def send_job(self, job: bytes) -> None:
        if self.fail:
            raise PrinterError(self.fail, "simulated", url=self.url)
        self.jobs.append(job)
