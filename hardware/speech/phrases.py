"""Turn a call (ticket code + counter) into what the hall hears.

The result is a :class:`Phrase`: the text handed to the speech engine AND the
same content as a list of tokens (template parts, letters, digits, numbers)
that recorded-clip mode maps to file names.  One builder for both modes means
the synthesized voice and a site's recorded voice always say the same thing.

Why digit by digit by default: espeak-ng's Vietnamese reads "15" as "mười
năm" (should be "mười lăm"), clips "năm" in 51/52 and makes "mươi" sound like
"mười" (measured with espeak-ng).  Spelled-out words ("a, không, một, năm") are
read correctly, and that is also how queue systems in Vietnam usually call.
Whole numbers are an option (``whole_numbers=True``); they are then written
out as Vietnamese words here (mười, mươi, mốt, lăm, linh/lẻ, trăm, nghìn)
rather than left to espeak-ng's number reading.

Counter numbers are short and familiar ("quầy số ba", "quầy số mười hai"), so
in digit mode they are still read whole up to :data:`COUNTER_WHOLE_MAX`
(19: no "mươi" involved), digit by digit above it.
"""

from __future__ import annotations

import string
import unicodedata
from dataclasses import dataclass
from typing import Literal

from hardware.speech.errors import PhraseError

LANGS = ("vi", "en")

DEFAULT_TEMPLATES = {
    "vi": "Mời công dân có số thứ tự {code} đến quầy số {counter}",
    "en": "Ticket {code}, please go to counter {counter}",
}

#: the common Vietnamese reading of letters used when calling numbers aloud.
VI_LETTERS = {
    "A": "a", "Ă": "á", "Â": "ớ", "B": "bê", "C": "xê", "D": "dê", "Đ": "đê",
    "E": "e", "Ê": "ê", "F": "ép", "G": "giê", "H": "hát", "I": "i", "J": "gi",
    "K": "ca", "L": "e-lờ", "M": "em-mờ", "N": "en-nờ", "O": "o", "Ô": "ô",
    "Ơ": "ơ", "P": "pê", "Q": "quy", "R": "e-rờ", "S": "ét-xì", "T": "tê",
    "U": "u", "Ư": "ư", "V": "vê", "W": "vê kép", "X": "ích-xì", "Y": "i dài",
    "Z": "dét",
}
#: English letters: espeak-ng reads a lone capital letter by its name ("A" -> /eI/);
#: spelled forms like "ay" would be misread, so the letter itself is the spoken form.
EN_LETTERS = {c: c for c in string.ascii_uppercase}

VI_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
EN_DIGITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_EN_TEENS = ("ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
             "seventeen", "eighteen", "nineteen")
_EN_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")

#: in digit mode, counters up to this number are still read as a whole number.
COUNTER_WHOLE_MAX = 19
#: characters a ticket code may contain besides letters and digits; they are not spoken.
CODE_SEPARATORS = " -_./"
#: the longest ticket code we agree to read (a longer one is a caller's bug).
MAX_CODE_LENGTH = 16

TokenKind = Literal["text", "letter", "digit", "number"]


@dataclass(frozen=True)
class Token:
    """One unit of an announcement.

    ``kind``: ``text`` (a literal part of the template), ``letter``, ``digit``
    or ``number`` (a whole number); ``value``: the template text, the letter,
    the digit or the number as written; ``words``: what is said for it.
    """

    kind: TokenKind
    value: str
    words: tuple[str, ...]

    @property
    def spoken(self) -> str:
        return " ".join(self.words)


@dataclass(frozen=True)
class Phrase:
    """What is said for one call: the engine text and the same as tokens."""

    lang: str
    text: str
    tokens: tuple[Token, ...]


def number_words_vi(n: int, *, zero_word: str = "linh") -> list[str]:
    """Vietnamese words for ``n`` (0 <= n < 10**12).

    15 -> mười lăm, 21 -> hai mươi mốt, 24 -> hai mươi bốn, 105 -> một trăm
    linh năm (``zero_word="lẻ"`` for the southern reading), 1005 -> một nghìn
    không trăm linh năm.
    """
    if n < 0 or n >= 10**12:
        raise PhraseError(f"Số ngoài phạm vi / number out of range: {n}")
    if n == 0:
        return [VI_DIGITS[0]]
    groups: list[int] = []
    while n:
        n, rest = divmod(n, 1000)
        groups.append(rest)
    scale = ("", "nghìn", "triệu", "tỷ")
    words: list[str] = []
    for i in range(len(groups) - 1, -1, -1):
        group = groups[i]
        if group == 0:
            continue
        words += _below_1000_vi(group, full=bool(words), zero_word=zero_word)
        if scale[i]:
            words.append(scale[i])
    return words


def _below_1000_vi(n: int, *, full: bool, zero_word: str) -> list[str]:
    """One group of three digits; ``full`` when a bigger group precedes it (không trăm, linh)."""
    hundreds, rest = divmod(n, 100)
    tens, units = divmod(rest, 10)
    words: list[str] = []
    if hundreds or full:
        words += [VI_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units:
            if hundreds or full:
                words.append(zero_word)
            words.append(VI_DIGITS[units])
    elif tens == 1:
        words.append("mười")
        if units == 5:
            words.append("lăm")
        elif units:
            words.append(VI_DIGITS[units])
    else:
        words += [VI_DIGITS[tens], "mươi"]
        if units == 1:
            words.append("mốt")
        elif units == 5:
            words.append("lăm")
        elif units:
            words.append(VI_DIGITS[units])
    return words


def number_words_en(n: int) -> list[str]:
    """English words for ``n`` (0 <= n < 10**12): 15 -> fifteen, 105 -> one hundred five."""
    if n < 0 or n >= 10**12:
        raise PhraseError(f"number out of range: {n}")
    if n == 0:
        return [EN_DIGITS[0]]
    words: list[str] = []
    for size, name in ((10**9, "billion"), (10**6, "million"), (1000, "thousand")):
        if n >= size:
            words += number_words_en(n // size) + [name]
            n %= size
    if n >= 100:
        words += [EN_DIGITS[n // 100], "hundred"]
        n %= 100
    if n >= 20:
        words.append(_EN_TENS[n // 10] + (f"-{EN_DIGITS[n % 10]}" if n % 10 else ""))
    elif n >= 10:
        words.append(_EN_TEENS[n - 10])
    elif n:
        words.append(EN_DIGITS[n])
    return words


def _digit_words(lang: str) -> tuple[str, ...]:
    return VI_DIGITS if lang == "vi" else EN_DIGITS


def _number_token(n: int, lang: str, zero_word: str) -> Token:
    words = number_words_vi(n, zero_word=zero_word) if lang == "vi" else number_words_en(n)
    return Token("number", str(n), tuple(words))


def _letter_token(letter: str, lang: str) -> Token:
    names = VI_LETTERS if lang == "vi" else EN_LETTERS
    name = names.get(letter)
    if name is None:
        raise PhraseError(
            f"Không đọc được chữ {letter!r} trong số thứ tự / cannot read letter {letter!r} of the ticket code"
        )
    return Token("letter", letter, (name,))


def code_tokens(code: str, lang: str = "vi", *, whole_numbers: bool = False,
                zero_word: str = "linh") -> list[Token]:
    """Tokens for a ticket code: prefix letters by name, then the number.

    "A015" -> letter A, digits 0 1 5 (or, with ``whole_numbers``, the number
    15: the zero padding is for print, not for speech).  Only the LAST run of
    digits is the ticket number; any other digits (an unusual prefix such as
    "B2") are read one by one.  Separators (:data:`CODE_SEPARATORS`) are skipped;
    any other symbol is refused rather than silently dropped.
    """
    lang = _check_lang(lang)
    text = unicodedata.normalize("NFC", str(code)).strip().upper()
    if not text or len(text) > MAX_CODE_LENGTH:
        raise PhraseError(f"Số thứ tự không hợp lệ / invalid ticket code: {code!r}")
    runs: list[tuple[bool, str]] = []  # (is_digit_run, chars)
    for ch in text:
        if ch.isdigit() and ch.isascii():
            kind = True
        elif ch.isalpha():
            kind = False
        elif ch in CODE_SEPARATORS:
            continue
        else:
            raise PhraseError(f"Số thứ tự không hợp lệ / invalid ticket code: {code!r}")
        if runs and runs[-1][0] == kind and kind:
            runs[-1] = (kind, runs[-1][1] + ch)
        else:
            runs.append((kind, ch))
    if not runs:
        raise PhraseError(f"Số thứ tự không hợp lệ / invalid ticket code: {code!r}")
    last_digits = max((i for i, (is_digit, _) in enumerate(runs) if is_digit), default=None)
    digits = _digit_words(lang)
    tokens: list[Token] = []
    for i, (is_digit, chars) in enumerate(runs):
        if not is_digit:
            tokens.append(_letter_token(chars, lang))
        elif whole_numbers and i == last_digits:
            tokens.append(_number_token(int(chars), lang, zero_word))
        else:
            tokens += [Token("digit", d, (digits[int(d)],)) for d in chars]
    return tokens


def counter_tokens(counter: int, lang: str = "vi", *, whole_numbers: bool = False,
                   zero_word: str = "linh") -> list[Token]:
    """Tokens for a counter number: whole when small (or always with ``whole_numbers``)."""
    lang = _check_lang(lang)
    number = _counter_number(counter)
    if whole_numbers or number <= COUNTER_WHOLE_MAX:
        return [_number_token(number, lang, zero_word)]
    digits = _digit_words(lang)
    return [Token("digit", d, (digits[int(d)],)) for d in str(number)]


def _counter_number(counter: int | str) -> int:
    """Counter numbers are positive integers (docs/interfaces.md §2); "3" is accepted too."""
    text = str(counter).strip()
    if isinstance(counter, bool) or not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise PhraseError(f"Số quầy không hợp lệ / invalid counter number: {counter!r}")
    return int(text)


def template_parts(template: str) -> list[tuple[str, str | None]]:
    """Split a template into (literal text, field name or None) pairs, validating it.

    Only ``{code}`` and ``{counter}`` exist; ``{code}`` is required (an
    announcement that does not say the number is useless).  Refused templates
    raise :class:`PhraseError` naming the problem.
    """
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise PhraseError(f"Mẫu câu thông báo sai / invalid announcement template {template!r}: {exc}") from None
    fields = []
    for _literal, field, spec, conversion in parsed:
        if field is None:
            continue
        if field not in ("code", "counter") or spec or conversion:
            raise PhraseError(
                f"Mẫu câu chỉ được dùng {{code}} và {{counter}} / the template may only use "
                f"{{code}} and {{counter}}, found {{{field}}} in {template!r}"
            )
        fields.append(field)
    if "code" not in fields:
        raise PhraseError(f"Mẫu câu phải có {{code}} / the template must contain {{code}}: {template!r}")
    return [(literal, field) for literal, field, _spec, _conv in parsed]


def build_phrase(code: str, counter: int, *, lang: str = "vi", template: str | None = None,
                 whole_numbers: bool = False, zero_word: str = "linh") -> Phrase:
    """The phrase for one call.

    >>> build_phrase("A015", 3).text
    'Mời công dân có số thứ tự a, không, một, năm đến quầy số ba'

    The code's parts are joined with ", " so the engine pauses between
    letters/digits the way a person calling numbers does.
    """
    lang = _check_lang(lang)
    template = template or DEFAULT_TEMPLATES[lang]
    parts = template_parts(template)
    code_toks = code_tokens(code, lang, whole_numbers=whole_numbers, zero_word=zero_word)
    counter_toks = counter_tokens(counter, lang, whole_numbers=whole_numbers, zero_word=zero_word)
    text: list[str] = []
    tokens: list[Token] = []
    for literal, field in parts:
        if literal:
            text.append(literal)
            if literal.strip(" \t\n,.;:!?-–"):
                tokens.append(Token("text", literal.strip(), (literal.strip(),)))
        if field == "code":
            text.append(", ".join(t.spoken for t in code_toks))
            tokens += code_toks
        elif field == "counter":
            text.append(", ".join(t.spoken for t in counter_toks))
            tokens += counter_toks
    return Phrase(lang=lang, text=" ".join("".join(text).split()), tokens=tuple(tokens))


def _check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise PhraseError(f"Ngôn ngữ không hỗ trợ / unsupported language {lang!r} (vi, en)")
    return lang
