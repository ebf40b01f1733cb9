"""Everyone can use the kiosk: spoken guidance, the one-tap tile, pictograms, large text, high contrast.

Real window, real clicks, real database, the printer simulator; the Listen button renders a real
WAV (espeak-ng, or the site's clip folder) and plays it through a sink that records what it got.
"""

from __future__ import annotations

import array
import shutil
from pathlib import Path

import pytest
from kiosk_helpers import SITE_TOML, click, load_site, next_tick
from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QColor

from db import queue
from db.site import import_site
from db.site_config import parse_site_text
from hardware.speech import wavutil
from hardware.speech.qt_player import WavPlayer, default_player
from kiosk_app.controller import Screen
from kiosk_app.look import LARGE_TEXT_SCALE, icon_image, svg_renderer
from kiosk_app.spoken import screen_guidance

JUSTICE = "field:Tư pháp - Hộ tịch"
LAND = "field:Đất đai - Xây dựng"
needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng not installed")


class SinkPlayer(WavPlayer):
    """A player that plays nothing: it records each WAV (checked readable when handed over) and
    finishes only when told to, or at once with ``auto_finish``."""

    def __init__(self, parent: QObject | None = None, *, auto_finish: bool = False) -> None:
        super().__init__(parent)
        self.auto_finish = auto_finish
        self.played: list[tuple[str, float]] = []
        self.stops = 0
        self.active = False

    def play(self, path: str) -> None:
        assert not self.active, "a second play before the first finished"
        self.played.append((path, wavutil.wav_info(path)[3]))    # a real WAV file, its duration
        self.active = True
        self.started.emit()
        if self.auto_finish:
            QTimer.singleShot(0, self.finish)

    def finish(self) -> None:
        if self.active:
            self.active = False
            self.finished.emit("")

    def stop(self) -> None:
        if self.active:
            self.stops += 1
            self.active = False
            self.finished.emit("stopped")


def _spoken(k):
    """Record every (guidance, path, mode) the kiosk plays."""
    heard: list = []
    k.speaker.playing.connect(lambda guidance, path, mode: heard.append((guidance, path, mode)))
    return heard


def _site(tmp_path: Path, extra: str = "", **replace: str) -> None:
    text = SITE_TOML
    for old, new in replace.items():
        text = text.replace(old, new)
    path = tmp_path / "site.toml"
    path.write_text(text + extra, encoding="utf-8")
    import_site(parse_site_text(path.read_text(encoding="utf-8"), str(path), base_dir=tmp_path))


# ---------------------------------------------------------------- spoken guidance

@needs_espeak
def test_listen_reads_the_home_screens_choices_aloud_into_a_real_wav(kiosk, simulator, qtbot, clock):
    sink = SinkPlayer(auto_finish=True)
    k = kiosk(simulator.url, epoch=clock(9, 30), player=sink)
    heard = _spoken(k)
    window = k.window
    assert window.access.listen.isVisible() and window.access.listen.text() == "Nghe hướng dẫn"
    click(qtbot, window.access.listen)
    qtbot.waitUntil(lambda: len(sink.played) == 1, timeout=20000)
    guidance, path, mode = heard[0]
    # what is read is what the screen offers: its question, every tile by its name, the priority button
    home = window.home
    assert guidance.lang == "vi" and mode == "tts"
    assert list(guidance.texts) == [home.title.text(), *(b.text() for b in home.buttons.values()),
                                    window.priority.text(), window.priority.detail]
    assert "Tư pháp - Hộ tịch" in guidance.texts and "Tiếp nhận phản ánh, kiến nghị" in guidance.texts
    assert sink.played[0][0] == path and sink.played[0][1] > 3.0          # ~a dozen texts: seconds of speech
    k.wait_for(lambda s: not s.speaking)                                   # played to the end: the button is back
    assert window.access.listen.text() == "Nghe hướng dẫn"


def test_listen_uses_the_sites_clips_in_the_current_language(kiosk, simulator, qtbot, clock, tmp_path, monkeypatch):
    """English services screen, read from a clip folder the site dropped in (no espeak-ng needed)."""
    sink = SinkPlayer(auto_finish=True)
    k = kiosk(simulator.url, epoch=clock(9, 30), player=sink)
    heard = _spoken(k)
    window = k.window
    click(qtbot, window.language)
    k.wait_for(lambda s: s.lang == "en")
    k.pass_guards()
    click(qtbot, window.tile_button(LAND))
    state = k.wait_for(lambda s: s.screen is Screen.SERVICES)
    tone = array.array("h", [6000, -6000] * 2205)                          # 0.2 s per clip, audible
    folder = tmp_path / "voice" / "en"
    folder.mkdir(parents=True)
    needed = screen_guidance(state).clip_names()
    for name in needed:
        wavutil.write_wav(folder / f"{name}.wav", tone)
    monkeypatch.setenv("ONESTOP_VOICE_DIR", str(tmp_path / "voice"))
    assert window.access.listen.text() == "Listen"
    click(qtbot, window.access.listen)
    qtbot.waitUntil(lambda: len(sink.played) == 1, timeout=10000)
    guidance, _path, mode = heard[0]
    assert mode == "clips" and guidance.lang == "en"
    assert list(guidance.texts) == ["Land - Construction", "Please choose the procedure", "Land administration",
                                    "Construction permits", "Back"]
    assert sink.played[0][1] >= 0.2 * len(needed)                          # every clip is in the WAV


def test_a_second_tap_stops_the_reading_and_a_third_reads_again(kiosk, simulator, qtbot, clock, tmp_path,
                                                                monkeypatch):
    monkeypatch.setattr("hardware.speech.guidance.render", _tone_render)
    sink = SinkPlayer()                                                     # plays until stopped
    k = kiosk(simulator.url, epoch=clock(9, 30), player=sink)
    window = k.window
    click(qtbot, window.access.listen)
    qtbot.waitUntil(lambda: sink.active, timeout=10000)
    k.wait_for(lambda s: s.speaking)
    assert window.access.listen.text() == "Dừng đọc"
    click(qtbot, window.access.listen)
    k.wait_for(lambda s: not s.speaking)
    assert sink.stops == 1 and not sink.active
    click(qtbot, window.access.listen)
    qtbot.waitUntil(lambda: len(sink.played) == 2, timeout=10000)
    assert sink.played[1][0] == sink.played[0][0]                          # the same screen: the WAV is reused
    # moving on stops the old screen's reading
    k.pass_guards()
    click(qtbot, window.tile_button(JUSTICE))
    k.wait_for(lambda s: s.screen is Screen.SERVICES and not s.speaking)
    assert sink.stops == 2


def test_the_ticket_screen_reads_the_number_and_waits_for_the_listener(kiosk, simulator, qtbot, clock, monkeypatch):
    monkeypatch.setattr("hardware.speech.guidance.render", _tone_render)
    sink = SinkPlayer()
    k = kiosk(simulator.url, epoch=clock(9, 30), player=sink)
    heard = _spoken(k)
    click(qtbot, k.window.tile_button("field:Kinh doanh"))
    k.wait_for(lambda s: s.screen is Screen.TICKET, timeout=10)
    click(qtbot, k.window.access.listen)
    qtbot.waitUntil(lambda: sink.active, timeout=10000)
    guidance = heard[0][0]
    assert guidance.parts[:3] == (("text", "Vui lòng nhận phiếu"), ("text", "Số thứ tự của bạn"), ("code", "E001"))
    k.clock.advance(30)                                                     # well past the 10 s of the screen
    assert next_tick(qtbot, k).screen is Screen.TICKET                     # not taken away while it is read
    sink.finish()
    k.wait_for(lambda s: not s.speaking)
    k.clock.advance(5)
    assert next_tick(qtbot, k).screen is Screen.TICKET                     # 10 s to act on what was heard
    k.clock.advance(6)
    k.wait_for(lambda s: s.screen is Screen.HOME)


def test_listen_without_a_sound_card_or_a_voice_never_stops_the_kiosk(kiosk, simulator, qtbot, clock, monkeypatch):
    """The real player of the display (no audio device here), then a speech engine that fails."""
    monkeypatch.setattr("hardware.speech.guidance.render", _tone_render)
    player = default_player()
    k = kiosk(simulator.url, epoch=clock(9, 30), player=player)
    heard = _spoken(k)
    failures: list[str] = []
    k.speaker.failed.connect(failures.append)
    click(qtbot, k.window.access.listen)
    qtbot.waitUntil(lambda: len(heard) == 1, timeout=10000)
    k.wait_for(lambda s: not s.speaking, timeout=15)                       # 0.5 s of tone, played (silently) to the end
    assert not failures

    from hardware.speech.errors import SpeechUnavailable

    def no_voice(guidance, out, **kwargs):
        raise SpeechUnavailable(f"no voice for {guidance.lang}")

    monkeypatch.setattr("hardware.speech.guidance.render", no_voice)
    click(qtbot, k.window.language)
    k.wait_for(lambda s: s.lang == "en")
    click(qtbot, k.window.access.listen)
    qtbot.waitUntil(lambda: bool(failures), timeout=10000)
    state = k.wait_for(lambda s: not s.speaking)
    assert "no voice for en" in failures[0] and state.screen is Screen.HOME
    assert state.speech_failed and k.window.access.listen.detail == "Guidance cannot be read aloud"
    k.pass_guards()
    click(qtbot, k.window.tile_button("field:Kinh doanh"))                 # and tickets are still issued
    assert k.wait_for(lambda s: s.screen is Screen.TICKET, timeout=10).ticket.code == "E001"


def _tone_render(guidance, out, **kwargs) -> str:
    wavutil.write_wav(out, array.array("h", [5000, -5000] * 5512))        # 0.5 s
    return "tts"


# ---------------------------------------------------------------- one tap

def test_the_quick_tile_issues_the_busiest_service_in_one_tap(kiosk, simulator, qtbot, clock):
    moment = clock(9, 30)
    for code, count in (("XH", 3), ("TP", 1)):
        for i in range(count):
            queue.issue_ticket(code, now=moment - 3600 + i * 60)
    k = kiosk(simulator.url, epoch=moment)
    window = k.window
    quick = window.home.quick
    assert quick.isVisible() and k.state.quick.service == "XH"
    assert quick.text() == "Lấy số nhanh: Lao động - Thương binh và Xã hội" and quick.icon == "social"
    assert quick.badge == "3 người đang chờ"
    assert screen_guidance(k.state).texts[1:3] == ("Lấy số nhanh", "Lao động - Thương binh và Xã hội")   # read too
    click(qtbot, quick)
    state = k.wait_for(lambda s: s.screen is Screen.TICKET, timeout=10)
    assert state.ticket.code == "G004" and state.ticket.printed           # no field, no service screen between
    assert simulator.wait_for_jobs(1)[0].printed


def test_the_site_file_names_the_quick_service_or_turns_it_off(kiosk, simulator, qtbot, clock, tmp_path):
    _site(tmp_path, **{"allow_priority = true": 'allow_priority = true\nquick_service = "KD"'})
    k = kiosk(simulator.url, epoch=clock(9, 30))
    assert k.window.home.quick.text() == "Lấy số nhanh: Đăng ký hộ kinh doanh"
    click(qtbot, k.window.home.quick)
    assert k.wait_for(lambda s: s.screen is Screen.TICKET, timeout=10).ticket.code == "E001"
    k.close()

    _site(tmp_path, **{"allow_priority = true": 'allow_priority = true\nquick_service = "off"'})
    queue.issue_ticket("TP", now=clock(9, 0))
    k = kiosk(simulator.url, epoch=clock(9, 30))
    assert k.state.quick is None and not k.window.home.quick.isVisible()


# ---------------------------------------------------------------- pictograms

def test_field_and_service_tiles_carry_their_pictograms(kiosk, simulator, qtbot, clock):
    k = kiosk(simulator.url, epoch=clock(9, 30))
    window = k.window
    icons = {key: button.icon for key, button in window.home.buttons.items()}
    assert icons == {JUSTICE: "justice", LAND: "land", "field:Kinh doanh": "business",
                     "field:Chính sách xã hội": "social", "service:KN": "feedback"}
    tile = window.tile_button(LAND)
    with_icon = tile.grab().toImage()
    assert svg_renderer("land").isValid() and icon_image("land", 96, "#ffffff") is not None
    tile.configure(title=tile.text(), detail=tile.detail, badge=tile.badge, bg="#2e7d32", icon=None)
    assert tile.grab().toImage() != with_icon                              # the pictogram is really drawn
    k.pass_guards()
    click(qtbot, window.tile_button(LAND))
    k.wait_for(lambda s: s.screen is Screen.SERVICES)
    assert window.service_button("DD").icon == "land" and window.service_button("XD").icon == "construction"


def test_a_sites_own_svg_is_drawn_on_its_tile(kiosk, simulator, qtbot, clock, tmp_path):
    (tmp_path / "well.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
                                       '<circle cx="5" cy="5" r="4" fill="#ffeb3b"/></svg>', encoding="utf-8")
    _site(tmp_path, **{'icon = "feedback"': 'icon = "well.svg"'})
    k = kiosk(simulator.url, epoch=clock(9, 30))
    icon = k.window.tile_button("service:KN").icon
    assert icon.lstrip().startswith("<svg") and "circle" in icon           # stored at import, no file needed
    image = icon_image(icon, 40, "#ffffff")
    assert image is not None and image.pixelColor(20, 20) == QColor("#ffeb3b")   # its own colours kept


# ---------------------------------------------------------------- large text, high contrast

def test_large_text_makes_the_texts_larger_and_the_idle_reset_restores_the_sites_look(kiosk, simulator, qtbot,
                                                                                      clock):
    k = kiosk(simulator.url, epoch=clock(9, 30))
    window = k.window
    title_px = window.home.title.font().pixelSize()
    tile_px = window.tile_button(JUSTICE).title_px
    listen_px = window.access.listen.title_px
    assert window.access.large_text.text() == "Chữ to"
    click(qtbot, window.access.large_text)
    k.wait_for(lambda s: s.large_text)
    assert window.home.title.font().pixelSize() == pytest.approx(title_px * LARGE_TEXT_SCALE, abs=2)
    assert window.tile_button(JUSTICE).title_px == pytest.approx(tile_px * LARGE_TEXT_SCALE, abs=2)
    assert window.access.listen.title_px == pytest.approx(listen_px * LARGE_TEXT_SCALE, abs=2)
    k.clock.advance(46)                                                     # nobody touched it for 45 s
    k.wait_for(lambda s: not s.large_text)
    assert window.home.title.font().pixelSize() == title_px


def test_the_site_files_look_is_the_look_at_rest(kiosk, simulator, qtbot, clock, tmp_path):
    _site(tmp_path, **{"allow_priority = true": "allow_priority = true\nlarge_text = true\nhigh_contrast = true"})
    k = kiosk(simulator.url, epoch=clock(9, 30))
    assert k.state.large_text and k.state.high_contrast and k.window.look.large_text and k.window.look.high_contrast
    assert k.window.access.large_text._check is True and k.window.access.contrast._check is True   # check boxes
    click(qtbot, k.window.access.contrast)
    k.wait_for(lambda s: not s.high_contrast)
    k.clock.advance(46)
    k.wait_for(lambda s: s.high_contrast)                                  # the next citizen gets the site's look


def test_high_contrast_turns_the_screen_white_and_yellow_on_black(kiosk, simulator, qtbot, clock):
    k = kiosk(simulator.url, epoch=clock(9, 30))
    window = k.window
    tile = window.tile_button(JUSTICE)

    def tile_bg() -> QColor:
        return tile.grab().toImage().pixelColor(tile.width() // 2, 12)

    assert tile_bg() == QColor("#1565c0")                                  # the field's colour
    click(qtbot, window.access.contrast)
    k.wait_for(lambda s: s.high_contrast)
    assert window.look.high_contrast and window.access.contrast._check is True
    assert tile_bg() == QColor("#000000")
    assert "#000000" in window.styleSheet() and "#ffd600" in window.home.title.styleSheet()
    page = window.grab().toImage()
    assert page.pixelColor(3, window.height() - 3) == QColor("#000000")   # the page itself
    click(qtbot, window.access.contrast)
    k.wait_for(lambda s: not s.high_contrast)
    assert tile_bg() == QColor("#1565c0")


def test_listen_and_the_look_toggles_are_on_every_citizen_screen(kiosk, simulator, qtbot, clock):
    load_site(real_hours=True)
    k = kiosk(simulator.url, epoch=clock(12, 5), wait_home=False)          # lunch break: the closed screen
    state = k.wait_for(lambda s: s.screen is Screen.CLOSED)
    assert k.window.access.isVisible()
    assert list(screen_guidance(state).texts)[0] == "Ngoài giờ làm việc"
    k.session.controller.open_admin()
    k.wait_for(lambda s: s.screen is Screen.ADMIN)
    assert not k.window.access.isVisible()                                 # the staff dialog has no such bar
