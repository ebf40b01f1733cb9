"""The one small interface every printer URL scheme implements.

``TicketPrinter`` is what the kiosk and the CLI hold: ``check_ready()`` (cheap,
never raises for a fault) and ``print_ticket(image)`` (raises
``PrinterError``).  ``EscposPrinter`` adds the shared job path for connectors
backed by python-escpos: a fresh escpos object per job (a Network object is
unusable after a failed open), the whole encoded job written in one go, and a
translation of every transport exception into a ``PrinterError`` fault.
"""

from __future__ import annotations

import socket
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any, ClassVar

from PIL import Image

from hardware.printing.encode import encode_ticket
from hardware.printing.errors import PrinterError
from hardware.printing.status import UNCHECKED, PrinterStatus, query_status

#: Default budget of one network/serial operation (docs/interfaces.md §5: 3 s, not 60).
JOB_TIMEOUT_S = 3.0
#: Budget of a whole ready-check; the kiosk may call it before every screen.
STATUS_TIMEOUT_S = 1.0
#: Budget of the status answer that confirms a job the printer has received.  A thermal
#: printer stops reading while it prints, so a slow one (a 5 s ticket) answers late; the
#: confirmation must wait for it rather than call a printed ticket a failure (docs/printing.md).
CONFIRM_TIMEOUT_S = 10.0

_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def device_lock(key: str) -> threading.Lock:
    """One lock per physical device: a serial port or socket is one job at a time."""
    with _locks_guard:
        return _locks.setdefault(key, threading.Lock())


class TicketPrinter(ABC):
    """A ticket printer selected by URL (see ``hardware.printing.printers``)."""

    scheme: ClassVar[str] = ""
    #: True when ``check_ready`` really asks the device (DLE EOT).
    supports_status: ClassVar[bool] = False

    def __init__(self, url: str, *, width_mm: int = 80, options: dict[str, str] | None = None) -> None:
        self.url = url
        self.width_mm = width_mm
        self.options = dict(options or {})
        #: Bytes of the last job sent (for logs, tests and the benchmark).
        self.last_job: bytes | None = None

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.url} {self.width_mm}mm>"

    @property
    def status_enabled(self) -> bool:
        """Status queries can be switched off (``?status=off``) for printers that never answer."""
        return self.supports_status and self.options.get("status", "on").lower() not in ("off", "0", "no", "false")

    def check_ready(self) -> PrinterStatus:
        """Cheap "can it print now?"; faults come back in ``.error``, never raised."""
        return UNCHECKED

    def encode(self, image: Image.Image) -> bytes:
        return encode_ticket(image, self.width_mm)

    def print_ticket(self, image: Image.Image, *, name: str | None = None) -> None:
        """Print ``image`` (from ``render_ticket``) and cut; raises ``PrinterError``.

        ``name`` is a hint for printers that store tickets (preview).
        """
        job = self.encode(image)
        self.last_job = job
        self.send_job(job)

    @abstractmethod
    def send_job(self, job: bytes) -> None:
        """Write one encoded job to the device."""

    def error(self, fault: str, detail: str = "") -> PrinterError:
        return PrinterError(fault, detail, url=self.url)


def classify(exc: BaseException, url: str | None = None) -> PrinterError:
    """Map a transport exception onto a ``PrinterError`` fault."""
    if isinstance(exc, PrinterError):
        return exc
    name = type(exc).__name__
    detail = f"{name}: {exc}".strip()
    if isinstance(exc, (socket.timeout, TimeoutError)) or name in ("SerialTimeoutException", "USBTimeoutError"):
        return PrinterError("timeout", detail, url=url)
    if name in ("DeviceNotFoundError", "USBNotFoundError", "FileNotFoundError") or isinstance(exc, socket.gaierror):
        return PrinterError("not_found", detail, url=url)
    if isinstance(exc, (ConnectionError, BrokenPipeError)) or name in ("SerialException", "USBError"):
        return PrinterError("disconnected", detail, url=url)
    if isinstance(exc, OSError):
        return PrinterError("disconnected", detail, url=url)
    return PrinterError("error", detail, url=url)


class Deadline:
    """Remaining time of an operation budget, for per-call socket timeouts."""

    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + seconds

    def remaining(self, minimum: float = 0.01) -> float:
        return max(self.end - time.monotonic(), minimum)

    @property
    def expired(self) -> bool:
        return time.monotonic() >= self.end


class EscposPrinter(TicketPrinter):
    """Shared job path for printers reached through a python-escpos connector."""

    def job_timeout(self) -> float:
        return float(self.options.get("timeout", JOB_TIMEOUT_S))

    def status_timeout(self) -> float:
        return float(self.options.get("status_timeout", STATUS_TIMEOUT_S))

    def confirm_timeout(self) -> float:
        return float(self.options.get("confirm_timeout", CONFIRM_TIMEOUT_S))

    def lock_key(self) -> str:
        return self.url.split("?", 1)[0]

    @abstractmethod
    def connector(self, timeout: float) -> Any:
        """A new, unopened escpos printer object for one job."""

    def open_connector(self, timeout: float) -> Any:
        """Create and open a connector; ``DeviceNotFoundError`` becomes ``not_found``."""
        try:
            device = self.connector(timeout)
            device.open()
        except PrinterError:
            raise
        except Exception as exc:  # escpos wraps OSError in DeviceNotFoundError
            raise PrinterError("not_found", f"{type(exc).__name__}: {exc}".strip(), url=self.url) from exc
        return device

    def send_job(self, job: bytes) -> None:
        with device_lock(self.lock_key()):
            deadline = Deadline(self.job_timeout())
            device = self.open_connector(self.job_timeout())
            written = False
            try:
                self.before_write(device, deadline)
                device._raw(job)
                written = True
                self.after_write(device, deadline)
            except Exception as exc:
                error = classify(exc, self.url)
                error.delivered = written
                if error is exc:
                    raise
                raise error from exc
            finally:
                self.close_quietly(device)

    def before_write(self, device: Any, deadline: Deadline) -> None:
        """Hook: set transport timeouts from the deadline."""

    def after_write(self, device: Any, deadline: Deadline) -> None:
        """Confirm the printer is still fine after the job, on the same connection.

        A printer that hangs up mid-job often lets the write itself succeed
        (the bytes sit in kernel buffers); the status round trip is what
        notices.  It also catches paper running out while the job was queued.
        The answer may take ``confirm_timeout`` (10 s): a printer answers
        after it has printed what it read before the question.
        """
        if self.status_enabled:
            status = query_status(*self.status_io(device, Deadline(self.confirm_timeout())), url=self.url)
            status.raise_for_error()

    def status_io(self, device: Any, deadline: Deadline) -> tuple[Callable[[bytes], None], Callable[[], int | None]]:
        """(write, read_byte) on an open connector; only status-capable transports."""
        raise NotImplementedError

    def check_ready(self) -> PrinterStatus:
        """Ask DLE EOT status over a short-lived connection (budget: ~1 s)."""
        if not self.status_enabled:
            return UNCHECKED
        with device_lock(self.lock_key()):
            deadline = Deadline(self.status_timeout())
            try:
                device = self.open_connector(self.status_timeout())
            except PrinterError as exc:
                return PrinterStatus(ready=False, checked=True, error=exc)
            try:
                return query_status(*self.status_io(device, deadline), url=self.url)
            except Exception as exc:
                return PrinterStatus(ready=False, checked=True, error=classify(exc, self.url))
            finally:
                self.close_quietly(device)

    @staticmethod
    def close_quietly(device: Any) -> None:
        try:
            device.close()
        except Exception:  # closing a broken connection must not mask the real error
            pass
