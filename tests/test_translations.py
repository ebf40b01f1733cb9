"""The shipped catalogs are compiled and complete, and the search order lets a site override a text."""

from __future__ import annotations

import subprocess

import pytest
from locale_sample import SAMPLE_LANG, use_sample_language

from services import translations
from tools import i18n


def test_shipped_mo_files_are_current_and_every_keyed_text_has_english(capsys):
    assert i18n.check() == 0, capsys.readouterr().out


def test_english_counts_with_two_forms_and_vietnamese_is_the_source():
    assert translations.trn("en", "{n} người đang chờ", 1) == "1 person waiting"
    assert translations.trn("en", "{n} người đang chờ", 4) == "4 people waiting"
    assert translations.trn("vi", "{n} người đang chờ", 4) == "4 người đang chờ"
    assert translations.tr("en", "Ngoài giờ làm việc", context="reason") == "Closed now"


def test_a_site_file_adds_a_language_and_untranslated_texts_stay_vietnamese(tmp_path, monkeypatch):
    use_sample_language(tmp_path, monkeypatch)
    assert translations.available_languages() == ("vi", "en", SAMPLE_LANG)
    assert translations.language_name(SAMPLE_LANG) == "Hmoob"
    assert translations.next_language("en") == SAMPLE_LANG and translations.next_language(SAMPLE_LANG) == "vi"
    assert translations.tr(SAMPLE_LANG, "Đang mời") == "[hmn] Now calling"
    assert translations.tr(SAMPLE_LANG, "Tạm dừng") == "Tạm dừng"


def test_an_error_shows_in_the_language_of_the_screen(tmp_path, monkeypatch):
    from db.errors import NotFound
    from ui_common.errors import error_text

    use_sample_language(tmp_path, monkeypatch)
    exc = NotFound("Đang mời", "Now calling")
    assert error_text(exc, "vi") == "Đang mời" and error_text(exc, "en") == "Now calling"
    assert error_text(exc, SAMPLE_LANG) == "[hmn] Now calling"
    assert error_text(NotFound("Lỗi lạ", "Odd"), SAMPLE_LANG) == "Lỗi lạ"


def test_the_hall_display_shows_vietnamese_over_a_second_language_a_site_may_choose(tmp_path, monkeypatch, qapp):
    from db.errors import InvalidInput
    from ui_common import i18n

    use_sample_language(tmp_path, monkeypatch)
    assert i18n.both_line("Đang chờ") == "Đang chờ / Waiting"             # Vietnamese programs: English under it
    i18n.set_language(SAMPLE_LANG)                                         # what `onestop display --lang hmn` does
    assert i18n.both_line("Đang chờ") == "Đang chờ / [hmn] Waiting"
    assert i18n.both_line("Tạm dừng") == "Tạm dừng"                        # not in the sample: one text, not twice
    assert i18n._("Đang chờ") == "[hmn] Waiting"
    with pytest.raises(InvalidInput):
        i18n.set_language("zz")
    assert i18n.language() == SAMPLE_LANG


def test_a_dropped_translation_with_a_wrong_placeholder_shows_vietnamese_rather_than_breaking(tmp_path, monkeypatch):
    folder = tmp_path / "locale" / "xx" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po = folder / "onestop.po"
    po.write_text('msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                  'msgid "Đã gọi số {code}"\nmsgstr "Called {kode"\n', encoding="utf-8")
    subprocess.run(["msgfmt", "-o", str(folder / "onestop.mo"), str(po)], check=True)
    monkeypatch.setenv(translations.ENV_DIR, str(tmp_path / "locale"))
    translations.reload()
    assert "xx" in translations.available_languages()
    assert translations.tr("xx", "Đã gọi số {code}", code="A012") == "Đã gọi số A012"
