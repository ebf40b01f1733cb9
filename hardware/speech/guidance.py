"""Spoken guidance for the kiosk: the texts of one screen -> one WAV, in the screen's language.

The kiosk's "Nghe hướng dẫn / Listen" button reads what the screen offers (a greeting, then
every choice by name).  It goes through the same two paths as the hall's announcements
(:mod:`hardware.speech.announcer`) so a site records its voice once, in one format:

* **clips** - the site's recordings, one WAV per text, named like every other clip: the text
  without accents, lower case, words joined by ``_`` (:func:`hardware.speech.clips.slug`),
  "Mời chọn lĩnh vực cần giải quyết" -> ``moi_chon_linh_vuc_can_giai_quyet.wav``; a ticket code
  is spoken from the ``letter_*`` / ``digit_*`` clips the display already uses.  The folder is
  ``<voice dir>/<lang>/``, one per language, and is used only when it holds EVERY clip the
  screen needs (a sentence half recorded, half synthesized sounds broken);
* **tts** - espeak-ng through :class:`~hardware.speech.synth.Synthesizer` otherwise.

Voice dirs, the first holding all clips wins: each folder of ``ONESTOP_VOICE_DIR``
(``os.pathsep``-separated), ``<user data dir>/onestop-queue/voice``, the shipped ``assets/voice``.
Plain Python, no Qt: the kiosk renders on a worker thread and plays with the display's player.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_dir

from hardware.speech import wavutil
from hardware.speech.announcer import clip_set
from hardware.speech.clips import ASSETS_DIR, TOKEN_GAP_MS
from hardware.speech.phrases import LANGS, Phrase, Token, code_tokens
from hardware.speech.synth import DEFAULT_RATE, DEFAULT_VOICES, Synthesizer

ENV_DIR = "ONESTOP_VOICE_DIR"
#: silence between two texts of a screen (a choice, the next choice): longer than inside a sentence
PART_GAP_MS = 450
TAIL_MS = 200

#: what a screen says: ("text", "Mời chọn thủ tục") or ("code", "A015") - a code is spelled out
Part = tuple[str, str]


def voice_dirs() -> list[Path]:
    """The folders holding one clip folder per language, the site's first."""
    dirs = [Path(p) for p in os.environ.get(ENV_DIR, "").split(os.pathsep) if p]
    dirs.append(Path(user_data_dir("onestop-queue", appauthor=False)) / "voice")
    dirs.append(ASSETS_DIR)
    return dirs


@dataclass(frozen=True)
class Guidance:
    """One screen's texts in one language, as the kiosk reads them aloud."""

    lang: str
    parts: tuple[Part, ...]

    @property
    def texts(self) -> tuple[str, ...]:
        return tuple(value for _kind, value in self.parts)

    def phrase(self) -> Phrase:
        """Text parts as template-like tokens (one clip each), codes as letters and digits."""
        tokens: list[Token] = []
        spoken: list[str] = []
        for kind, value in self.parts:
            if kind == "code":
                toks = code_tokens(value, self.lang if self.lang in LANGS else "vi")
                tokens += toks
                spoken.append(", ".join(t.spoken for t in toks))
            elif value.strip():
                tokens.append(Token("text", value.strip(), (value.strip(),)))
                spoken.append(value.strip())
        text = ". ".join(s.rstrip(" .:") for s in spoken)
        return Phrase(lang=self.lang, text=text, tokens=tuple(tokens))

    def clip_names(self) -> list[str]:
        """Every file a site records for this screen (``<lang>/NAME.wav``)."""
        names: list[str] = []
        for dirs in clip_set(ASSETS_DIR / self.lang).clip_names(self.phrase()):
            names += [n for n in dirs if n not in names]
        return names


def clips_folder(guidance: Guidance, dirs: list[Path] | None = None) -> Path | None:
    """The first ``<dir>/<lang>`` that holds every clip the guidance needs, or None (then: tts)."""
    phrase = guidance.phrase()
    for directory in dirs if dirs is not None else voice_dirs():
        folder = directory / guidance.lang
        if folder.is_dir() and not clip_set(folder).missing(phrase):
            return folder
    return None


def render(guidance: Guidance, out: str | Path, *, dirs: list[Path] | None = None, voice: str | None = None,
           rate: int = DEFAULT_RATE) -> str:
    """Write the guidance WAV to ``out``; returns how it was made: ``"clips"`` or ``"tts"``.

    Raises :class:`~hardware.speech.errors.SpeechUnavailable` when there are no clips and no
    espeak-ng voice for the language.
    """
    phrase = guidance.phrase()
    folder = clips_folder(guidance, dirs)
    if folder is not None:
        clips = clip_set(folder)
        samples = wavutil.silence(0)
        for i, names in enumerate(clips.clip_names(phrase)):
            if i:   # a pause between two texts; letters and digits of one code closer together
                texts = "text" in (phrase.tokens[i].kind, phrase.tokens[i - 1].kind)
                samples += wavutil.silence(PART_GAP_MS if texts else TOKEN_GAP_MS)
            for name in names:
                samples += clips.clip(name)
        mode = "clips"
    else:
        synth = Synthesizer(voice=voice or DEFAULT_VOICES.get(guidance.lang, guidance.lang), rate=rate)
        samples = wavutil.trim(synth.samples(phrase.text))
        mode = "tts"
    samples += wavutil.silence(TAIL_MS)
    wavutil.write_wav(out, samples)
    return mode
