"""Languages are data: English comes from the shipped catalog, a third one from a file a site drops."""

from __future__ import annotations

import pytest
from locale_sample import SAMPLE_LANG, drop_sample_language
from playwright.sync_api import expect

from services import translations


@pytest.fixture
def site_locale(tmp_path, monkeypatch):
    """The site's locale folder holding the sample language, set before ``onestop web`` starts."""
    folder = drop_sample_language(tmp_path / "locale")
    monkeypatch.setenv(translations.ENV_DIR, str(folder))
    translations.reload()
    yield folder
    translations.reload()


def test_every_web_text_has_an_english_translation():
    from web.i18n import SOURCE, TEXTS

    english = TEXTS["en"]
    untranslated = [key for key, text in SOURCE.items() if english[key] == text and text != "—"]
    assert untranslated == []
    assert english["now_calling"] == "Now calling"


def test_a_dropped_language_file_shows_on_the_board_page(site_locale, web_server, tv):
    assert SAMPLE_LANG in translations.available_languages()
    tv.goto(web_server.url + f"/board?lang={SAMPLE_LANG}")
    expect(tv.locator("body")).to_contain_text("[hmn] No number called yet")
    expect(tv.locator("html")).to_have_attribute("lang", SAMPLE_LANG)
    tv.goto(web_server.url + f"/?lang={SAMPLE_LANG}")
    # a text the sample does not translate falls back to Vietnamese, never to an empty string
    expect(tv.locator("body")).to_contain_text("Đặt lịch hẹn trước")
