"""``framed`` wire format: ``0x01 ADDRESS KEY 0x07`` on a shared RS-485 bus.

This is the framing of the counter button boxes already installed in many
one-stop centres: 4 bytes, start ``0x01``, the box's address (any byte),
KEY ``0x31``..``0x39`` for rating 1..9, end ``0x07``.

Resynchronisation: the decoder looks for a start byte, and accepts the four
bytes from it only if the key and the end byte are right; otherwise it drops
that one start byte and looks again from the next byte. A valid frame can
therefore never be swallowed by garbage in front of it: any window that
overlaps the real frame has a wrong key or end byte (for instance
``01 X 01 A`` has key ``0x01``), so the scan reaches the real start byte.
An unfinished frame is kept for the next ``feed`` (frames split across
reads), and rejected as soon as its key byte is known to be wrong.
"""

from __future__ import annotations

from hardware.keypad.base import Decoder, DecodeResult, Press

START, END = 0x01, 0x07
FIRST_KEY, LAST_KEY = 0x31, 0x39
FRAME_LEN = 4


def encode_frame(address: int, value: int) -> bytes:
    """The 4 bytes a box at ``address`` sends for rating ``value`` (tests, simulators)."""
    if not 0 <= address <= 255 or not 1 <= value <= 9:
        raise ValueError("address must be 0-255 and value 1-9")
    return bytes((START, address, 0x30 + value, END))


class FramedDecoder(Decoder):
    protocol = "framed"

    def __init__(self) -> None:
        self._buffer = bytearray()

    def pending(self) -> int:
        return len(self._buffer)

    def reset(self) -> DecodeResult:
        dropped = len(self._buffer)
        self._buffer.clear()
        return DecodeResult(discarded_bytes=dropped, discarded_frames=1 if dropped else 0)

    def feed(self, data: bytes) -> DecodeResult:
        result = DecodeResult()
        buf = self._buffer
        buf.extend(data)
        size = len(buf)
        i = 0
        while i < size:
            start = buf.find(START, i)
            if start < 0:
                result.discarded_bytes += size - i
                i = size
                break
            result.discarded_bytes += start - i
            available = size - start
            key_known = available >= 3
            if key_known and not FIRST_KEY <= buf[start + 2] <= LAST_KEY:
                result.discarded_frames += 1
                result.discarded_bytes += 1
                i = start + 1
                continue
            if available < FRAME_LEN:
                i = start  # unfinished frame: keep it for the next feed
                break
            if buf[start + 3] == END:
                result.presses.append(Press(buf[start + 2] - 0x30, buf[start + 1]))
                i = start + FRAME_LEN
            else:
                result.discarded_frames += 1
                result.discarded_bytes += 1
                i = start + 1
        del buf[:i]
        return result
