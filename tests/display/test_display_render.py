"""The board renders offscreen at 720p and 1080p: readable from 10 m, Vietnamese right, nothing clipped.

The morning it shows is the one of the documentation screenshots (``python -m tools.screenshots``).
"""

from __future__ import annotations

import pytest
from site_clock import at

from db.site import set_notice
from display_app import painting
from tools.screenshots.display import NOTICE, busy_morning


@pytest.fixture
def trace():
    painting.trace = []
    yield painting.trace
    painting.trace = None


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)], ids=["720p", "1080p"])
def test_board_renders_readable_and_unclipped(sqlite_site_db, board, qtbot, tmp_path, trace, size):
    busy_morning()
    program = board(clock=lambda: at(9, 41, 5), size=size)
    window = program.window
    qtbot.waitUntil(lambda: window.now_calling.call is not None, timeout=5000)
    trace.clear()
    image = window.grab()
    assert (image.width(), image.height()) == size

    # readable from 10 m: the newest number's ink is at least 12 % of the screen height
    w, h = size
    assert window.now_calling.number_glyph_height() >= 0.12 * h

    drawn = {t.text for t in trace}
    # what the hall must see, in correct Vietnamese (precomposed letters, as typed)
    for text in ("UBND xã Quang Kim - Bộ phận Một cửa", "ĐANG MỜI SỐ / NOW CALLING", "Mời đến quầy số 2",
                 "CÁC QUẦY / COUNTERS", "Tạm dừng", "Paused", "ĐANG CHỜ (người) / WAITING (people)",
                 "Chứng thực, hộ tịch", "Lao động - Thương binh và Xã hội", "09:41:05", "Thứ Tư, 25/11/2026"):
        assert text in drawn, text
    assert window.ticker.text == NOTICE and window.ticker.scrolling   # longer than the screen: it moves

    # nothing clipped: every line fits its box, and every box lies inside its panel
    for t in trace:
        assert t.advance <= t.rect.width() + 0.5, (t.text, t.advance, t.rect)
        assert t.ink_height <= t.rect.height() + 0.5, (t.text, t.ink_height, t.rect)
        assert t.rect.left() >= -0.5 and t.rect.top() >= -0.5, (t.text, t.rect)
        assert t.rect.right() <= t.device_w + 0.5 and t.rect.bottom() <= t.device_h + 0.5, (t.text, t.rect)
        assert t.pixel_size >= 0.018 * h, (t.text, t.pixel_size)   # no text shrunk to illegible

    # the panels tile the screen without overlapping
    panels = [window.header, window.now_calling, window.recent, window.counters, window.waiting, window.ticker]
    for i, a in enumerate(panels):
        assert window.rect().contains(a.geometry())
        for b in panels[i + 1:]:
            assert not a.geometry().intersects(b.geometry()), (a, b)

    path = tmp_path / f"display-{w}x{h}.png"
    assert image.save(str(path))


def test_board_scales_to_4k(sqlite_site_db, board, qtbot):
    busy_morning()
    program = board(size=(3840, 2160))
    qtbot.waitUntil(lambda: program.window.now_calling.call is not None, timeout=5000)
    program.window.grab()
    assert program.window.now_calling.number_glyph_height() >= 0.12 * 2160


def test_a_short_notice_stands_still_so_the_idle_board_costs_nothing(sqlite_site_db, board, qtbot):
    set_notice("Kính chào quý khách")
    program = board()
    qtbot.waitUntil(lambda: program.window.ticker.text == "Kính chào quý khách", timeout=5000)
    assert not program.window.ticker.scrolling
    assert not program.window.now_calling.flashing


def test_before_any_call_the_board_says_so_instead_of_staying_blank(sqlite_site_db, board, trace):
    program = board()
    trace.clear()
    program.window.grab()
    drawn = {t.text for t in trace}
    assert "Chưa có số nào được gọi" in drawn and "—" in drawn
