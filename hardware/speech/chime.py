"""A two-tone "ding-dong" chime, generated in pure Python (``math`` + ``wave``).

The chime is what makes a waiting hall look up before the number is spoken,
and it must survive when the speech engine does not (announcements then
degrade to chime only).  So it depends on nothing: no numpy, no asset file.
It is produced in the announcement format (22050 Hz mono 16-bit, like
espeak-ng's output) so it is joined to speech by plain concatenation.

Sound design: two bell-like notes a major third apart (E5 then C5, the
classic public-address ding-dong), each with a 6 ms attack (no click), a few
soft partials and an exponential decay, the second note starting while the
first rings out.  Peak -6 dBFS so it is clearly audible but not louder than
the voice that follows.
"""

from __future__ import annotations

import array
import math
from functools import lru_cache
from pathlib import Path

from hardware.speech import wavutil

#: (frequency Hz, start s) of the two notes.
NOTES = ((659.25, 0.0), (523.25, 0.42))
NOTE_LENGTH_S = 0.9
DECAY_S = 0.32          # time constant of the exponential decay
ATTACK_S = 0.006
PARTIALS = ((1.0, 1.0), (2.0, 0.28), (3.0, 0.08))   # (multiple, relative amplitude)
PEAK = 0.5              # of full scale, -6 dBFS


@lru_cache(maxsize=4)
def _chime(rate: int) -> tuple[int, ...]:
    total = int(rate * (NOTES[-1][1] + NOTE_LENGTH_S))
    mix = [0.0] * total
    norm = sum(a for _, a in PARTIALS)
    for freq, start in NOTES:
        first = int(rate * start)
        length = min(int(rate * NOTE_LENGTH_S), total - first)
        fade = int(rate * 0.05)  # last 50 ms fade to exactly zero: no click at the cut
        omegas = [(2 * math.pi * freq * mult / rate, amp / norm) for mult, amp in PARTIALS]
        for i in range(length):
            t = i / rate
            env = math.exp(-t / DECAY_S) * min(1.0, t / ATTACK_S)
            if i > length - fade:
                env *= (length - i) / fade
            mix[first + i] += env * sum(amp * math.sin(omega * i) for omega, amp in omegas)
    peak = max(abs(v) for v in mix) or 1.0
    scale = PEAK * 32767 / peak
    return tuple(int(v * scale) for v in mix)


def chime_samples(rate: int = wavutil.RATE) -> array.array:
    """The chime as mono 16-bit samples (computed once per process, ~30 ms)."""
    return array.array("h", _chime(rate))


def write_chime(path: str | Path, rate: int = wavutil.RATE) -> Path:
    """Write the chime to ``path`` as a WAV file."""
    return wavutil.write_wav(path, chime_samples(rate), rate)
