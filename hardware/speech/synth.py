"""Text -> WAV with pyttsx3 on espeak-ng, offline, safe to call from a worker thread.

Announcements must never depend on an online speech service (other queue
systems went silent when theirs changed), so speech is espeak-ng through
pyttsx3, written to a WAV file and played by whoever needs it.

pyttsx3 2.99 quirks handled here (measured on Debian 12 with espeak-ng):

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
* ``runAndWait`` returns about 10 ms after STARTING the synthesis, which
  espeak-ng runs asynchronously on its own thread: a long phrase, or any
  phrase on a busy machine, is not written yet (measured: a 22 s text was
  written 21 ms after the start, 6 ms after runAndWait returned).  The job
  waits for pyttsx3's "finished-utterance" and for espeak-ng to go idle.
* espeak-ng is one global C state per process (one synth callback, one
  current voice); the pyttsx3 driver clears the callback when an engine is
  freed, and freeing a ctypes callback espeak-ng is still running crashes
  the process.  So jobs are serialized by a process-wide lock, each engine
  is released inside it once espeak-ng is idle, and an engine whose job
  never finished is kept alive (:func:`_abandon`).
"""

from __future__ import annotations

import array
import atexit
import ctypes
import io
import sys
import tempfile
import threading
import time
import wave
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
_abandoned: list[tuple[Any, Any]] = []


@atexit.register
def _quiet_abandoned_engines_at_exit() -> None:
    """Engines kept alive on purpose (see :func:`_abandon`) die at interpreter exit.

    By then pyttsx3's ``DriverProxy.__del__`` runs with its module globals gone and
    prints "Exception ignored ... 'NoneType' object has no attribute 'suppress'".
    The process is ending, so the driver needs no tidy-up: silence that destructor
    for any engine still alive (nothing else is affected: this runs at exit only).
    """
    driver_module = sys.modules.get("pyttsx3.driver")
    if driver_module is not None:
        driver_module.DriverProxy.__del__ = lambda self: None


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


def _espeak_module() -> Any | None:
    try:
        from pyttsx3.drivers import _espeak
    except Exception:  # not installed: nothing can be running
        return None
    return _espeak


def _espeak_busy() -> bool:
    """espeak-ng's synthesis thread is still working on a command (and may call back)."""
    espeak = _espeak_module()
    try:
        return bool(espeak and espeak.IsPlaying())
    except Exception:
        return False


def _wait_idle(timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while _espeak_busy():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.001)
    return True


def _abandon(engine: Any) -> None:
    """Keep an engine whose synthesis never finished alive forever, with its C callback.

    The pyttsx3 driver clears espeak-ng's callback when its engine is freed,
    and a new engine replaces it; freeing a ctypes callback that espeak-ng's
    thread is still running (or about to run) crashes the process.  A stuck
    job is rare; a few kilobytes kept for it are the price of not crashing.
    """
    espeak = _espeak_module()
    _abandoned.append((engine, getattr(espeak, "SynthCallback", None)))
    try:
        if espeak is not None:
            espeak.Cancel()
    except Exception:
        pass


_get_parameter: Any = None


def _current_parameter(espeak: Any, which: int) -> int:
    """espeak_GetParameter(which, current=1); pyttsx3's prototype omits the ``current`` argument."""
    global _get_parameter
    if _get_parameter is None:
        prototype = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_int, ctypes.c_int)
        _get_parameter = prototype(("espeak_GetParameter", espeak.dll))
    return int(_get_parameter(which, 1))


def _apply_espeak_settings(voice_id: str, rate: int, volume: float, timeout_s: float = 2.0) -> None:
    """Set voice, rate and volume and wait until espeak-ng has really applied them.

    Why not ``engine.setProperty``: pyttsx3 applies queued properties when
    ``runAndWait`` starts, and in the same breath calls ``stop()``, which
    ``espeak_Cancel``s whatever espeak-ng is still doing.  Rate and volume
    are asynchronous espeak-ng commands; when the cancel caught them still
    queued, espeak-ng dropped them AND reset the parameters to those of the
    previous synthesis: 3 jobs in 240 came out at the wrong speed (measured).
    Applied here first and confirmed with espeak_GetParameter, nothing is
    pending when pyttsx3 cancels, so nothing is lost.
    """
    espeak = _espeak_module()
    if espeak is None:
        raise SpeechUnavailable(f"espeak-ng không có / espeak-ng not available; {INSTALL_HINT}")
    result = espeak.SetVoiceByName(voice_id.encode("utf-8"))
    if result != 0:
        raise SpeechUnavailable(f"espeak-ng không đặt được giọng / could not select voice {voice_id!r} (error {result})")
    level = int(round(volume * 100))
    espeak.SetParameter(espeak.RATE, int(rate), 0)
    espeak.SetParameter(espeak.VOLUME, level, 0)
    deadline = time.monotonic() + timeout_s
    while True:
        if (not espeak.IsPlaying() and _current_parameter(espeak, espeak.RATE) == int(rate)
                and _current_parameter(espeak, espeak.VOLUME) == level):
            return
        if time.monotonic() > deadline:
            raise SpeechUnavailable("espeak-ng không nhận thiết lập / espeak-ng did not apply voice, rate and volume")
        time.sleep(0.0005)


def _new_engine(driver: str | None) -> Any:
    """A fresh pyttsx3 engine (never the cached one from ``pyttsx3.init()``).

    Creating it replaces espeak-ng's global callback, so an engine is only
    created while espeak-ng is idle (or after keeping the running callback alive).
    """
    try:
        from pyttsx3.engine import Engine, default_engine_by_sys_platform
    except Exception as exc:  # ImportError, or OSError from a missing libespeak
        raise SpeechUnavailable(f"Không có pyttsx3 / pyttsx3 not available ({exc}); {INSTALL_HINT}") from None
    if not _wait_idle(2.0):
        espeak = _espeak_module()
        _abandoned.append((None, getattr(espeak, "SynthCallback", None)))
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

    def __post_init__(self) -> None:
        if not 80 <= int(self.rate) <= 450:   # espeak-ng's own limits
            raise PhraseError(f"Tốc độ đọc phải từ 80 đến 450 / rate must be 80..450 words per minute: {self.rate}")
        if not 0.0 <= float(self.volume) <= 2.0:
            raise PhraseError(f"Âm lượng phải từ 0 đến 2 / volume must be 0..2: {self.volume}")

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
        done = threading.Event()
        timeout_s = 10.0 + len(text) / 50
        with _LOCK:
            engine = _new_engine(self.driver)
            started = finished = idle = False
            try:
                voice_id = _resolve_voice(engine, self.voice)
                engine.connect("error", lambda **kw: errors.append(kw.get("exception")))
                engine.connect("finished-utterance", lambda **kw: done.set())
                if engine.driver_name == "espeak":
                    _apply_espeak_settings(voice_id, self.rate, self.volume)
                else:  # pragma: no cover - other platforms' drivers
                    engine.setProperty("voice", voice_id)
                    engine.setProperty("rate", int(self.rate))
                    engine.setProperty("volume", float(self.volume))
                with _muted_saved_line(out):
                    engine.save_to_file(text, str(out))
                    started = True
                    engine.runAndWait()
                    # runAndWait returns ~10 ms after STARTING espeak-ng's asynchronous
                    # synthesis, not when the file is written: wait for the end ourselves,
                    # then for espeak-ng's thread to leave our callback.
                    finished = done.wait(timeout_s)
                    idle = _wait_idle(2.0)
            except SpeechUnavailable:
                raise
            except Exception as exc:
                raise SpeechUnavailable(f"espeak-ng lỗi / espeak-ng failed: {exc}") from None
            finally:
                if (started and not (finished and idle)) or _espeak_busy():
                    _abandon(engine)
                del engine  # frees the driver and its C callback, inside the lock, while espeak-ng is idle
        if not finished:
            raise SpeechUnavailable(
                f"espeak-ng không trả lời / espeak-ng did not finish within {timeout_s:.0f} s for {text[:40]!r}")
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
