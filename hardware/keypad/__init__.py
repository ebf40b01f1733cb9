"""Satisfaction-rating keypads on a serial line (wire formats: docs/interfaces.md §6).

One decoder per wire format (``ascii.py``, ``framed.py``) behind the
``Decoder`` interface of ``base.py``, and one ``KeypadReader`` (``reader.py``)
that runs any of them over any pyserial port URL and hands each press to a
sink callback. Usable from a plain script, with no database; recording presses
as ratings is ``services.keypad_ratings``, the Qt adapter for the counter
program is ``ui_common/keypad_qt.py``.
"""

from hardware.keypad.base import Decoder, DecodeResult, Press
from hardware.keypad.errors import KeypadError
from hardware.keypad.reader import (
    CONNECTED,
    DECODERS,
    ERROR,
    STOPPED,
    WAITING,
    Directory,
    KeypadReader,
    PressSink,
    StaticDirectory,
    is_retryable,
    make_decoder,
)

PROTOCOLS = tuple(DECODERS)

__all__ = ["CONNECTED", "ERROR", "PROTOCOLS", "STOPPED", "WAITING", "DecodeResult", "Decoder", "Directory",
           "KeypadError", "KeypadReader", "Press", "PressSink", "StaticDirectory", "is_retryable", "make_decoder"]
