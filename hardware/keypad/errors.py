"""Errors of the keypad path: a reader configured wrongly.

They subclass the bottom-layer vocabulary (``errors.OnestopError``, kind
``DEVICE_INPUT``: exit code 2 in the CLI) and not the database's errors,
because ``hardware`` is usable from a plain script without the database.
``ValueError`` stays a base so code that caught the old bare ``ValueError``
keeps working.
"""

from __future__ import annotations

from errors import Kind, OnestopError


class KeypadError(OnestopError, ValueError):
    """A keypad reader that cannot be set up as asked (unknown protocol, missing counter)."""

    kind = Kind.DEVICE_INPUT
