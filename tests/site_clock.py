"""The tests' site clock: epoch seconds of a site-local moment (Asia/Ho_Chi_Minh)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def at(hour: int, minute: int = 0, second: float = 0, *, day: int = 25, month: int = 11, year: int = 2026) -> float:
    """Epoch seconds of a site-local moment; 2026-11-25 is a Wednesday."""
    return datetime(year, month, day, hour, minute, int(second), int((second % 1) * 1e6), tzinfo=TZ).timestamp()
