"""Recorded-clip mode: an announcement joined from a folder of WAV clips.

For sites that want a human voice (or a better one than espeak-ng), each
piece of the phrase is a recording and the announcement is the pieces joined
in order.  The phrase is the same :class:`~hardware.speech.phrases.Phrase`
the speech engine gets, so both modes always say the same thing.

File names (all ``.wav``, see ``docs/voice.md``):

* a template part -> its text without accents, lower case, words joined by
  ``_``: "Mời công dân có số thứ tự" -> ``moi_cong_dan_co_so_thu_tu``,
  "đến quầy số" -> ``den_quay_so``;
* a letter -> ``letter_a`` ... ``letter_z``, Đ -> ``letter_dd`` (Ă Â Ê Ô Ơ Ư
  -> ``letter_aw aa ee oo ow uw``, the Telex spellings);
* a digit -> ``digit_0`` ... ``digit_9``;
* a whole number N -> ``number_N`` when the folder has it (e.g. a recorded
  "mười lăm" as ``number_15.wav``), otherwise built from words: the digits
  plus ``word_10`` (mười), ``word_tens`` (mươi), ``word_mot`` (mốt),
  ``word_lam`` (lăm), ``word_linh`` (linh) or ``word_le`` (lẻ),
  ``word_100`` (trăm), ``word_1000`` (nghìn);
* ``chime.wav`` (optional: the generated chime is used without it).

Clips in another PCM format are converted on load (rate, channels, width);
silence at both ends of each clip is trimmed so that the joins have even,
deliberate gaps.  Missing clips are reported all at once, by file name.
"""

from __future__ import annotations

import array
import os
import threading
import unicodedata
from importlib.resources import files
from pathlib import Path

from hardware.speech import wavutil
from hardware.speech.errors import ClipError
from hardware.speech.phrases import EN_DIGITS, VI_DIGITS, Phrase, Token

#: the clip folders shipped with the product (generated from espeak-ng by make_clips).
ASSETS_DIR = Path(str(files("assets").joinpath("voice")))

LETTER_SLUGS = {"Đ": "dd", "Ă": "aw", "Â": "aa", "Ê": "ee", "Ô": "oo", "Ơ": "ow", "Ư": "uw"}
VI_WORD_CLIPS = {
    "mười": "word_10", "mươi": "word_tens", "mốt": "word_mot", "lăm": "word_lam",
    "linh": "word_linh", "lẻ": "word_le", "trăm": "word_100", "nghìn": "word_1000",
}
#: gap between the tokens of a phrase (a letter, a digit, a template part).
TOKEN_GAP_MS = 150
#: gap between the words of one number built from word clips ("mười" + "lăm").
WORD_GAP_MS = 40


def default_clips_dir(lang: str = "vi") -> Path:
    return ASSETS_DIR / lang


def slug(text: str) -> str:
    """ASCII file-name stem of a text: "Mời công dân" -> "moi_cong_dan"."""
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return "_".join("".join(c if c.isascii() and c.isalnum() else " " for c in ascii_text).split())


def letter_clip(letter: str) -> str:
    return "letter_" + LETTER_SLUGS.get(letter, slug(letter))


def _word_clips(word: str, lang: str) -> list[str]:
    """Clips for one word of a whole number."""
    digits = VI_DIGITS if lang == "vi" else EN_DIGITS
    if word in digits:
        return [f"digit_{digits.index(word)}"]
    if lang == "vi":
        return [VI_WORD_CLIPS.get(word, "word_" + slug(word))]
    # English: "twenty-one" -> word_twenty + digit_1
    parts = word.split("-")
    return [c for part in parts for c in (_word_clips(part, lang) if part in digits else ["word_" + slug(part)])]


class ClipSet:
    """A folder of clips; :meth:`samples` joins the clips of a phrase.

    Loaded clips are kept in memory (keyed by modification time, so a clip
    replaced on disk is picked up without a restart).  Thread-safe: the hall
    display renders announcements in a worker thread.
    """

    def __init__(self, directory: str | Path, *, token_gap_ms: float = TOKEN_GAP_MS,
                 word_gap_ms: float = WORD_GAP_MS, trim: bool = True) -> None:
        self.directory = Path(directory)
        self.token_gap_ms = token_gap_ms
        self.word_gap_ms = word_gap_ms
        self.trim = trim
        self._cache: dict[str, tuple[float, array.array]] = {}
        self._lock = threading.Lock()

    def path(self, name: str) -> Path:
        return self.directory / f"{name}.wav"

    def has(self, name: str) -> bool:
        return self.path(name).is_file()

    def token_clips(self, token: Token, lang: str) -> list[str]:
        """Clip names, in order, for one token of a phrase."""
        if token.kind == "text":
            return [slug(token.value)]
        if token.kind == "letter":
            return [letter_clip(token.value)]
        if token.kind == "digit":
            return [f"digit_{token.value}"]
        if self.has(f"number_{token.value}"):
            return [f"number_{token.value}"]
        return [clip for word in token.words for clip in _word_clips(word, lang)]

    def clip_names(self, phrase: Phrase) -> list[list[str]]:
        """Clip names per token of ``phrase``."""
        return [self.token_clips(token, phrase.lang) for token in phrase.tokens]

    def missing(self, phrase: Phrase) -> list[str]:
        seen: dict[str, None] = {}
        for names in self.clip_names(phrase):
            for name in names:
                if not self.has(name):
                    seen[f"{name}.wav"] = None
        return list(seen)

    def clip(self, name: str) -> array.array:
        """One clip as mono 16-bit samples at the announcement rate (converted, trimmed, cached)."""
        path = self.path(name)
        try:
            mtime = os.stat(path).st_mtime
        except FileNotFoundError:
            raise ClipError(f"Thiếu đoạn ghi âm / missing clip {path}") from None
        with self._lock:
            cached = self._cache.get(name)
        if cached and cached[0] == mtime:
            return cached[1]
        samples = wavutil.read_wav(path)
        if self.trim:
            samples = wavutil.trim(samples)
        if not samples:
            raise ClipError(f"Đoạn ghi âm {path} im lặng / clip {path} is silent")
        with self._lock:
            self._cache[name] = (mtime, samples)
        return samples

    def chime(self) -> array.array | None:
        """The folder's ``chime.wav`` (untrimmed: its decay is part of the sound), if any."""
        path = self.path("chime")
        return wavutil.read_wav(path) if path.is_file() else None

    def samples(self, phrase: Phrase) -> array.array:
        """The phrase joined from clips; :class:`ClipError` names every missing file."""
        if not self.directory.is_dir():
            raise ClipError(
                f"Không thấy thư mục đoạn ghi âm / clip folder not found: {self.directory}"
            )
        missing = self.missing(phrase)
        if missing:
            raise ClipError(
                f"Thiếu đoạn ghi âm trong / missing clips in {self.directory}: {', '.join(missing)}"
            )
        token_gap = wavutil.silence(self.token_gap_ms)
        word_gap = wavutil.silence(self.word_gap_ms)
        out = array.array("h")
        for i, names in enumerate(self.clip_names(phrase)):
            if i:
                out += token_gap
            for j, name in enumerate(names):
                if j:
                    out += word_gap
                out += self.clip(name)
        return out
