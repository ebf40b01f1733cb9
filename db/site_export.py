"""Writing the site as it is in the database back to a site TOML file (docs/interfaces.md §2).

The file reads back with ``onestop init --site FILE`` to the same site, so a
configuration changed in the admin program can be kept under version control
or copied to a second hall.  PINs are stored only as salted hashes and cannot
be exported: officers are written as commented-out blocks, and importing the
file leaves the existing officers (and their PINs) as they are.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from db import current_site
from db.connection import with_retry
from db.errors import NotFound
from db.models import Counter, CounterService, Officer, Service
from db.site_config import ICON_NAMES


def _value(value: Any) -> str:
    """A TOML value: JSON's string escapes are valid TOML basic-string escapes."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def _table(lines: list[str], header: str, items: list[tuple[str, Any]]) -> None:
    lines.append(header)
    for key, value in items:
        if value is None:
            continue
        if key == "levels":
            lines.append("levels = [")
            lines.extend(f"  {_value(level)}," for level in value)
            lines.append("]")
        else:
            lines.append(f"{key} = {_value(value)}")
    lines.append("")


def export_site_toml() -> str:
    """The site, services, counters, ratings, kiosk and announcement settings as TOML text."""

    def read() -> str:
        site = current_site.row_or_none()
        if site is None:
            raise NotFound("Chưa khởi tạo: hãy chạy `onestop init`", "Not initialised: run `onestop init` first")
        settings = json.loads(site.settings or "{}")
        lines = [
            "# Site configuration exported from the onestop-queue database.",
            "# Import it with: onestop init --site THIS_FILE.toml",
            "# PINs are never exported: officers are listed as comments; importing this file",
            "# leaves existing officers and their PINs unchanged.",
            "",
        ]
        _table(lines, "[site]", [
            ("name", site.name), ("name_en", site.name_en or None), ("timezone", site.timezone),
            ("opening_hours", json.loads(site.opening_hours)), ("days", json.loads(site.days)),
            ("notice", settings.get("notice") or None),
        ])
        services = list(current_site.rows(Service).order_by(Service.sort_order, Service.code))
        codes = {s.id: s.code for s in services}
        icons = settings.get("icons") or {}
        # A site's own SVG was read at import; its file path is not kept, so only shipped names are exported.
        service_icons = {k: v for k, v in icons.get("services", {}).items() if v in ICON_NAMES}
        group_icons = {k: v for k, v in icons.get("groups", {}).items() if v in ICON_NAMES}
        group_icon_on: dict[str, str] = {}      # group -> the code of its first service, which carries group_icon
        for s in services:
            if s.group in group_icons:
                group_icon_on.setdefault(s.group, s.code)
        for s in services:
            _table(lines, "[[services]]", [
                ("code", s.code), ("name", s.name), ("name_en", s.name_en or None), ("prefix", s.prefix),
                ("start", s.start), ("end", s.end), ("daily_limit", s.daily_limit),
                ("target_wait_min", s.target_wait_min), ("group", s.group), ("group_en", s.group_en),
                ("active", None if s.active else False), ("icon", service_icons.get(s.code)),
                ("group_icon", group_icons[s.group] if group_icon_on.get(s.group) == s.code else None),
                ("booking", {"slot_min": s.booking_slot_min, "per_slot": s.booking_per_slot}
                 if s.booking_slot_min and s.booking_per_slot else None),
            ])
        for c in current_site.rows(Counter).order_by(Counter.number):
            linked = [codes[sid] for (sid,) in CounterService.select(CounterService.service)
                      .where(CounterService.counter == c.id).order_by(CounterService.position).tuples()]
            _table(lines, "[[counters]]", [
                ("number", c.number), ("name", c.name), ("services", linked),
                ("keypad_address", c.keypad_address), ("active", None if c.active else False),
            ])
        for o in current_site.rows(Officer).order_by(Officer.id):
            lines.append("# [[officers]]")
            lines.append(f"# username = {_value(o.username)}")
            lines.append(f"# full_name = {_value(o.full_name)}")
            lines.append(f"# role = {_value(o.role)}")
            lines.append('# pin = "...."            # set a PIN to (re)create this account on import')
            if not o.active:
                lines.append("# active = false")
            lines.append("")
        for name in ("ratings", "kiosk", "announcements", "booking", "notify", "display"):
            section = settings.get(name) or {}
            if section:
                _table(lines, f"[{name}]", list(section.items()))
        return "\n".join(lines).rstrip() + "\n"

    return with_retry(read)


def write_site_toml(path: str | Path) -> Path:
    target = Path(path)
    target.write_text(export_site_toml(), encoding="utf-8")
    return target
