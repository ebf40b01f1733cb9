"""Text -> WAV with pyttsx3 on espeak-ng, offline, safe to call from a worker thread.

Announcements must never depend on an online speech service (other queue
systems went silent when theirs changed), so speech is espeak-ng through
pyttsx3, written to a WAV file and played by whoever needs it.

pyttsx3 2.99 quirks handled here (measured, see FIELD-NOTES):

* A FRESH engine per job.  ``pyttsx3.init()`` returns a cached engine that
  applied a changed rate/voice wrongly in 2 of 8 calls; a new
  ``Engine("espeak")`` was always right and costs well under a millisecond.
* One ``save_to_file`` per ``runAndWait``: with two, only the last is written.
* An invalid voice id does not raise and writes nothing: the voice is
  resolved against the installed list first and the output is checked.
* It prints "Audio saved to X" on stdout, which would corrupt the JSON that
  CLI commands print.  That ``print`` runs on espeak-ng's own synthesis
  thread, so neither muting the caller's thread nor
  ``contextlib.redirect_stdout`` (which would also swallow what the rest of
  the program prints meanwhile) nor an fd-level redirect (the whole process)
  is right: :func:`_muted_saved_line` drops exactly that line.
* espeak-ng is one global C state per process (one synth callback, one
  current voice); the pyttsx3 driver even clears the callback when an engine
  is garbage-collected.  So jobs are serialized by a process-wide lock and
  each engine is released inside it.
"""

from __future__ import annotations

import array
import io
import sys
import tempfile
import threading
import wave
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from hardware.speech import wavutil
from hardware.speech.errors import PhraseError, SpeechUnavailable

#: espeak-ng voice per language; "vi" is the northern voice
#: (also installed: "vi-vn-x-central", "vi-vn-x-south").
DEFAULT_VOICES = {"vi": "vi", "en": "en"}
#: words per minute: espeak-ng's 175 is brisk for a hall with echo.
DEFAULT_RATE = 150
INSTALL_HINT = "cài đặt / install: apt-get install espeak-ng && pip install pyttsx3"

_LOCK = threading.Lock()
_voice_ids: dict[str, str] = {}


class _SwallowLine(io.TextIOBase):
    """A stdout that drops one exact line (and its newline) and passes everything else on."""

    def __init__(self, target: Any, line: str) -> None:
        self._target = target
        self._line = line
        self._newline_due: set[int] = set()   # threads whose next "\n" belongs to the dropped line

    def write(self, text: str) -> int:
        ident = threading.get_ident()
        if text == self._line:
            self._newline_due.add(ident)
            return len(text)
        if text == "\n" and ident in self._newline_due:
            self._newline_due.discard(ident)
            return len(text)
        return self._target.write(text)

    def flush(self) -> None:
        self._target.flush()

    def __getattr__(self, name: str) -> Any:  # encoding, fileno, isatty...
        return getattr(self._target, name)


@contextmanager
def _muted_saved_line(path: Path) -> Iterator[None]:
    """Drop pyttsx3's "Audio saved to PATH" line, whichever thread prints it.

    espeak-ng runs the synthesis callback (and so pyttsx3's ``print``) on its
    OWN thread, not the caller's; so the filter matches the exact line rather
    than a thread, and everything else anyone prints meanwhile goes through.
    """
    saved = sys.stdout
    wrapper = _SwallowLine(saved, f"Audio saved to {path}")
    sys.stdout = wrapper
    try:
        yield
    finally:
        if sys.stdout is wrapper:
            sys.stdout = saved


def _new_engine(driver: str | None) -> Any:
    """A fresh pyttsx3 engine (never the cached one from ``pyttsx3.init()``)."""
    try:
        from pyttsx3.engine import Engine, default_engine_by_sys_platform
    except Exception as exc:  # ImportError, or OSError from a missing libespeak
        raise SpeechUnavailable(f"Không có pyttsx3 / pyttsx3 not available ({exc}); {INSTALL_HINT}") from None
    try:
        return Engine(driver or default_engine_by_sys_platform())
    except Exception as exc:
        raise SpeechUnavailable(f"Không khởi động được espeak-ng / espeak-ng failed to start ({exc}); {INSTALL_HINT}") from None


def _resolve_voice(engine: Any, wanted: str) -> str:
    """Map "vi", "en", "vi-vn-x-south" or a full id ("aav/vi") to the installed voice id."""
    if wanted in _voice_ids:
        return _voice_ids[wanted]
    voices = engine.getProperty("voices") or []
    key = wanted.lower()
    match = None
    for rule in (
        lambda v: v.id.lower() == key,
        lambda v: v.id.lower().rsplit("/", 1)[-1] == key,
        lambda v: key in [str(lang).lower() for lang in (v.languages or [])],
        lambda v: (v.name or "").lower() == key,
    ):
        match = next((v for v in voices if rule(v)), None)
        if match:
            break
    if match is None:
        raise SpeechUnavailable(
            f"Không có giọng đọc {wanted!r} / voice {wanted!r} is not installed in espeak-ng "
            f"({len(voices)} voices found); {INSTALL_HINT}"
        )
    _voice_ids[wanted] = match.id
    return match.id


@dataclass(frozen=True)
class Synthesizer:
    """Settings of the voice; :meth:`synthesize` does one job with a fresh engine."""

    voice: str = DEFAULT_VOICES["vi"]
    rate: int = DEFAULT_RATE
    volume: float = 1.0
    driver: str | None = None   # pyttsx3 driver; None = the platform default (espeak on Linux)

    def check(self) -> str:
        """Raise :class:`SpeechUnavailable` unless the engine and the voice exist; return the voice id."""
        with _LOCK:
            engine = _new_engine(self.driver)
            try:
                return _resolve_voice(engine, self.voice)
            finally:
                del engine

    def synthesize(self, text: str, out_path: str | Path) -> Path:
        """Speak ``text`` into the WAV file ``out_path`` (mono 16-bit 22050 Hz with espeak-ng)."""
        text = " ".join(str(text).split())
        if not text:
            raise PhraseError("Không có gì để đọc / nothing to say")
        out = Path(out_path)
        out.unlink(missing_ok=True)  # a stale file must not pass for fresh output
        errors: list[Any] = []
        with _LOCK:
            engine = _new_engine(self.driver)
            try:
                voice_id = _resolve_voice(engine, self.voice)
                engine.connect("error", lambda **kw: errors.append(kw.get("exception")))
                engine.setProperty("voice", voice_id)
                engine.setProperty("rate", int(self.rate))
                engine.setProperty("volume", float(self.volume))
                with _muted_saved_line(out):
                    engine.save_to_file(text, str(out))
                    engine.runAndWait()
            except SpeechUnavailable:
                raise
            except Exception as exc:
                raise SpeechUnavailable(f"espeak-ng lỗi / espeak-ng failed: {exc}") from None
            finally:
                del engine  # releases the driver (and its global callback) inside the lock
        self._verify(out, text, errors)
        return out

    def samples(self, text: str) -> array.array:
        """Speak ``text`` and return the samples (through a temporary WAV file)."""
        with tempfile.TemporaryDirectory(prefix="onestop-tts-") as tmp:
            path = self.synthesize(text, Path(tmp) / "speech.wav")
            return wavutil.read_wav(path)

    def _verify(self, out: Path, text: str, errors: list[Any]) -> None:
        """The WAV must exist, be readable and hold sound: pyttsx3 fails silently otherwise."""
        problem = None
        try:
            with wave.open(str(out), "rb") as wav:
                seconds = wav.getnframes() / wav.getframerate()
                if wav.getnchannels() != 1 or wav.getsampwidth() != 2:
                    problem = f"unexpected format {wav.getnchannels()} ch / {8 * wav.getsampwidth()} bit"
                elif seconds < 0.1:
                    problem = f"only {seconds:.2f} s of audio"
        except (FileNotFoundError, wave.Error, EOFError) as exc:
            problem = f"no WAV written ({exc})"
        if problem:
            detail = f"; {errors[0]}" if errors and errors[0] else ""
            raise SpeechUnavailable(
                f"espeak-ng không tạo được âm thanh / espeak-ng produced no audio for {text[:40]!r} "
                f"with voice {self.voice!r}: {problem}{detail}"
            )


def speech_problem(voice: str = DEFAULT_VOICES["vi"]) -> str | None:
    """``None`` when speech works with ``voice``, else the reason (for status lines)."""
    try:
        Synthesizer(voice=voice).check()
    except SpeechUnavailable as exc:
        return str(exc)
    return None
