"""Printer faults, in words an officer or a citizen understands.

A ``PrinterError`` is an ``errors.OnestopError`` of kind ``DEVICE`` (the
product's one error vocabulary, which sits below ``hardware``; this package
never imports the database), so the CLI maps it to its kind's exit code and
the screens show ``message_vi`` / ``message_en`` without a traceback.
``fault`` (``"paper_out"``, ``"offline"``, ...) is the machine-readable part
the kiosk and the print policy switch on.
"""

from __future__ import annotations

from errors import Kind, OnestopError

#: fault -> (Vietnamese, English).  Short, actionable, no jargon.
MESSAGES: dict[str, tuple[str, str]] = {
    "offline": (
        "Máy in đang ngoại tuyến (tạm dừng hoặc lỗi), vui lòng báo cán bộ",
        "The printer is offline (paused or in error), please tell an officer",
    ),
    "paper_out": (
        "Máy in hết giấy, vui lòng báo cán bộ thay cuộn giấy",
        "The printer is out of paper, please ask an officer to load a new roll",
    ),
    "cover_open": (
        "Nắp máy in đang mở, vui lòng đóng nắp",
        "The printer cover is open, please close it",
    ),
    "timeout": (
        "Máy in không phản hồi, vui lòng báo cán bộ kiểm tra máy in",
        "The printer does not respond, please ask an officer to check it",
    ),
    "disconnected": (
        "Mất kết nối với máy in trong khi in, phiếu có thể chưa được in",
        "The printer connection was lost while printing; the ticket may not have printed",
    ),
    "not_found": (
        "Không tìm thấy máy in (chưa bật, chưa cắm cáp hoặc sai địa chỉ)",
        "Printer not found (switched off, cable unplugged or wrong address)",
    ),
    "error": (
        "Máy in gặp lỗi, vui lòng báo cán bộ",
        "The printer reported an error, please tell an officer",
    ),
}

#: Every fault a printer can have, in the order of ``MESSAGES``.
FAULTS: tuple[str, ...] = tuple(MESSAGES)


class PrinterError(OnestopError):
    """A printer that cannot print right now, classified by ``fault``.

    ``kind`` is the error table's ``Kind.DEVICE`` like every device failure;
    ``detail`` keeps the technical cause (socket error, status byte) for logs,
    it is not part of the message shown to people.
    """

    kind = Kind.DEVICE

    def __init__(self, fault: str, detail: str = "", *, url: str | None = None) -> None:
        if fault not in MESSAGES:
            raise ValueError(f"unknown printer fault {fault!r}")
        vi, en = MESSAGES[fault]
        detail = " ".join(detail.split())       # escpos puts newlines in its messages
        super().__init__(vi, en, detail=detail, url=url)
        self.fault = fault
        self.detail = detail
        self.url = url
        #: True when the whole job had been written to the printer before the fault (only the
        #: confirmation failed): the slip may well be in the citizen's hand.
        self.delivered = False

    def __repr__(self) -> str:
        return f"PrinterError({self.fault!r}, {self.detail!r})"

    def to_json(self) -> dict:
        """The ``print_error`` object of ``onestop issue --printer``: its ``kind`` is the fault (docs/printing.md)."""
        return {"kind": self.fault, "message": self.message_vi, "message_en": self.message_en, "detail": self.detail}


class PrinterUrlError(OnestopError):
    """A printer URL that names no printer we can open (bad scheme, port, width)."""

    kind = Kind.DEVICE_INPUT

    def __init__(self, url: str, problem: str) -> None:
        super().__init__(f"Địa chỉ máy in không hợp lệ: {url} ({problem})", f"Invalid printer URL: {url} ({problem})",
                         url=url)
