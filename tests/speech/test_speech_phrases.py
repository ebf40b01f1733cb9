"""What the hall hears for a call: letters by their Vietnamese names, numbers digit by digit or whole."""

from __future__ import annotations

import pytest

from hardware.speech.errors import PhraseError
from hardware.speech.phrases import build_phrase, code_tokens, counter_tokens, number_words_en, number_words_vi


def spoken(tokens) -> list[str]:
    return [t.spoken for t in tokens]


def test_default_vietnamese_phrase_reads_the_code_digit_by_digit():
    assert build_phrase("A015", 3).text == "Mời công dân có số thứ tự a, không, một, năm đến quầy số ba"


def test_default_english_phrase_uses_english_letters_and_digits():
    assert build_phrase("A015", 3, lang="en").text == "Ticket A, zero, one, five, please go to counter three"


@pytest.mark.parametrize("letter, name", [
    ("A", "a"), ("B", "bê"), ("C", "xê"), ("D", "dê"), ("Đ", "đê"), ("E", "e"), ("G", "giê"),
    ("H", "hát"), ("K", "ca"), ("L", "e-lờ"), ("M", "em-mờ"), ("N", "en-nờ"), ("P", "pê"),
    ("Q", "quy"), ("R", "e-rờ"), ("S", "ét-xì"), ("T", "tê"), ("V", "vê"), ("X", "ích-xì"),
])
def test_prefix_letters_are_read_by_their_vietnamese_names(letter, name):
    assert spoken(code_tokens(f"{letter}1"))[0] == name


def test_lower_case_codes_are_read_like_upper_case():
    assert spoken(code_tokens("đ007")) == ["đê", "không", "không", "bảy"]


def test_two_letter_prefix_is_spelled_letter_by_letter():
    assert spoken(code_tokens("AB12")) == ["a", "bê", "một", "hai"]


def test_whole_number_option_drops_the_zero_padding():
    assert spoken(code_tokens("A015", whole_numbers=True)) == ["a", "mười lăm"]


@pytest.mark.parametrize("n, words", [
    (0, "không"), (5, "năm"), (10, "mười"), (11, "mười một"), (14, "mười bốn"), (15, "mười lăm"),
    (20, "hai mươi"), (21, "hai mươi mốt"), (25, "hai mươi lăm"), (55, "năm mươi lăm"),
    (100, "một trăm"), (101, "một trăm linh một"), (105, "một trăm linh năm"), (110, "một trăm mười"),
    (111, "một trăm mười một"), (115, "một trăm mười lăm"), (121, "một trăm hai mươi mốt"),
    (999, "chín trăm chín mươi chín"), (1000, "một nghìn"), (1005, "một nghìn không trăm linh năm"),
    (2010, "hai nghìn không trăm mười"), (1500, "một nghìn năm trăm"),
])
def test_vietnamese_number_words(n, words):
    assert " ".join(number_words_vi(n)) == words


def test_southern_reading_uses_le_for_the_zero_tens():
    assert " ".join(number_words_vi(105, zero_word="lẻ")) == "một trăm lẻ năm"


@pytest.mark.parametrize("n, words", [(15, "fifteen"), (21, "twenty-one"), (105, "one hundred five"),
                                      (0, "zero"), (1200, "one thousand two hundred")])
def test_english_number_words(n, words):
    assert " ".join(number_words_en(n)) == words


def test_small_counters_are_read_whole_and_large_ones_digit_by_digit():
    assert spoken(counter_tokens(3)) == ["ba"]
    assert spoken(counter_tokens(12)) == ["mười hai"]
    assert spoken(counter_tokens(21)) == ["hai", "một"]
    assert spoken(counter_tokens(21, whole_numbers=True)) == ["hai mươi mốt"]


def test_whole_numbers_phrase():
    assert build_phrase("C105", 21, whole_numbers=True).text == (
        "Mời công dân có số thứ tự xê, một trăm linh năm đến quầy số hai mươi mốt")


def test_site_template_is_used_and_may_omit_the_counter():
    phrase = build_phrase("B002", 4, template="Xin mời số {code}, đến quầy {counter}, xin cảm ơn")
    assert phrase.text == "Xin mời số bê, không, không, hai, đến quầy bốn, xin cảm ơn"
    assert build_phrase("B002", 4, template="Số {code}").text == "Số bê, không, không, hai"


def test_tokens_follow_the_template_order():
    tokens = build_phrase("A015", 3).tokens
    assert [(t.kind, t.value) for t in tokens] == [
        ("text", "Mời công dân có số thứ tự"), ("letter", "A"), ("digit", "0"), ("digit", "1"),
        ("digit", "5"), ("text", "đến quầy số"), ("number", "3")]


@pytest.mark.parametrize("template", ["Mời {name} đến quầy {counter}", "Đến quầy {counter}", "Số {code:>4}",
                                      "Số {code"])
def test_bad_templates_are_refused(template):
    with pytest.raises(PhraseError):
        build_phrase("A001", 1, template=template)


@pytest.mark.parametrize("code, counter", [("", 1), ("---", 1), ("A001", 0), ("A001", -2), ("A001", "x"),
                                           ("A" * 40, 1), ("A€1", 1)])
def test_bad_codes_and_counters_are_refused(code, counter):
    with pytest.raises(PhraseError):
        build_phrase(code, counter)


def test_unknown_language_is_refused():
    with pytest.raises(PhraseError):
        build_phrase("A001", 1, lang="fr")
