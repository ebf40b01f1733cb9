"""Reading and checking a site TOML file (docs/interfaces.md §2).

The file is checked whole before anything is written: unknown keys, wrong
types and broken references are refused with the file name, the line and the
field at fault, because a typo in a key must never be silently ignored.

Every value that could not work later is refused here too (``RULES``): a
duration that is negative, infinite or NaN, an empty list of rating levels,
an empty prefix (its codes would be all digits and read as ticket ids), and
any number or text beyond what its column stores on both engines (the
limits come from ``db/models.py`` through ``db/limits.py``).  ``RULES`` is
also the table of limits in docs/errors.md (``python -m db.site_config
--write``), so the check and its documentation are one description.

Why the standard library and not pydantic (installed with FastAPI) or
msgspec: ``tomllib`` keeps no positions, so a schema library would still
need our line locator to say file:line:field, and its messages would need
translating into the product's sentences; it would also make the domain
layer depend on the web service's package.  A table of rules read by one
small checker gives the same single description with none of that.
"""

from __future__ import annotations

import math
import re
import sys
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from db.clock import DAY_NAMES, parse_span
from db.errors import ConfigError
from db.limits import int_range, max_length
from db.models import Counter, Officer, Service, Site
from db.officers import pin_problem

DEFAULT_LEVELS = (
    {"value": 3, "label": "Rất hài lòng", "label_en": "Very satisfied"},
    {"value": 2, "label": "Hài lòng", "label_en": "Satisfied"},
    {"value": 1, "label": "Không hài lòng", "label_en": "Dissatisfied"},
)

# key -> (type(s), required)
_SITE_KEYS = {"code": (str, False), "name": (str, True), "name_en": (str, False), "timezone": (str, False),
              "opening_hours": (list, False), "days": (list, False), "notice": (str, False)}
_SERVICE_KEYS = {"code": (str, True), "name": (str, True), "name_en": (str, False), "prefix": (str, True),
                 "start": (int, False), "end": (int, False), "daily_limit": (int, False),
                 "target_wait_min": (int, False), "group": (str, False), "group_en": (str, False),
                 "active": (bool, False), "booking": (dict, False), "icon": (str, False),
                 "group_icon": (str, False)}
_SERVICE_BOOKING_KEYS = {"slot_min": (int, True), "per_slot": (int, True)}
_BOOKING_KEYS = {"days_ahead": (int, False), "grace_min": (int, False), "early_min": (int, False),
                 "max_per_phone_per_day": (int, False), "max_per_client_per_day": (int, False)}
_NOTIFY_KEYS = {"driver": (str, False), "path": (str, False), "url": (str, False), "headers": (dict, False),
                "timeout_s": ((int, float), False), "ahead_alert": (int, False), "reminder_at": (str, False),
                "max_attempts": (int, False), "retry_s": ((int, float), False), "retry_max_s": ((int, float), False)}
#: [booking] defaults and the range each value must lie in
BOOKING_DEFAULTS = {"days_ahead": (7, 0, 90), "grace_min": (15, 0, 120), "early_min": (30, 0, 240),
                    "max_per_phone_per_day": (2, 1, 50), "max_per_client_per_day": (10, 1, 10000)}
NOTIFY_DRIVERS = ("none", "log", "webhook")
_COUNTER_KEYS = {"number": (int, True), "name": (str, False), "services": (list, True),
                 "keypad_address": (int, False), "active": (bool, False)}
_OFFICER_KEYS = {"username": (str, True), "full_name": (str, True), "role": (str, False),
                 "pin": ((str, int), True), "active": (bool, False)}
_RATINGS_KEYS = {"levels": (list, False), "window_s": (int, False), "debounce_s": ((int, float), False)}
_LEVEL_KEYS = {"value": (int, True), "label": (str, True), "label_en": (str, False)}
_KIOSK_KEYS = {"on_print_failure": (str, False), "allow_priority": (bool, False), "dossier_lookup_url": (str, False),
               "quick_service": (str, False), "large_text": (bool, False), "high_contrast": (bool, False)}
#: the pictograms shipped in assets/icons/ (``icon = "land"``); a site may give the path of its own SVG instead
ICON_NAMES = ("justice", "land", "construction", "business", "social", "feedback", "generic")
#: the largest SVG file a site may point ``icon`` to (a pictogram is a few hundred bytes; the text is stored)
ICON_MAX_BYTES = 64 * 1024
#: [kiosk] quick_service besides a service code: the busiest service of the last 30 days, or no quick button
QUICK_AUTO, QUICK_OFF = "auto", "off"
_ANNOUNCE_KEYS = {"template": (str, False), "template_en": (str, False), "repeat": (int, False),
                  "whole_numbers": (bool, False), "voice": (str, False), "mode": (str, False)}
_WEB_KEYS = {"public_url": (str, False)}
_DISPLAY_KEYS = {"flash_s": ((int, float), False)}
#: [display] flash_s: how long the hall display flashes a new call (0 = never), and its allowed range
DISPLAY_FLASH_S = (6, 0, 60)
_SECURITY_KEYS = {"staff_pin_min_digits": (int, False)}
_TOP_KEYS = {"site", "services", "counters", "officers", "ratings", "kiosk", "announcements", "web", "security",
              "booking", "notify", "display"}


@dataclass
class SiteConfig:
    site: dict
    services: list[dict]
    counters: list[dict]
    officers: list[dict]
    ratings: dict
    kiosk: dict
    announcements: dict
    source: str = field(default="<built-in>")
    web: dict = field(default_factory=dict)
    security: dict = field(default_factory=dict)
    booking: dict = field(default_factory=dict)   # site-wide [booking] rules, defaults filled in
    notify: dict = field(default_factory=dict)    # [notify]: how citizens are told (driver "none" by default)
    display: dict = field(default_factory=dict)   # [display]: the hall display's visual call signal
    #: kiosk pictograms: {"services": {code: icon}, "groups": {group: icon}}; an icon is a name of
    #: ICON_NAMES or the text of the site's own SVG file (read at import: every kiosk PC gets it)
    icons: dict = field(default_factory=dict)


#: Longest duration any ``*_s`` setting may have: a day (the rating look-ups step back by service days).
DAY_S = 86_400


@dataclass(frozen=True)
class Rule:
    """What values one key accepts beyond its type: a range for numbers, a length for text and lists.

    Numbers must always be finite (TOML allows ``inf`` and ``nan``).
    ``above`` makes the lower bound strict (``0 < x``).
    """

    low: float | None = None
    high: float | None = None
    above: bool = False
    min_len: int = 0
    max_len: int | None = None

    def problem(self, value: object) -> str | None:
        """Why ``value`` does not fit, or None."""
        if isinstance(value, bool):
            return None
        if isinstance(value, (int, float)):
            if isinstance(value, float) and not math.isfinite(value):
                return f"must be a finite number, not {value}"
            too_low = self.low is not None and (value <= self.low if self.above else value < self.low)
            too_high = self.high is not None and value > self.high
            if too_low or too_high:
                return f"must be {self.describe()}, got {value}"
        elif isinstance(value, (str, list)):
            if len(value) < self.min_len:
                return "must not be empty" if self.min_len == 1 else f"needs at least {self.min_len} items"
            if self.max_len is not None and len(value) > self.max_len:
                return f"is {len(value)} characters long; at most {self.max_len} fit in the database"
        return None

    def describe(self) -> str:
        """The rule in words, as docs/errors.md and the refusal say it."""
        parts = []
        if self.low is not None or self.high is not None:
            low = "" if self.low is None else f"{_num(self.low)} {'<' if self.above else '<='} "
            high = "" if self.high is None else f" <= {_num(self.high)}"
            parts.append(f"{low}x{high}".strip())
        if self.min_len:
            parts.append("not empty")
        if self.max_len is not None:
            parts.append(f"at most {self.max_len} characters")
        return ", ".join(parts)


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _text(column, min_len: int = 1) -> Rule:
    return Rule(min_len=min_len, max_len=max_length(column))


def _int(column, low: int) -> Rule:
    return Rule(low=low, high=int_range(column)[1])


#: Limits per key (``section.key``; array tables without their index).  Columns give the upper bounds.
RULES: dict[str, Rule] = {
    "site.name": Rule(min_len=1),
    "site.timezone": _text(Site.timezone),
    "services.code": _text(Service.code),
    "services.name": Rule(min_len=1),
    "services.prefix": _text(Service.prefix),
    "services.start": _int(Service.start, 0),
    "services.end": _int(Service.end, 0),
    "services.daily_limit": _int(Service.daily_limit, 1),
    "services.target_wait_min": _int(Service.target_wait_min, 1),
    "services.booking.slot_min": Rule(5, 240),
    "services.booking.per_slot": Rule(1, 100),
    "counters.number": _int(Counter.number, 1),
    "counters.keypad_address": Rule(0, 255),
    "officers.username": _text(Officer.username),
    "officers.full_name": Rule(min_len=1),
    "security.staff_pin_min_digits": Rule(4, 12),
    "ratings.levels": Rule(min_len=1),
    "ratings.levels.value": Rule(1, 9),
    "ratings.levels.label": Rule(min_len=1),
    "ratings.window_s": Rule(0, DAY_S),
    "ratings.debounce_s": Rule(0, DAY_S),
    "announcements.repeat": Rule(1, 5),
    "notify.timeout_s": Rule(0, 300, above=True),
    "notify.retry_s": Rule(0, DAY_S, above=True),
    "notify.retry_max_s": Rule(0, DAY_S, above=True),
    "notify.max_attempts": Rule(1, 1000),
    "notify.ahead_alert": Rule(0, 1000),
}


def _rule_for(where: str, key: str) -> Rule | None:
    return RULES.get(re.sub(r"\[\d+\]", "", f"{where}.{key}"))


class _Locator:
    """Finds the line of ``[[table]]`` number i / key in the raw TOML text."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()

    def line_of(self, table: str, index: int | None, key: str | None) -> int | None:
        header = re.compile(rf"^\s*\[\[\s*{re.escape(table)}\s*\]\]" if index is not None
                            else rf"^\s*\[\s*{re.escape(table)}\s*\]")
        any_header = re.compile(r"^\s*\[")
        seen, inside, table_line = -1, False, None
        for number, line in enumerate(self.lines, start=1):
            if header.match(line):
                seen += 1
                inside = index is None or seen == index
                if inside:
                    table_line = number
                continue
            if any_header.match(line):
                if inside and table_line:
                    break
                inside = False
                continue
            if inside and key and re.match(rf"^\s*{re.escape(key)}\s*=", line):
                return number
        return table_line


def _check_table(data: dict, spec: dict, where: str, locate, path: str) -> None:
    for key in data:
        if key not in spec:
            raise ConfigError(path, locate(key), f"{where}.{key}", "unknown key (typo?)")
    for key, (types, required) in spec.items():
        if key not in data:
            if required:
                raise ConfigError(path, locate(None), f"{where}.{key}", "missing required key")
            continue
        value = data[key]
        if isinstance(value, bool) and bool not in (types if isinstance(types, tuple) else (types,)):
            raise ConfigError(path, locate(key), f"{where}.{key}", f"expected {_type_name(types)}, got true/false")
        if not isinstance(value, types):
            raise ConfigError(path, locate(key), f"{where}.{key}",
                              f"expected {_type_name(types)}, got {type(value).__name__}")
        rule = _rule_for(where, key)
        problem = rule.problem(value) if rule is not None else None
        if problem:
            raise ConfigError(path, locate(key), f"{where}.{key}", problem)


def _type_name(types) -> str:
    names = {str: "text", int: "integer", list: "list", bool: "true/false", float: "number", dict: "table"}
    if isinstance(types, tuple):
        return " or ".join(names[t] for t in types)
    return names[types]


def load_site_file(path: str | Path | None) -> SiteConfig:
    """Parse and check a site file; ``None`` loads the built-in commune example."""
    if path is None:
        text = resources.files("db").joinpath("example_site.toml").read_text(encoding="utf-8")
        name = "<built-in example_site.toml>"
    else:
        name = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8-sig")   # a BOM (Windows Notepad) is not part of the TOML
        except FileNotFoundError:
            raise ConfigError(name, None, "file", "not found") from None
        except IsADirectoryError:
            raise ConfigError(name, None, "file", "is a directory, not a TOML file") from None
        except PermissionError:
            raise ConfigError(name, None, "file", "permission denied (cannot read it)") from None
        except OSError as exc:
            raise ConfigError(name, None, "file", f"cannot be read ({exc.strerror or exc})") from None
        except UnicodeDecodeError as exc:
            raise ConfigError(name, None, "file", f"not UTF-8 text ({exc.reason})") from None
    return parse_site_text(text, name, base_dir=Path(path).parent if path is not None else None)


def parse_site_text(text: str, name: str = "<text>", *, base_dir: Path | None = None) -> SiteConfig:
    """Check a site file's text; ``base_dir`` is where an ``icon`` path is relative to (the file's folder)."""
    text = text.removeprefix("\ufeff")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        match = re.search(r"line (\d+)", str(exc))
        if line is None and match:
            line = int(match.group(1))
        raise ConfigError(name, line, "syntax", str(exc)) from None
    loc = _Locator(text)
    for key in data:
        if key not in _TOP_KEYS:
            raise ConfigError(name, loc.line_of(key, None, None) or loc.line_of(key, 0, None), key,
                              "unknown section (typo?)")
    if "site" not in data or not isinstance(data["site"], dict):
        raise ConfigError(name, None, "site", "missing [site] section")

    site = data["site"]
    _check_table(site, _SITE_KEYS, "site", lambda k: loc.line_of("site", None, k), name)
    tz = site.setdefault("timezone", "Asia/Ho_Chi_Minh")
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(name, loc.line_of("site", None, "timezone"), "site.timezone",
                          f"unknown time zone {tz!r}") from None
    hours = site.setdefault("opening_hours", ["07:30-11:30", "13:30-17:00"])
    for span in hours:
        try:
            parse_span(str(span))
        except (ValueError, AttributeError) as exc:
            raise ConfigError(name, loc.line_of("site", None, "opening_hours"), "site.opening_hours",
                              str(exc)) from None
    days = site.setdefault("days", list(DAY_NAMES[:5]))
    for day in days:
        if day not in DAY_NAMES:
            raise ConfigError(name, loc.line_of("site", None, "days"), "site.days",
                              f"{day!r} is not one of {', '.join(DAY_NAMES)}")
    site.setdefault("name_en", "")
    if "code" in site and not re.fullmatch(r"[A-Z0-9-]{1,16}", site["code"]):
        raise ConfigError(name, loc.line_of("site", None, "code"), "site.code",
                          f"{site['code']!r} must be 1-16 characters A-Z, 0-9 or -")

    services = _array(data, "services", name, loc)
    codes: set[str] = set()
    prefixes: dict[str, str] = {}
    icons: dict[str, dict[str, str]] = {"services": {}, "groups": {}}
    for i, svc in enumerate(services):
        locate = lambda k, i=i: loc.line_of("services", i, k)  # noqa: E731
        _check_table(svc, _SERVICE_KEYS, f"services[{i}]", locate, name)
        code = svc["code"]
        if not re.fullmatch(r"[A-Z0-9]{1,16}", code):
            raise ConfigError(name, locate("code"), f"services[{i}].code", f"{code!r} must be A-Z0-9")
        if code in codes:
            raise ConfigError(name, locate("code"), f"services[{i}].code", f"duplicate code {code!r}")
        codes.add(code)
        if not re.fullmatch(r"[A-Z]+", svc["prefix"]):
            # digits would make codes read as ticket ids ("001") or run into the number ("A1" + "001")
            raise ConfigError(name, locate("prefix"), f"services[{i}].prefix",
                              f"must be 1-{max_length(Service.prefix)} capital letters A-Z")
        svc.setdefault("start", 1)
        svc.setdefault("end", 999)
        if not (0 <= svc["start"] <= svc["end"]):
            raise ConfigError(name, locate("end"), f"services[{i}].end", "must be >= start, start >= 0")
        for key in ("daily_limit", "target_wait_min"):
            if key in svc and svc[key] <= 0:
                raise ConfigError(name, locate(key), f"services[{i}].{key}", "must be a positive integer")
        svc.setdefault("name_en", "")
        if svc["prefix"] in prefixes:
            raise ConfigError(name, locate("prefix"), f"services[{i}].prefix",
                              f"prefix {svc['prefix']!r} is already used by {prefixes[svc['prefix']]}: "
                              "ticket codes must be unique")
        prefixes[svc["prefix"]] = code
        if "booking" in svc:
            _check_service_booking(svc["booking"], hours, f"services[{i}].booking", locate("booking"), name)
        if "icon" in svc:
            icons["services"][code] = _icon(svc["icon"], base_dir, name, locate("icon"), f"services[{i}].icon")
        if "group_icon" in svc:
            where = f"services[{i}].group_icon"
            if not svc.get("group"):
                raise ConfigError(name, locate("group_icon"), where, "needs a group (the field the icon stands for)")
            icon = _icon(svc["group_icon"], base_dir, name, locate("group_icon"), where)
            if icons["groups"].setdefault(svc["group"], icon) != icon:
                raise ConfigError(name, locate("group_icon"), where,
                                  f"group {svc['group']!r} already has another group_icon: give it once")

    counters = _array(data, "counters", name, loc)
    numbers: set[int] = set()
    for i, ctr in enumerate(counters):
        locate = lambda k, i=i: loc.line_of("counters", i, k)  # noqa: E731
        _check_table(ctr, _COUNTER_KEYS, f"counters[{i}]", locate, name)
        if ctr["number"] <= 0:
            raise ConfigError(name, locate("number"), f"counters[{i}].number", "must be a positive integer")
        if ctr["number"] in numbers:
            raise ConfigError(name, locate("number"), f"counters[{i}].number", f"duplicate number {ctr['number']}")
        numbers.add(ctr["number"])
        for code in ctr["services"]:
            if code not in codes:
                raise ConfigError(name, locate("services"), f"counters[{i}].services", f"unknown service {code!r}")
        if "keypad_address" in ctr and not (0 <= ctr["keypad_address"] <= 255):
            raise ConfigError(name, locate("keypad_address"), f"counters[{i}].keypad_address", "must be 0-255")
        ctr.setdefault("name", f"Quầy {ctr['number']}")

    security = _table(data, "security", name, loc)
    _check_table(security, _SECURITY_KEYS, "security", lambda k: loc.line_of("security", None, k), name)
    staff_min = security.get("staff_pin_min_digits")
    if staff_min is not None and not 4 <= staff_min <= 12:
        raise ConfigError(name, loc.line_of("security", None, "staff_pin_min_digits"), "security.staff_pin_min_digits",
                          "must be 4-12")

    officers = _array(data, "officers", name, loc)
    usernames: set[str] = set()
    for i, off in enumerate(officers):
        locate = lambda k, i=i: loc.line_of("officers", i, k)  # noqa: E731
        _check_table(off, _OFFICER_KEYS, f"officers[{i}]", locate, name)
        off["pin"] = str(off["pin"])
        if off.setdefault("role", "officer") not in ("officer", "supervisor", "admin"):
            raise ConfigError(name, locate("role"), f"officers[{i}].role", "must be officer, supervisor or admin")
        problem = pin_problem(off["pin"], off["role"], staff_min)
        if problem:
            raise ConfigError(name, locate("pin"), f"officers[{i}].pin", problem)
        if off["username"] in usernames:
            raise ConfigError(name, locate("username"), f"officers[{i}].username", "duplicate username")
        usernames.add(off["username"])

    ratings = _table(data, "ratings", name, loc)
    _check_table(ratings, _RATINGS_KEYS, "ratings", lambda k: loc.line_of("ratings", None, k), name)
    levels = ratings.setdefault("levels", [dict(level) for level in DEFAULT_LEVELS])
    values: set[int] = set()
    for j, level in enumerate(levels):
        if not isinstance(level, dict):
            raise ConfigError(name, loc.line_of("ratings", None, "levels"), f"ratings.levels[{j}]", "must be a table")
        _check_table(level, _LEVEL_KEYS, f"ratings.levels[{j}]", lambda k: loc.line_of("ratings", None, "levels"), name)
        if not 1 <= level["value"] <= 9 or level["value"] in values:
            raise ConfigError(name, loc.line_of("ratings", None, "levels"), f"ratings.levels[{j}].value",
                              "must be a distinct digit 1-9")
        values.add(level["value"])
        level.setdefault("label_en", level["label"])
    ratings.setdefault("window_s", 120)

    kiosk = _table(data, "kiosk", name, loc)
    _check_table(kiosk, _KIOSK_KEYS, "kiosk", lambda k: loc.line_of("kiosk", None, k), name)
    if kiosk.setdefault("on_print_failure", "show") not in ("show", "cancel"):
        raise ConfigError(name, loc.line_of("kiosk", None, "on_print_failure"), "kiosk.on_print_failure",
                          'must be "show" or "cancel"')
    kiosk.setdefault("allow_priority", False)
    kiosk.setdefault("large_text", False)
    kiosk.setdefault("high_contrast", False)
    quick = kiosk.setdefault("quick_service", QUICK_AUTO)
    if quick not in (QUICK_AUTO, QUICK_OFF) and quick not in codes:
        raise ConfigError(name, loc.line_of("kiosk", None, "quick_service"), "kiosk.quick_service",
                          f'{quick!r} is not a service code of this file (or "{QUICK_AUTO}", "{QUICK_OFF}")')
    lookup = kiosk.get("dossier_lookup_url")
    if lookup is not None and (not lookup.startswith(("https://", "http://")) or "{code}" not in lookup):
        raise ConfigError(name, loc.line_of("kiosk", None, "dossier_lookup_url"), "kiosk.dossier_lookup_url",
                          'must be an http(s) URL containing "{code}", e.g. "https://dichvucong.example.vn/tra-cuu?ma={code}"')

    announcements = _table(data, "announcements", name, loc)
    _check_table(announcements, _ANNOUNCE_KEYS, "announcements", lambda k: loc.line_of("announcements", None, k), name)
    for key in ("template", "template_en"):
        template = announcements.get(key)
        if template is not None:
            try:
                template.format(code="A001", counter=1)
            except (KeyError, IndexError, ValueError) as exc:
                raise ConfigError(name, loc.line_of("announcements", None, key), f"announcements.{key}",
                                  f"only {{code}} and {{counter}} may be used ({exc})") from None
    if not 1 <= announcements.get("repeat", 2) <= 5:
        raise ConfigError(name, loc.line_of("announcements", None, "repeat"), "announcements.repeat", "must be 1-5")

    web = _table(data, "web", name, loc)
    _check_table(web, _WEB_KEYS, "web", lambda k: loc.line_of("web", None, k), name)
    if "public_url" in web:
        try:
            web["public_url"] = check_public_url(web["public_url"])
        except ValueError as exc:
            raise ConfigError(name, loc.line_of("web", None, "public_url"), "web.public_url", str(exc)) from None

    booking = _table(data, "booking", name, loc)
    _check_table(booking, _BOOKING_KEYS, "booking", lambda k: loc.line_of("booking", None, k), name)
    for key, (default, low, high) in BOOKING_DEFAULTS.items():
        value = booking.setdefault(key, default)
        if not low <= value <= high:
            raise ConfigError(name, loc.line_of("booking", None, key), f"booking.{key}", f"must be {low}-{high}")

    notify = _table(data, "notify", name, loc)
    _check_notify(notify, lambda k: loc.line_of("notify", None, k), name)

    display = _table(data, "display", name, loc)
    _check_table(display, _DISPLAY_KEYS, "display", lambda k: loc.line_of("display", None, k), name)
    default, low, high = DISPLAY_FLASH_S
    if not low <= display.setdefault("flash_s", default) <= high:
        raise ConfigError(name, loc.line_of("display", None, "flash_s"), "display.flash_s",
                          f"must be {low}-{high} seconds (0 = no flashing)")

    return SiteConfig(site, services, counters, officers, ratings, kiosk, announcements, name, web,
                      security=security, booking=booking, notify=notify, display=display, icons=icons)


def _icon(value: str, base_dir: Path | None, name: str, line: int | None, where: str) -> str:
    """A shipped pictogram's name, or the text of the site's own SVG file (``value`` is its path).

    The SVG is read here, at import, and stored with the site: the kiosk PCs need no copy of the file.
    """
    if value in ICON_NAMES:
        return value
    if not value.lower().endswith(".svg"):
        raise ConfigError(name, line, where, f"unknown icon {value!r}: use one of {', '.join(ICON_NAMES)}"
                                             " or the path of an .svg file")
    target = Path(value).expanduser()
    if not target.is_absolute():
        target = (base_dir or Path.cwd()) / target
    try:
        data = target.read_bytes()
    except OSError as exc:
        raise ConfigError(name, line, where, f"cannot read icon file {str(target)!r} ({exc.strerror or exc})") from None
    if len(data) > ICON_MAX_BYTES:
        raise ConfigError(name, line, where, f"icon file {str(target)!r} is over {ICON_MAX_BYTES // 1024} KB")
    try:
        text = data.decode("utf-8-sig")
        root = ElementTree.fromstring(text)
    except (UnicodeDecodeError, ElementTree.ParseError) as exc:
        raise ConfigError(name, line, where, f"icon file {str(target)!r} is not an SVG image ({exc})") from None
    if root.tag.rsplit("}", 1)[-1] != "svg":
        raise ConfigError(name, line, where, f"icon file {str(target)!r} is not an SVG image (no <svg> element)")
    return text


def _check_service_booking(value: dict, hours: list, where: str, line: int | None, name: str) -> None:
    """``booking = { slot_min = 15, per_slot = 2 }``: at least one slot must fit the opening hours."""
    _check_table(value, _SERVICE_BOOKING_KEYS, where, lambda k: line, name)
    if not 5 <= value["slot_min"] <= 240:
        raise ConfigError(name, line, f"{where}.slot_min", "must be 5-240 minutes")
    if not 1 <= value["per_slot"] <= 100:
        raise ConfigError(name, line, f"{where}.per_slot", "must be 1-100")
    if not any(end - start >= value["slot_min"] for start, end in (parse_span(str(h)) for h in hours)):
        raise ConfigError(name, line, f"{where}.slot_min", "no opening-hours span is long enough for one slot")


def _check_notify(notify: dict, locate, name: str) -> None:
    _check_table(notify, _NOTIFY_KEYS, "notify", locate, name)
    driver = notify.setdefault("driver", "none")
    if driver not in NOTIFY_DRIVERS:
        raise ConfigError(name, locate("driver"), "notify.driver", f"must be one of {', '.join(NOTIFY_DRIVERS)}")
    if driver == "log" and not notify.get("path"):
        raise ConfigError(name, locate("driver"), "notify.path", 'driver "log" needs path = "FILE.jsonl"')
    if driver == "webhook":
        url = notify.get("url", "")
        if not re.fullmatch(r"https?://[^\s/]+(/\S*)?", url):
            raise ConfigError(name, locate("url") or locate("driver"), "notify.url",
                              'driver "webhook" needs url = "http(s)://HOST/PATH"')
    for key, value in (notify.get("headers") or {}).items():
        if not isinstance(value, str):
            raise ConfigError(name, locate("headers"), f"notify.headers.{key}", "must be text")
    if "reminder_at" in notify:
        try:
            parse_span(f"{notify['reminder_at']}-24:00")
        except ValueError:
            raise ConfigError(name, locate("reminder_at"), "notify.reminder_at", 'must be "HH:MM"') from None
    for key in ("timeout_s", "retry_s", "retry_max_s", "max_attempts"):
        if key in notify and notify[key] <= 0:
            raise ConfigError(name, locate(key), f"notify.{key}", "must be positive")
    if "ahead_alert" in notify and notify["ahead_alert"] < 0:
        raise ConfigError(name, locate("ahead_alert"), "notify.ahead_alert", "must be 0 (off) or more")


def check_public_url(url: str) -> str:
    """The base URL phones reach the web service at, without a trailing slash.

    Only scheme, host and port: the service's pages live at the root of
    their host (a sub-domain behind the proxy, not a sub-path), and a query
    or fragment would break the tracking links appended to it.
    """
    parsed = urlsplit(url.strip())
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise ValueError(f"{url!r} must be an http:// or https:// URL with a host name")
    if parsed.path not in ("", "/") or parsed.query or parsed.fragment or parsed.username or parsed.password:
        raise ValueError(f"{url!r} must be only scheme, host and port (no path, query or user name)")
    try:
        _ = parsed.port
    except ValueError:
        raise ValueError(f"{url!r} has a bad port") from None
    return url.strip().rstrip("/")


def _array(data: dict, key: str, name: str, loc: _Locator) -> list[dict]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ConfigError(name, loc.line_of(key, 0, None), key, f"must be written as [[{key}]] tables")
    return value


def _table(data: dict, key: str, name: str, loc: _Locator) -> dict:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(name, None, key, f"must be a [{key}] table")
    return value


LIMITS_BEGIN = ("<!-- begin: site file limits, generated from db.site_config.RULES"
                " by `python -m db.site_config --write` -->")
LIMITS_END = "<!-- end: site file limits -->"


def limits_markdown() -> str:
    """The table of ``RULES`` for docs/errors.md (a test compares the file with it)."""
    lines = ["| key | accepted |", "|---|---|"]
    for key, rule in RULES.items():
        section, _, rest = key.partition(".")
        lines.append(f"| `[{section}] {rest}` | {rule.describe()} |")
    return "\n".join(lines) + "\n"


def _write_limits(path: Path) -> None:
    document = path.read_text(encoding="utf-8")
    head, sep, rest = document.partition(LIMITS_BEGIN)
    _, sep2, tail = rest.partition(LIMITS_END)
    if not sep or not sep2:
        raise SystemExit(f"{path} lacks the site file limits markers")
    path.write_text(f"{head}{LIMITS_BEGIN}\n{limits_markdown()}{LIMITS_END}{tail}", encoding="utf-8")


if __name__ == "__main__":  # pragma: no cover
    if sys.argv[1:2] == ["--write"]:
        _write_limits(Path(sys.argv[2]) if len(sys.argv) > 2 else Path("docs/errors.md"))
    else:
        sys.stdout.write(limits_markdown())
