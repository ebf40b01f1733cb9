"""Errors of the speech path.

Kept apart from ``db.errors`` on purpose: ``hardware/`` must be usable from a
plain script without the database.  The CLI maps these to exit codes (bad
input = 2, refused/unavailable = 3) and the display shows ``str(exc)`` on its
status line, so every message says what to do, in Vietnamese and English.
"""

from __future__ import annotations


class SpeechError(Exception):
    """Base class: an announcement could not be produced as asked."""

    #: exit code the CLI uses for this kind (docs/interfaces.md §3).
    exit_code = 3


class SpeechUnavailable(SpeechError):
    """No usable speech engine (pyttsx3/espeak-ng missing, voice not installed, no audio written)."""


class PhraseError(SpeechError, ValueError):
    """The ticket code, counter number or template cannot be turned into speech."""

    exit_code = 2


class ClipError(SpeechError):
    """Recorded-clip mode: a clip is missing or in a format that cannot be joined."""

    exit_code = 2
