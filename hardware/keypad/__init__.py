"""Satisfaction-rating keypads on a serial line (docs/interfaces.md §6).

One decoder per wire format (``ascii.py``, ``framed.py``) behind the
``Decoder`` interface of ``base.py``, and one ``KeypadReader`` (``reader.py``)
that runs any of them over any pyserial port URL. Usable from a plain script;
the Qt adapter for the counter program is ``ui_common/keypad_qt.py``.
"""

from hardware.keypad.base import DecodeResult, Decoder, Press
from hardware.keypad.reader import (CONNECTED, DECODERS, ERROR, STOPPED, WAITING, DatabaseDirectory,
                                    KeypadReader, StaticDirectory, make_decoder)

PROTOCOLS = tuple(DECODERS)

__all__ = ["CONNECTED", "ERROR", "PROTOCOLS", "STOPPED", "WAITING", "DatabaseDirectory", "DecodeResult",
           "Decoder", "KeypadReader", "Press", "StaticDirectory", "make_decoder"]
