"""``usb://VID:PID`` (hex, e.g. ``usb://0416:5011``): direct USB through pyusb.

Needs ``pip install python-escpos[usb]`` (pyusb + libusb); on Linux the
device also needs a udev rule giving the kiosk user access.  Without pyusb the
printer reports ``not_found`` with the reason, it does not crash the kiosk.
"""

from __future__ import annotations

from typing import Any

from hardware.printing.base import EscposPrinter
from hardware.printing.errors import PrinterError


class UsbPrinter(EscposPrinter):
    scheme = "usb"

    def __init__(self, url: str, *, vendor_id: int, product_id: int, **kwargs: Any) -> None:
        super().__init__(url, **kwargs)
        self.vendor_id = vendor_id
        self.product_id = product_id

    def connector(self, timeout: float) -> Any:
        from escpos.printer import Usb

        from hardware.printing.encode import ticket_profile

        if not Usb.is_usable():
            raise PrinterError("not_found", "USB printing needs pyusb: pip install 'python-escpos[usb]'", url=self.url)
        opts = self.options
        return Usb(
            self.vendor_id,
            self.product_id,
            timeout=int(self.job_timeout() * 1000),       # pyusb counts milliseconds
            in_ep=int(opts.get("in_ep", "0x82"), 16),
            out_ep=int(opts.get("out_ep", "0x01"), 16),
            profile=ticket_profile(self.width_mm),
        )
