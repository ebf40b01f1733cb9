"""Short renderings of durations and states for the counter screen, in the program's language.

Kept apart from the widgets so the wording is tested without a window.  The tables hold
Vietnamese msgids (``N_``); ``status_text`` and ``keypad_text`` translate them when shown.
"""

from __future__ import annotations

from db import statuses
from ui_common.i18n import N_, _

STATUS_VI = {
    statuses.CALLED: N_("Đã gọi - chờ công dân đến"),
    statuses.SERVING: N_("Đang phục vụ"),
    statuses.DONE: N_("Đã hoàn thành"),
    statuses.NO_SHOW: N_("Vắng mặt"),
    "transferred": N_("Đã chuyển"),
    statuses.WAITING: N_("Đang chờ"),
    statuses.CANCELLED: N_("Đã huỷ"),
}

KEYPAD_VI = {
    "connected": N_("đã kết nối"),
    "waiting_for_device": N_("đang chờ thiết bị (chưa cắm?)"),
    "waiting": N_("đang chờ thiết bị"),
    "stopped": N_("đã dừng"),
    "error": N_("lỗi"),
    "off": N_("không dùng"),
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
        return _("dưới 1 phút")
    if minutes < 60:
        return _("{m} phút", m=minutes)
    return _("{h} giờ {m} phút", h=minutes // 60, m=f"{minutes % 60:02d}")


def status_text(status: str) -> str:
    return _(STATUS_VI[status]) if status in STATUS_VI else status


def keypad_text(state: str) -> str:
    return _(KEYPAD_VI[state]) if state in KEYPAD_VI else state
