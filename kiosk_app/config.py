"""The kiosk's own settings: which printer, which kiosk id, touch-only or not.

A kiosk PC is set up once by site IT staff, so these live in a small TOML file
next to the machine rather than in the shared database (two kiosks in one
hall have two printers).  Command-line options override the file::

    # <user config dir>/onestop-queue/kiosk.toml   (or --config FILE, or $ONESTOP_KIOSK_CONFIG)
    printer = "tcp://192.168.1.50:9100"   # docs/interfaces.md §5; default preview://<data dir>/tickets
    kiosk_id = "kiosk-1"                  # recorded with every ticket
    touch = true                          # hide the mouse cursor
    screen = 0                            # which monitor, for PCs with two
    admin_users = ["admin", "quang"]      # shown as quick picks in the exit dialog

Unknown keys are refused, like in the site file: a typo must not be ignored.
"""

from __future__ import annotations

import os
import re
import socket
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from platformdirs import user_config_dir, user_data_dir

from db import inputs
from db.errors import ConfigError, InvalidInput

ENV_VAR = "ONESTOP_KIOSK_CONFIG"
_KEYS: dict[str, type | tuple[type, ...]] = {
    "printer": str, "kiosk_id": str, "touch": bool, "screen": int, "admin_users": list,
}


def default_printer_url() -> str:
    """``preview://<data dir>/tickets``: works on any PC with no printer attached."""
    directory = Path(user_data_dir("onestop-queue", appauthor=False)) / "tickets"
    return f"preview://{directory.as_posix()}"


def default_config_path() -> Path:
    return Path(user_config_dir("onestop-queue", appauthor=False)) / "kiosk.toml"


@dataclass(frozen=True)
class KioskConfig:
    printer: str = field(default_factory=default_printer_url)
    kiosk_id: str = field(default_factory=lambda: socket.gethostname() or "kiosk")
    touch: bool = False
    screen: int | None = None
    admin_users: tuple[str, ...] = ("admin",)
    source: str | None = None


def _line_of(text: str, key: str) -> int | None:
    """The line of a top-level ``key = ...`` (the kiosk file has no tables), for file:line: field."""
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(rf"^\s*{re.escape(key)}\s*=", line):
            return number
    return None


def _read(target: Path) -> str:
    name = str(target)
    try:
        return target.read_text(encoding="utf-8-sig")   # a BOM (Windows Notepad) is not part of the TOML
    except IsADirectoryError:
        raise ConfigError(name, None, "file", "is a directory, not a TOML file") from None
    except PermissionError:
        raise ConfigError(name, None, "file", "permission denied (cannot read it)") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(name, None, "file", f"not UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise ConfigError(name, None, "file", f"cannot be read ({exc.strerror or exc})") from None


def load_config(path: str | Path | None = None) -> KioskConfig:
    """Read the kiosk file (explicit path, ``$ONESTOP_KIOSK_CONFIG`` or the default place).

    A missing default file simply means defaults; a missing explicit file is an error.
    Every refusal names the file, the line and the key (``ConfigError``, exit 2).
    """
    explicit = path or os.environ.get(ENV_VAR)
    target = Path(explicit) if explicit else default_config_path()
    if not target.exists():
        if explicit:
            raise ConfigError(str(target), None, "file", "not found")
        return KioskConfig()
    text = _read(target)
    name = str(target)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        match = re.search(r"line (\d+)", str(exc))
        raise ConfigError(name, line or (int(match.group(1)) if match else None), "syntax", str(exc)) from None
    for key, value in data.items():
        line = _line_of(text, key)
        if key not in _KEYS:
            raise ConfigError(name, line, key, f"unknown key (allowed: {', '.join(_KEYS)})")
        if not isinstance(value, _KEYS[key]) or (key == "screen" and isinstance(value, bool)):
            raise ConfigError(name, line, key, f"must be a {_KEYS[key].__name__}")
        try:
            if key == "kiosk_id":
                inputs.KIOSK_ID.check(value)
            elif key == "printer":
                inputs.TextRule("printer URL", "printer URL", 2048).check(value)
            elif key == "screen":
                inputs.NumberRule("screen", "screen", 0, 15).check(value)
        except InvalidInput as exc:
            raise ConfigError(name, line, key, exc.message_en) from None
    users = data.get("admin_users", ["admin"])
    if not users or not all(isinstance(u, str) and u.strip() and inputs.bad_character(u) is None
                            and len(u) <= inputs.OFFICER_USERNAME.longest for u in users):
        raise ConfigError(name, _line_of(text, "admin_users"), "admin_users",
                          "must be a non-empty list of usernames")
    defaults = KioskConfig()
    return KioskConfig(
        printer=data.get("printer", defaults.printer),
        kiosk_id=data.get("kiosk_id", defaults.kiosk_id),
        touch=data.get("touch", False),
        screen=data.get("screen"),
        admin_users=tuple(u.strip() for u in users),
        source=str(target),
    )
