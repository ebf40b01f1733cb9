"""Printer faults, in words an officer or a citizen understands.

A ``PrinterError`` is a ``QueueError`` (the product's one error vocabulary), so
the CLI maps it to exit code 3 and the screens show ``message_vi`` /
``message_en`` without a traceback.  ``kind`` is the machine-readable part
the kiosk and the print policy switch on.
"""

from __future__ import annotations

from db.errors import QueueError
from errors import Kind

#: kind -> (Vietnamese, English).  Short, actionable, no jargon.
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

KINDS: tuple[str, ...] = tuple(MESSAGES)


class PrinterError(QueueError):
    """A printer that cannot print right now, classified by ``kind``.

    ``detail`` keeps the technical cause (socket error, status byte) for logs;
    it is not part of the message shown to people.
    """

    exit_code = 3

    def __init__(self, kind: str, detail: str = "", *, url: str | None = None) -> None:
        if kind not in MESSAGES:
            raise ValueError(f"unknown printer error kind {kind!r}")
        vi, en = MESSAGES[kind]
        detail = " ".join(detail.split())       # escpos puts newlines in its messages
        super().__init__(vi, en, kind=Kind.DEVICE, detail=detail, url=url)
        self.kind = kind
        self.detail = detail
        self.url = url

    def __repr__(self) -> str:
        return f"PrinterError({self.kind!r}, {self.detail!r})"

    def to_json(self) -> dict:
        return {"kind": self.kind, "message": self.message_vi, "message_en": self.message_en, "detail": self.detail}
