"""What every keypad wire format turns bytes into.

A decoder is fed whatever the serial port returned (any chunking: one byte,
half a frame, a kilobyte of noise) and returns the presses it could prove,
plus how much it threw away. It keeps an unfinished frame for the next call,
so a frame split across two reads is still one press, and never guesses: a
byte that does not fit the format is discarded and counted, because an
invented rating is worse than a lost one for the province's statistics.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import ClassVar


@dataclass(frozen=True)
class Press:
    """One key press as it came off the wire.

    ``address`` is the bus address of a framed keypad; ``None`` for the ascii
    format, where the reader knows the counter from its configuration.
    """

    value: int
    address: int | None = None


@dataclass
class DecodeResult:
    presses: list[Press] = field(default_factory=list)
    discarded_bytes: int = 0      # bytes that were not part of a valid press
    discarded_frames: int = 0     # frame starts rejected (corrupt, partial, wrong key)

    def add(self, other: DecodeResult) -> None:
        self.presses.extend(other.presses)
        self.discarded_bytes += other.discarded_bytes
        self.discarded_frames += other.discarded_frames


class Decoder(ABC):
    """One wire format. Subclasses are small: ``feed``, ``pending``, ``reset``."""

    protocol: ClassVar[str]

    @abstractmethod
    def feed(self, data: bytes) -> DecodeResult:
        """Decode ``data`` following whatever was fed before."""

    def pending(self) -> int:
        """Bytes of an unfinished frame held for the next ``feed``."""
        return 0

    def reset(self) -> DecodeResult:
        """Forget an unfinished frame (port reopened, or the line went idle mid-frame).

        Returns what was dropped so the reader can count it.
        """
        return DecodeResult()
