"""``cups://QUEUE``: a raw CUPS queue (pycups when installed, else the ``lp`` command)."""

from __future__ import annotations

import shutil
import subprocess
from typing import Any

from hardware.printing.base import EscposPrinter
from hardware.printing.errors import PrinterError


class CupsPrinter(EscposPrinter):
    """Hands the job to the spooler; success means "queued", status is CUPS' business."""

    scheme = "cups"

    def __init__(self, url: str, *, queue: str, **kwargs: Any) -> None:
        super().__init__(url, **kwargs)
        self.queue = queue

    def connector(self, timeout: float) -> Any:
        from escpos.printer import CupsPrinter as EscposCups

        from hardware.printing.encode import ticket_profile

        return EscposCups(self.queue, profile=ticket_profile(self.width_mm))

    def send_job(self, job: bytes) -> None:
        from escpos.printer import CupsPrinter as EscposCups

        if EscposCups.is_usable():
            super().send_job(job)          # escpos spools a temp file on close()
            return
        # escpos' LP class re-spawns lp after each flush; one plain call is safer.
        if not shutil.which("lp"):
            raise self.error("not_found", "CUPS printing needs pycups or the lp command")
        try:
            done = subprocess.run(["lp", "-d", self.queue, "-o", "raw", "-t", "onestop-ticket"], input=job,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=self.job_timeout())
        except subprocess.TimeoutExpired as exc:
            raise self.error("timeout", "lp did not return") from exc
        if done.returncode != 0:
            text = done.stderr.decode(errors="replace").strip()
            fault = "not_found" if "not exist" in text or "Unknown" in text else "error"
            raise PrinterError(fault, f"lp: {text}", url=self.url)
