"""Small WAV helpers in pure Python (``wave`` + ``array``, no numpy, no audioop).

Every piece of an announcement (chime, espeak-ng speech, recorded clips) is
brought to ONE format, :data:`RATE` Hz mono 16-bit, because that is what
espeak-ng writes: pieces in that format are joined by concatenating samples,
with no resampling on the hot path.  Clips recorded elsewhere (44.1 kHz stereo
from a phone, 8-bit, 24-bit) are converted on load; anything the ``wave``
module cannot read (float or compressed WAV, MP3 renamed to .wav) is refused
with a message naming the file and the command that converts it.

``audioop`` is avoided: it is deprecated and gone in Python 3.13.
"""

from __future__ import annotations

import array
import sys
import wave
from pathlib import Path

from hardware.speech.errors import ClipError

#: sample rate of every announcement WAV (espeak-ng's native output rate).
RATE = 22050
#: the one-line fix we suggest for a clip we cannot read.
CONVERT_HINT = "ffmpeg -i IN -ac 1 -ar 22050 -sample_fmt s16 OUT.wav (hoặc/or: sox IN -c 1 -r 22050 -b 16 OUT.wav)"

_BIG_ENDIAN = sys.byteorder == "big"


def silence(ms: float, rate: int = RATE) -> array.array:
    """``ms`` milliseconds of digital silence."""
    return array.array("h", bytes(2 * int(rate * ms / 1000)))


def duration_s(samples: array.array, rate: int = RATE) -> float:
    return len(samples) / rate


def to_bytes(samples: array.array) -> bytes:
    """Little-endian bytes as WAV stores them, whatever the host byte order."""
    if _BIG_ENDIAN:  # pragma: no cover - no big-endian CI machine
        samples = array.array("h", samples)
        samples.byteswap()
    return samples.tobytes()


def from_bytes(data: bytes) -> array.array:
    samples = array.array("h")
    samples.frombytes(data[: len(data) - len(data) % 2])
    if _BIG_ENDIAN:  # pragma: no cover
        samples.byteswap()
    return samples


def write_wav(path: str | Path, samples: array.array, rate: int = RATE) -> Path:
    """Write mono 16-bit PCM; returns the path for chaining."""
    path = Path(path)
    # Open the file first: wave.open(name) that fails to create the file leaves a
    # half-built Wave_write whose __del__ raises (an "unraisable" warning).
    with open(path, "wb") as raw, wave.open(raw, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(to_bytes(samples))
    return path


def wav_info(path: str | Path) -> tuple[int, int, int, float]:
    """(channels, sample width in bytes, rate, duration in seconds) of a WAV file."""
    with wave.open(str(path), "rb") as wav:
        rate = wav.getframerate()
        return wav.getnchannels(), wav.getsampwidth(), rate, wav.getnframes() / rate


def read_wav(path: str | Path, rate: int = RATE) -> array.array:
    """Read any PCM WAV as mono 16-bit at ``rate``, converting when needed.

    Raises :class:`ClipError` (with the file name and a conversion command)
    for missing files and for WAVs the ``wave`` module cannot decode.
    """
    path = Path(path)
    try:
        with wave.open(str(path), "rb") as wav:
            channels, width, src_rate = wav.getnchannels(), wav.getsampwidth(), wav.getframerate()
            data = wav.readframes(wav.getnframes())
    except FileNotFoundError:
        raise ClipError(f"Thiếu tệp âm thanh {path} / missing audio file {path}") from None
    except (wave.Error, EOFError) as exc:
        raise ClipError(
            f"Tệp {path} không phải WAV PCM đọc được ({exc}); chuyển đổi bằng / "
            f"{path} is not a readable PCM WAV ({exc}); convert it with: {CONVERT_HINT}"
        ) from None
    if width not in (1, 2, 3, 4) or channels < 1:
        raise ClipError(f"{path}: {width * 8}-bit, {channels} channel(s) not supported; convert it with: {CONVERT_HINT}")
    samples = _to_mono16(data, channels, width)
    if src_rate != rate:
        samples = resample(samples, src_rate, rate)
    return samples


def _to_mono16(data: bytes, channels: int, width: int) -> array.array:
    """Decode PCM of any common width to 16-bit and average the channels."""
    if width == 2:
        raw = from_bytes(data)
    elif width == 1:  # 8-bit WAV is unsigned
        raw = array.array("h", ((b - 128) << 8 for b in data))
    else:  # 24/32-bit little-endian signed: keep the top 16 bits
        raw = array.array("h", (
            int.from_bytes(data[i + width - 2:i + width], "little", signed=True)
            for i in range(0, len(data) - width + 1, width)
        ))
    if channels == 1:
        return raw
    frames = len(raw) // channels
    return array.array("h", (
        int(sum(raw[f * channels:(f + 1) * channels]) / channels) for f in range(frames)
    ))


def resample(samples: array.array, src_rate: int, dst_rate: int) -> array.array:
    """Linear-interpolation resampling: plenty for speech clips played in a hall."""
    if src_rate == dst_rate or not samples:
        return array.array("h", samples)
    n_out = max(1, int(len(samples) * dst_rate / src_rate))
    step = src_rate / dst_rate
    last = len(samples) - 1
    out = array.array("h", bytes(2 * n_out))
    for i in range(n_out):
        pos = i * step
        j = int(pos)
        if j >= last:
            out[i] = samples[last]
        else:
            frac = pos - j
            out[i] = int(samples[j] + (samples[j + 1] - samples[j]) * frac)
    return out


def trim(samples: array.array, *, threshold: int = 330, keep_ms: float = 30, rate: int = RATE) -> array.array:
    """Cut leading/trailing silence below ``threshold`` (≈ -40 dBFS), keeping ``keep_ms``.

    Recordings (human or espeak-ng, whose output ends with ~0.4 s of pause)
    carry uneven silence at both ends; trimmed clips join into speech with
    even, deliberate gaps instead of sluggish holes.  The margin keeps soft
    onsets ("h", "s", "x") that start below the threshold.
    """
    first = next((i for i, s in enumerate(samples) if abs(s) > threshold), None)
    if first is None:
        return array.array("h")
    last = len(samples) - next(i for i, s in enumerate(reversed(samples)) if abs(s) > threshold)
    keep = int(rate * keep_ms / 1000)
    return samples[max(0, first - keep):min(len(samples), last + keep)]
