"""One call -> one WAV file: chime, then the phrase ``repeat`` times.

This is the single place an announcement is put together; the CLI
(``onestop announce``) and the hall display (through
:mod:`hardware.speech.qt_player`) both use it, so what an installer hears
when testing the speakers is exactly what the hall will hear.  Plain Python,
no Qt: rendering runs in a worker thread or a script.

Layout: ``chime | 250 ms | phrase | 700 ms | phrase ... | 200 ms``.  The tail
keeps the last syllable from being cut by audio sinks that drop the final
buffer.  Everything is 22050 Hz mono 16-bit (espeak-ng's own format).
"""

from __future__ import annotations

import array
import os
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hardware.speech import wavutil
from hardware.speech.chime import chime_samples
from hardware.speech.clips import ClipSet, default_clips_dir
from hardware.speech.errors import PhraseError
from hardware.speech.phrases import DEFAULT_TEMPLATES, LANGS, Phrase, build_phrase, template_parts
from hardware.speech.synth import DEFAULT_RATE, DEFAULT_VOICES, Synthesizer

MODES = ("tts", "clips")
MAX_REPEAT = 5
CHIME_GAP_MS = 250
REPEAT_GAP_MS = 700
TAIL_MS = 200

_clip_sets: dict[Path, ClipSet] = {}
_clip_sets_lock = threading.Lock()


def clip_set(directory: str | Path) -> ClipSet:
    """One shared :class:`ClipSet` per folder, so its loaded clips are reused between calls."""
    key = Path(directory).resolve()
    with _clip_sets_lock:
        if key not in _clip_sets:
            _clip_sets[key] = ClipSet(key)
        return _clip_sets[key]


@dataclass(frozen=True)
class Announcement:
    """Everything that decides how one call sounds; :meth:`render` writes the WAV."""

    code: str
    counter: int
    lang: str = "vi"
    mode: str = "tts"                 # "tts" (espeak-ng) | "clips" (recorded clips)
    repeat: int = 2
    template: str | None = None       # None: the default template of ``lang``
    whole_numbers: bool = False
    zero_word: str = "linh"           # "linh" (northern) or "lẻ" (southern): 105 = một trăm linh/lẻ năm
    voice: str | None = None          # espeak-ng voice; None: DEFAULT_VOICES[lang]
    rate: int = DEFAULT_RATE
    clips_dir: Path | None = None     # None: assets/voice/<lang>
    chime: bool = True

    def __post_init__(self) -> None:
        if self.lang not in LANGS:
            raise PhraseError(f"Ngôn ngữ không hỗ trợ / unsupported language {self.lang!r} (vi, en)")
        if self.mode not in MODES:
            raise PhraseError(f"Chế độ không hỗ trợ / unsupported mode {self.mode!r} (tts, clips)")
        if not 1 <= int(self.repeat) <= MAX_REPEAT:
            raise PhraseError(f"Số lần đọc phải từ 1 đến {MAX_REPEAT} / repeat must be 1..{MAX_REPEAT}: {self.repeat}")

    def phrase(self) -> Phrase:
        return build_phrase(self.code, self.counter, lang=self.lang, template=self.template,
                            whole_numbers=self.whole_numbers, zero_word=self.zero_word)

    @property
    def clips(self) -> ClipSet:
        return clip_set(self.clips_dir or default_clips_dir(self.lang))

    def speech_samples(self) -> array.array:
        """The phrase once, from espeak-ng or from the clips (raises SpeechError kinds)."""
        phrase = self.phrase()
        if self.mode == "clips":
            return self.clips.samples(phrase)
        speech = Synthesizer(voice=self.voice or DEFAULT_VOICES[self.lang], rate=self.rate).samples(phrase.text)
        return wavutil.trim(speech)  # espeak-ng ends with ~0.4 s of pause: gaps are ours to set

    def chime_samples(self) -> array.array:
        if self.mode == "clips":
            recorded = self.clips.chime()
            if recorded is not None:
                return recorded
        return chime_samples()

    def samples(self, *, speech: bool = True) -> array.array:
        """The whole announcement; ``speech=False`` gives the chime alone (degraded mode)."""
        out = array.array("h")
        if self.chime or not speech:
            out += self.chime_samples()
        if speech:
            once = self.speech_samples()
            if out:
                out += wavutil.silence(CHIME_GAP_MS)
            for i in range(int(self.repeat)):
                if i:
                    out += wavutil.silence(REPEAT_GAP_MS)
                out += once
        out += wavutil.silence(TAIL_MS)
        return out

    def render(self, out: str | Path | None = None, *, speech: bool = True) -> Path:
        """Write the announcement WAV to ``out`` (a new temporary file when None) and return its path.

        The file is written under a temporary name and renamed into place, so
        a player never sees a half-written WAV.
        """
        samples = self.samples(speech=speech)
        if out is None:
            fd, name = tempfile.mkstemp(prefix="onestop-announce-", suffix=".wav")
            os.close(fd)
            out = Path(name)
        out = Path(out)
        partial = out.with_name(f".{out.name}.{os.getpid()}.{threading.get_ident()}.part")
        try:
            wavutil.write_wav(partial, samples)
            os.replace(partial, out)
        finally:
            partial.unlink(missing_ok=True)
        return out


@dataclass(frozen=True)
class AnnouncementSettings:
    """A site's announcement configuration, from which each call's :class:`Announcement` is made."""

    lang: str = "vi"
    mode: str = "tts"
    repeat: int = 2
    template: str = DEFAULT_TEMPLATES["vi"]
    template_en: str = DEFAULT_TEMPLATES["en"]
    whole_numbers: bool = False
    zero_word: str = "linh"
    voice: str | None = None
    rate: int = DEFAULT_RATE
    clips_dir: Path | None = None
    chime: bool = True

    def __post_init__(self) -> None:
        template_parts(self.template)        # refuse a broken template now, not at the first call
        template_parts(self.template_en)
        Announcement("A1", 1, lang=self.lang, mode=self.mode, repeat=self.repeat)  # validates the rest

    @classmethod
    def from_site(cls, site: Any, **overrides: Any) -> AnnouncementSettings:
        """Settings from a site object (``db.values.SiteInfo`` or anything with the same fields).

        Duck-typed so ``hardware/`` does not import ``db/``; missing or empty
        fields keep the defaults.
        """
        values: dict[str, Any] = {}
        for attr, key in (("announcement_template", "template"), ("announcement_template_en", "template_en"),
                          ("announcement_repeat", "repeat")):
            value = getattr(site, attr, None)
            if value not in (None, ""):
                values[key] = value
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def announcement(self, code: str, counter: int, *, lang: str | None = None,
                     repeat: int | None = None) -> Announcement:
        lang = lang or self.lang
        return Announcement(
            code=code, counter=counter, lang=lang, mode=self.mode,
            repeat=self.repeat if repeat is None else repeat,
            template=self.template_en if lang == "en" else self.template,
            whole_numbers=self.whole_numbers, zero_word=self.zero_word,
            voice=self.voice if lang == self.lang else None, rate=self.rate,
            clips_dir=self.clips_dir if lang == self.lang else None, chime=self.chime,
        )
