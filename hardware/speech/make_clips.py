"""Generate a recorded-clip folder from espeak-ng.

    python -m hardware.speech.make_clips OUT_DIR [--lang vi|en] [--voice V] [--rate WPM] [--template T]

Why: clip mode must work out of the box (``assets/voice/vi`` is made with
this), and a site that records a human voice needs the exact list of files
and what each one says.  Besides the WAVs it writes ``clips.txt``
("file<TAB>text to say"), the script for the voice talent.  Clips are
trimmed of silence (the joiner adds even gaps) to keep the folder small.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hardware.speech import wavutil
from hardware.speech.chime import write_chime
from hardware.speech.clips import VI_WORD_CLIPS, letter_clip, slug
from hardware.speech.errors import SpeechError
from hardware.speech.phrases import (
    DEFAULT_TEMPLATES,
    EN_DIGITS,
    EN_LETTERS,
    VI_DIGITS,
    VI_LETTERS,
    template_parts,
)
from hardware.speech.synth import DEFAULT_RATE, DEFAULT_VOICES, Synthesizer

#: letters shipped: the Latin alphabet plus Đ (ticket prefixes are A-Z in practice).
VI_SHIPPED_LETTERS = [*"ABCDEFGHIJKLMNOPQRSTUVWXYZ", "Đ"]
EN_WORDS = ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
            "eighteen", "nineteen", "twenty", "thirty", "forty", "fifty", "sixty", "seventy",
            "eighty", "ninety", "hundred", "thousand"]


def clip_texts(lang: str = "vi", template: str | None = None) -> dict[str, str]:
    """Clip name -> text to say, for every clip an announcement in ``lang`` may need."""
    texts: dict[str, str] = {}
    for literal, _field in template_parts(template or DEFAULT_TEMPLATES[lang]):
        part = literal.strip(" \t\n,.;:!?-–")
        if part:
            texts[slug(part)] = part
    digits = VI_DIGITS if lang == "vi" else EN_DIGITS
    texts.update({f"digit_{i}": word for i, word in enumerate(digits)})
    if lang == "vi":
        texts.update({letter_clip(c): VI_LETTERS[c] for c in VI_SHIPPED_LETTERS})
        texts.update({clip: word for word, clip in VI_WORD_CLIPS.items()})
    else:
        texts.update({letter_clip(c): EN_LETTERS[c] for c in EN_LETTERS})
        texts.update({f"word_{w}": w for w in EN_WORDS})
    return texts


def make_clips(out_dir: str | Path, *, lang: str = "vi", voice: str | None = None,
               rate: int = DEFAULT_RATE, template: str | None = None) -> list[Path]:
    """Write every clip of ``lang`` (plus ``chime.wav`` and ``clips.txt``) into ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    synth = Synthesizer(voice=voice or DEFAULT_VOICES[lang], rate=rate)
    written = [write_chime(out / "chime.wav")]
    texts = clip_texts(lang, template)
    for name, text in texts.items():
        samples = wavutil.trim(synth.samples(text))
        written.append(wavutil.write_wav(out / f"{name}.wav", samples))
    listing = ["# file\ttext to say (22050 Hz mono 16-bit PCM WAV; see docs/voice.md)", "chime.wav\t(chime)"]
    listing += [f"{name}.wav\t{text}" for name, text in texts.items()]
    (out / "clips.txt").write_text("\n".join(listing) + "\n", encoding="utf-8")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hardware.speech.make_clips",
                                     description="Generate announcement clips with espeak-ng.")
    parser.add_argument("out_dir", help="folder to write the clips into")
    parser.add_argument("--lang", choices=("vi", "en"), default="vi")
    parser.add_argument("--voice", help="espeak-ng voice (default: vi / en)")
    parser.add_argument("--rate", type=int, default=DEFAULT_RATE, help="words per minute")
    parser.add_argument("--template", help="announcement template whose parts need clips")
    args = parser.parse_args(argv)
    try:
        written = make_clips(args.out_dir, lang=args.lang, voice=args.voice, rate=args.rate, template=args.template)
    except SpeechError as exc:
        print(f"make_clips: {exc}", file=sys.stderr)
        return exc.exit_code
    size = sum(p.stat().st_size for p in written)
    print(f"{len(written)} clips, {size / 1024:.0f} KiB -> {args.out_dir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
