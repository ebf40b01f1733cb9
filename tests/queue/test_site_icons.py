"""Kiosk pictograms and the one-tap service in the site TOML: good values kept, bad ones named by file:line:field."""

from __future__ import annotations

from pathlib import Path

import pytest

from db.errors import ConfigError
from db.site_config import ICON_NAMES, parse_site_text
from hardware.speech import wavutil
from hardware.speech.guidance import Guidance, clips_folder, render

ROOT = Path(__file__).resolve().parents[2]
SITE = (ROOT / "db" / "example_site.toml").read_text(encoding="utf-8")


def test_every_shipped_icon_name_has_its_svg():
    for name in ICON_NAMES:
        assert (ROOT / "assets" / "icons" / f"{name}.svg").read_text().lstrip().startswith("<svg")


def test_the_example_site_gives_each_field_and_service_a_pictogram():
    config = parse_site_text(SITE, "site.toml")
    assert config.icons["services"]["DD"] == "land"
    assert config.icons["groups"]["Tư pháp - Hộ tịch"] == "justice"


def test_an_unknown_icon_name_is_refused_with_file_line_and_field():
    text = SITE.replace('icon = "land"\n', 'icon = "lnad"\n', 1)
    line = text.splitlines().index('icon = "lnad"') + 1
    with pytest.raises(ConfigError) as caught:
        parse_site_text(text, "site.toml")
    assert (caught.value.path, caught.value.line, caught.value.field) == ("site.toml", line, "services[2].icon")
    assert "lnad" in caught.value.problem


def test_a_sites_own_svg_is_read_relative_to_the_file_and_a_non_svg_refused(tmp_path):
    (tmp_path / "mine.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 9 9"/>')
    (tmp_path / "bad.svg").write_text("not an image")
    config = parse_site_text(SITE.replace('icon = "land"\n', 'icon = "mine.svg"\n', 1), "s.toml", base_dir=tmp_path)
    assert config.icons["services"]["DD"].startswith("<svg")
    with pytest.raises(ConfigError, match="not an SVG"):
        parse_site_text(SITE.replace('icon = "land"\n', 'icon = "bad.svg"\n', 1), "s.toml", base_dir=tmp_path)


def test_quick_service_must_name_a_service_of_the_file():
    assert parse_site_text(SITE + '', "s.toml").kiosk["quick_service"] == "auto"
    with pytest.raises(ConfigError) as caught:
        parse_site_text(SITE.replace("allow_priority = true", 'allow_priority = true\nquick_service = "ZZ"'), "s.toml")
    assert caught.value.field == "kiosk.quick_service"


def test_guidance_uses_the_sites_clip_folder_only_when_it_holds_every_clip(tmp_path):
    guidance = Guidance("vi", (("text", "Xin chào"), ("text", "Đất đai")))
    folder = tmp_path / "vi"
    folder.mkdir()
    tone = wavutil.silence(0) + __import__("array").array("h", [8000, -8000] * 2205)   # 0.2 s, audible
    wavutil.write_wav(folder / "xin_chao.wav", tone)
    assert clips_folder(guidance, [tmp_path]) is None                      # "dat_dai.wav" missing: tts
    wavutil.write_wav(folder / "dat_dai.wav", tone)
    assert clips_folder(guidance, [tmp_path]) == folder
    assert render(guidance, tmp_path / "out.wav", dirs=[tmp_path]) == "clips"
    assert wavutil.wav_info(tmp_path / "out.wav")[3] > 0.4
