"""Site-local time: service days, opening hours and the injectable clock.

Every queue operation takes ``now`` (epoch seconds) so that tests can move the
clock across midnight or outside opening hours without sleeping.

Whose clock (docs/deployment.md, "Time"): on SQLite the one PC's.  On
PostgreSQL the database server's, because a hall has several PCs and one of
them a few minutes off would reorder the queue or close the day early.
``db.connection`` reads the server's clock at the start of every write
transaction and tells this module (``enter_server_time``): inside that
transaction ``now_epoch()`` is that reading, so everything the transaction
stores carries one server moment; outside one, ``now_epoch()`` is the PC's
clock corrected by the offset last measured against the server.  An explicit
``now`` always wins (the tests' fixed clocks).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES_VI = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")


#: a PC clock further than this from the server's is reported (log, status, screens)
SKEW_WARN_S = 60.0


@dataclass
class _ServerClock:
    """What the last server-time reading said, process-wide."""

    offset_s: float = 0.0            # server clock minus this PC's clock
    measured_at: float | None = None  # PC monotonic time of that reading (None: never, SQLite)


_server = _ServerClock()
_tx = threading.local()   # .moment: the server reading of this thread's open write transaction


def now_epoch(now: float | None = None) -> float:
    """``now`` if given; else the open write transaction's server moment; else the corrected PC clock."""
    if now is not None:
        return float(now)
    moment = getattr(_tx, "moment", None)
    if moment is not None:
        return moment
    return time.time() + _server.offset_s


def note_server_time(server_epoch: float, pc_before: float, pc_after: float) -> float:
    """Record one reading of the server's clock taken between two PC readings; returns the skew.

    The skew is taken against the middle of the round trip, so a slow network
    does not look like a wrong clock.
    """
    _server.offset_s = server_epoch - (pc_before + pc_after) / 2
    _server.measured_at = time.monotonic()
    return _server.offset_s


def enter_server_time(server_epoch: float) -> None:
    """The write transaction this thread just opened runs at ``server_epoch``."""
    _tx.moment = server_epoch


def leave_server_time() -> None:
    _tx.moment = None


def clock_skew_s() -> float | None:
    """Server clock minus this PC's, as last measured; None when there is no server (SQLite)."""
    return None if _server.measured_at is None else _server.offset_s


def skew_age_s() -> float | None:
    """Seconds since the skew was last measured (None: never)."""
    return None if _server.measured_at is None else time.monotonic() - _server.measured_at


def skew_is_large(skew_s: float | None = None) -> bool:
    value = clock_skew_s() if skew_s is None else skew_s
    return value is not None and abs(value) > SKEW_WARN_S


def forget_server_clock() -> None:
    """Back to the PC's own clock (a new binding, e.g. to SQLite)."""
    _server.offset_s, _server.measured_at = 0.0, None
    leave_server_time()


def skew_warning(skew_s: float | None = None) -> tuple[str, str] | None:
    """The status-bar warning for a PC whose clock is far from the server's, or None."""
    value = clock_skew_s() if skew_s is None else skew_s
    if not skew_is_large(value):
        return None
    minutes = abs(value) / 60
    if value > 0:   # the server is ahead: this PC is slow
        return (f"Đồng hồ máy này chậm {minutes:.0f} phút so với máy chủ (giờ lưu theo máy chủ)",
                f"This PC's clock is {minutes:.0f} min behind the server's (times are taken from the server)")
    return (f"Đồng hồ máy này nhanh {minutes:.0f} phút so với máy chủ (giờ lưu theo máy chủ)",
            f"This PC's clock is {minutes:.0f} min ahead of the server's (times are taken from the server)")


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
