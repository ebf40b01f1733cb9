"""Site-local time: service days, opening hours and the injectable clock.

Every queue operation takes ``now`` (epoch seconds) so that tests can move the
clock across midnight or outside opening hours without sleeping.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES_VI = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")


def now_epoch(now: float | None = None) -> float:
    return time.time() if now is None else float(now)


def local_datetime(epoch: float, tz_name: str) -> datetime:
    return datetime.fromtimestamp(epoch, tz=ZoneInfo(tz_name))


def to_epoch(moment: datetime) -> float:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: pass an aware one")
    return moment.timestamp()


def service_day(epoch: float, tz_name: str) -> str:
    """The site-local calendar day, ``YYYY-MM-DD``: numbers restart at its midnight."""
    return local_datetime(epoch, tz_name).date().isoformat()


def parse_span(text: str) -> tuple[int, int]:
    """``"07:30-11:30"`` -> minutes since midnight ``(450, 690)``; ``24:00`` allowed as an end."""
    start_text, end_text = text.split("-")
    start, end = _minutes(start_text), _minutes(end_text)
    if not (0 <= start < end <= 24 * 60):
        raise ValueError(f"span {text!r} must have start < end within the day")
    return start, end


def _minutes(text: str) -> int:
    hours, minutes = text.strip().split(":")
    if len(minutes) != 2 or not hours.isdigit() or not minutes.isdigit():
        raise ValueError(f"time {text!r} must be HH:MM")
    value = int(hours) * 60 + int(minutes)
    if int(minutes) >= 60 or value > 24 * 60:
        raise ValueError(f"time {text!r} is not a time of day")
    return value


@dataclass(frozen=True)
class OpeningState:
    open: bool
    reopens_at: datetime | None  # next opening moment when closed (None if never)


def opening_state(epoch: float, tz_name: str, hours: tuple[str, ...], days: tuple[str, ...]) -> OpeningState:
    """Whether tickets may be issued at ``epoch``, and if not, when they may again."""
    spans = sorted(parse_span(h) for h in hours)
    local = local_datetime(epoch, tz_name)
    minute = local.hour * 60 + local.minute
    if DAY_NAMES[local.weekday()] in days and any(s <= minute < e for s, e in spans):
        return OpeningState(True, None)
    if not spans or not days:
        return OpeningState(False, None)
    for offset in range(0, 8):
        day = local.date() + timedelta(days=offset)
        if DAY_NAMES[day.weekday()] not in days:
            continue
        for start, _end in spans:
            if offset == 0 and start <= minute:
                continue
            moment = datetime(day.year, day.month, day.day, tzinfo=local.tzinfo) + timedelta(minutes=start)
            return OpeningState(False, moment)
    return OpeningState(False, None)


def format_reopening(moment: datetime, now_local: datetime) -> tuple[str, str]:
    """"07:30 Thứ Hai 30/11" style text, in Vietnamese and English."""
    hhmm = moment.strftime("%H:%M")
    if moment.date() == now_local.date():
        return f"{hhmm} hôm nay", f"{hhmm} today"
    if moment.date() == now_local.date() + timedelta(days=1):
        return f"{hhmm} ngày mai", f"{hhmm} tomorrow"
    return (
        f"{hhmm} {DAY_NAMES_VI[moment.weekday()]} {moment:%d/%m}",
        f"{hhmm} {moment:%A %d/%m}",
    )


def epoch_to_local(epoch: float | None, tz_name: str) -> datetime | None:
    return None if epoch is None else local_datetime(epoch, tz_name)


def day_bounds(day: date, tz_name: str) -> tuple[float, float]:
    """Epoch range [start, end) of a site-local day."""
    tz = ZoneInfo(tz_name)
    start = datetime(day.year, day.month, day.day, tzinfo=tz)
    return start.timestamp(), (start + timedelta(days=1)).timestamp()


UTC = UTC
