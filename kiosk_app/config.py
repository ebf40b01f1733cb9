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
import socket
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from platformdirs import user_config_dir, user_data_dir

from db.errors import ConfigError

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


def load_config(path: str | Path | None = None) -> KioskConfig:
    """Read the kiosk file (explicit path, ``$ONESTOP_KIOSK_CONFIG`` or the default place).

    A missing default file simply means defaults; a missing explicit file is an error.
    """
    explicit = path or os.environ.get(ENV_VAR)
    target = Path(explicit) if explicit else default_config_path()
    if not target.exists():
        if explicit:
            raise ConfigError(str(target), None, "file", "not found")
        return KioskConfig()
    try:
        data = tomllib.loads(target.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(target), getattr(exc, "lineno", None), "toml", str(exc)) from None
    for key, value in data.items():
        if key not in _KEYS:
            raise ConfigError(str(target), None, key, f"unknown key (allowed: {', '.join(_KEYS)})")
        if not isinstance(value, _KEYS[key]) or (key == "screen" and isinstance(value, bool)):
            raise ConfigError(str(target), None, key, f"must be a {_KEYS[key].__name__}")
    users = data.get("admin_users", ["admin"])
    if not users or not all(isinstance(u, str) and u.strip() for u in users):
        raise ConfigError(str(target), None, "admin_users", "must be a non-empty list of usernames")
    defaults = KioskConfig()
    return KioskConfig(
        printer=data.get("printer", defaults.printer),
        kiosk_id=data.get("kiosk_id", defaults.kiosk_id),
        touch=data.get("touch", False),
        screen=data.get("screen"),
        admin_users=tuple(u.strip() for u in users),
        source=str(target),
    )
