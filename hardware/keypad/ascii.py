"""``ascii`` wire format: one ASCII digit ``1``-``9`` per press (docs/interfaces.md §6).

The simplest boxes send just the digit, some add CR/LF or a space; those
separators are ignored. Every other byte (including ``0``) is discarded and
counted. The format has no framing, so a noise byte that happens to be a
digit cannot be told from a press: on long or noisy lines use ``framed``.
"""

from __future__ import annotations

from hardware.keypad.base import Decoder, DecodeResult, Press

SEPARATORS = frozenset(b"\r\n ")
FIRST_KEY, LAST_KEY = 0x31, 0x39  # "1".."9"


class AsciiDecoder(Decoder):
    protocol = "ascii"

    def feed(self, data: bytes) -> DecodeResult:
        result = DecodeResult()
        for byte in data:
            if FIRST_KEY <= byte <= LAST_KEY:
                result.presses.append(Press(byte - 0x30))
            elif byte not in SEPARATORS:
                result.discarded_bytes += 1
        return result
