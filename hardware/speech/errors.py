"""Errors of the speech path.

Kept apart from ``db.errors`` on purpose: ``hardware/`` must be usable from a
plain script without the database, so these subclass the bottom-layer
vocabulary (``errors.OnestopError``) directly.  Their kind gives the CLI exit
code (bad input = 2, unavailable = 3, see docs/errors.md); the display shows
the message on its status line, so every message says what to do, in
Vietnamese and English.
"""

from __future__ import annotations

from errors import Kind, OnestopError


class SpeechError(OnestopError):
    """Base class: an announcement could not be produced as asked."""

    kind = Kind.DEVICE


class SpeechUnavailable(SpeechError):
    """No usable speech engine (pyttsx3/espeak-ng missing, voice not installed, no audio written)."""


class PhraseError(SpeechError, ValueError):
    """The ticket code, counter number or template cannot be turned into speech."""

    kind = Kind.INVALID_INPUT


class ClipError(SpeechError):
    """Recorded-clip mode: a clip is missing or in a format that cannot be joined."""

    kind = Kind.DEVICE_INPUT
