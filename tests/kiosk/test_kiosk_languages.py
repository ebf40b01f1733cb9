"""A language a site drops in (a .mo file, no code change) is one more stop of the kiosk's language button."""

from __future__ import annotations

from kiosk_helpers import click
from locale_sample import SAMPLE_LANG, use_sample_language

from kiosk_app import texts
from services import translations

JUSTICE = "field:Tư pháp - Hộ tịch"


def test_a_dropped_language_is_offered_after_english_and_shows_its_texts(kiosk, simulator, qtbot, clock, tmp_path,
                                                                          monkeypatch):
    use_sample_language(tmp_path, monkeypatch)
    assert translations.available_languages() == ("vi", "en", SAMPLE_LANG)
    k = kiosk(simulator.url, epoch=clock(9, 30))
    window = k.window
    click(qtbot, window.language)
    k.wait_for(lambda s: s.lang == "en")
    assert window.language.text() == "Hmoob"              # the button names the language it goes to
    click(qtbot, window.language)
    k.wait_for(lambda s: s.lang == SAMPLE_LANG)
    assert window.home.title.text() == "[hmn] Please choose a service"
    assert window.tile_button(JUSTICE).text() == "[hmn] Justice - Civil status"     # site data, from the same file
    assert window.tile_button("field:Kinh doanh").text() == "Kinh doanh"     # not in the sample: Vietnamese
    assert k.state.lang == SAMPLE_LANG and "[hmn]" in texts.waiting(3).get(SAMPLE_LANG)     # plural form of the file
    assert window.language.text() == "Tiếng Việt"
    click(qtbot, window.language)
    k.wait_for(lambda s: s.lang == "vi")
    assert window.home.title.text() == "Mời chọn lĩnh vực cần giải quyết"
