"""The notice ticker: even whole-pixel steps at its frame rate, an invisible wrap, still when it fits."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect

from display_app.views import TICKER_FPS, NoticeTicker

LONG = ("Từ ngày 01/12/2026, Bộ phận Một cửa tiếp nhận hồ sơ trực tuyến qua Cổng Dịch vụ công quốc gia. "
        "Công dân vui lòng mang theo Căn cước công dân gắn chíp khi đến làm thủ tục.")


def _ticker(qtbot, width: int, height: int, text: str) -> NoticeTicker:
    ticker = NoticeTicker()
    qtbot.addWidget(ticker)
    ticker.set_unit(height)
    ticker.resize(width, round(0.075 * height))
    ticker.show()
    qtbot.waitExposed(ticker)
    ticker.set_text(text)
    return ticker


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080), (3840, 2160)], ids=["720p", "1080p", "2160p"])
def test_long_notice_moves_by_the_same_whole_step_each_frame(qtbot, size):
    ticker = _ticker(qtbot, *size, LONG)
    assert ticker.scrolling
    step, frame_ms = ticker.step_px, ticker.frame_ms
    assert step >= 1 and abs(1000 / frame_ms - TICKER_FPS) <= 0.25 * TICKER_FPS
    values: list[int] = []
    ticker._bar().valueChanged.connect(values.append)
    qtbot.waitUntil(lambda: len(values) >= 10, timeout=5000)
    steps = {b - a for a, b in zip(values, values[1:])}
    assert steps == {step}, (steps, values)
    # the speed the hall was tuned for (0.11 screen heights a second), within rounding
    assert abs(step * 1000 / frame_ms - 0.11 * size[1]) <= 0.05 * 0.11 * size[1]


def test_wrap_moves_back_one_copy_and_shows_the_same_pixels(qtbot):
    ticker = _ticker(qtbot, 1920, 1080, LONG)
    bar = ticker._bar()
    period, lead, w, h = ticker._period, ticker._lead, ticker.width(), ticker.height()
    # the strip repeats with the period from the lead on, as far as the scroll bar can go
    assert bar.maximum() >= lead + 2 * period   # a whole copy of travel past the wrap point
    past = lead + period + 7
    same_a = ticker._strip.grab(QRect(past, 0, w, h)).toImage()
    same_b = ticker._strip.grab(QRect(past - period, 0, w, h)).toImage()
    assert same_a == same_b
    bar.setValue(past)
    qtbot.waitUntil(lambda: bar.value() < lead + period, timeout=3000)   # the wrap timer ran
    assert lead <= bar.value() < lead + period
    assert ticker.scrolling


def test_short_notice_is_still_and_hidden_ticker_stops(qtbot):
    ticker = _ticker(qtbot, 1920, 1080, "Kính chào quý khách")
    assert not ticker.scrolling
    ticker.set_text(LONG)
    assert ticker.scrolling
    ticker.hide()
    assert not ticker.scrolling
    ticker.show()
    qtbot.waitUntil(lambda: ticker.scrolling, timeout=2000)
