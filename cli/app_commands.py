"""The GUI programs: ``onestop kiosk | counter | display | admin | demo``.

Each program registers its own subcommand from ``<package>/command.py``
(a ``register(subparsers)`` function), so the programs stay independent and
their Qt imports happen only when one of them is actually started.
"""

from __future__ import annotations

import importlib

PROGRAM_COMMANDS = [
    "kiosk_app.command",
    "counter_app.command",
    "display_app.command",
    "admin_app.command",
    "cli.demo.command",
]


def register(subparsers) -> None:
    for name in PROGRAM_COMMANDS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name in (name, name.rsplit(".", 1)[0]):
                continue
            raise
        module.register(subparsers)
