"""The GUI programs: ``onestop kiosk | counter | display | admin | demo``.

Each program registers its own subcommand from ``<package>/command.py``
(a ``register(subparsers)`` function), so the programs stay independent and
their Qt imports happen only when one of them is actually started.  The list
is explicit: a program whose ``command`` module cannot be imported is a broken
install and fails the CLI loudly, it is not silently left out of the help.
"""

from __future__ import annotations

from types import ModuleType


def program_commands() -> tuple[ModuleType, ...]:
    """The programs' command modules, in help order (none of them imports Qt)."""
    from admin_app import command as admin_command
    from cli.demo import command as demo_command
    from counter_app import command as counter_command
    from display_app import command as display_command
    from kiosk_app import command as kiosk_command

    return (kiosk_command, counter_command, display_command, admin_command, demo_command)


def register(subparsers) -> None:
    for module in program_commands():
        module.register(subparsers)
