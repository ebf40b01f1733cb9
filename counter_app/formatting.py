"""Short Vietnamese renderings of durations and states for the counter screen.

Kept apart from the widgets so the wording is tested without a window.
"""

from __future__ import annotations

from db import statuses

STATUS_VI = {
    statuses.CALLED: "Đã gọi - chờ công dân đến",
    statuses.SERVING: "Đang phục vụ",
    statuses.DONE: "Đã hoàn thành",
    statuses.NO_SHOW: "Vắng mặt",
    "transferred": "Đã chuyển",
    statuses.WAITING: "Đang chờ",
    statuses.CANCELLED: "Đã huỷ",
}

KEYPAD_VI = {
    "connected": "đã kết nối",
    "waiting_for_device": "đang chờ thiết bị (chưa cắm?)",
    "waiting": "đang chờ thiết bị",
    "stopped": "đã dừng",
    "error": "lỗi",
    "off": "không dùng",
}


def clock_text(seconds: float | None) -> str:
    """A running timer: ``"04:07"``, ``"1:02:03"`` past an hour, ``"--:--"`` when unknown."""
    if seconds is None:
        return "--:--"
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def minutes_text(seconds: float | None) -> str:
    """A waiting time an officer reads at a glance: ``"dưới 1 phút"``, ``"12 phút"``, ``"1 giờ 05 phút"``."""
    if seconds is None:
        return "-"
    minutes = int(max(0, seconds) // 60)
    if minutes < 1:
        return "dưới 1 phút"
    if minutes < 60:
        return f"{minutes} phút"
    return f"{minutes // 60} giờ {minutes % 60:02d} phút"


def keypad_text(state: str) -> str:
    return KEYPAD_VI.get(state, state)
