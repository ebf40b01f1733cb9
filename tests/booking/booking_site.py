"""The appointment tests' sites: a commune with office hours, and one open around the clock."""

from __future__ import annotations

from pathlib import Path

OFFICE_HOURS = """
[site]
name = "UBND xã Quang Kim - Bộ phận Một cửa"
timezone = "Asia/Ho_Chi_Minh"
opening_hours = ["07:30-11:30", "13:30-17:00"]

[[services]]
code = "TP"
name = "Chứng thực, hộ tịch"
name_en = "Certification, civil status"
prefix = "A"
booking = { slot_min = 15, per_slot = 2 }

[[services]]
code = "KS"
name = "Khai sinh"
prefix = "B"
booking = { slot_min = 30, per_slot = 1 }

[[services]]
code = "DD"
name = "Đất đai"
prefix = "C"

[[counters]]
number = 1
services = ["TP", "KS"]

[[counters]]
number = 2
services = ["DD", "TP"]

[booking]
days_ahead = 7
grace_min = 15
early_min = 30
max_per_phone_per_day = 2
max_per_client_per_day = 3
{extra}
"""

AROUND_THE_CLOCK = OFFICE_HOURS.replace('["07:30-11:30", "13:30-17:00"]', '["00:00-24:00"]').replace(
    'timezone = "Asia/Ho_Chi_Minh"', 'timezone = "Asia/Ho_Chi_Minh"\ndays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]')


def write_site(directory: Path, text: str = OFFICE_HOURS, extra: str = "", name: str = "site.toml") -> Path:
    path = directory / name
    path.write_text(text.replace("{extra}", extra), encoding="utf-8")
    return path
