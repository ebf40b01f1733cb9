"""The ticket image: size, tightness, QR payload, content switches, Vietnamese glyphs."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
import zxingcpp
from PIL import Image, ImageChops

from db.ticket_qr import build_ticket_reference, parse_ticket_reference
from hardware.printing import layout
from hardware.printing.fonts import get_font
from hardware.printing.layout import format_wait, wrap
from hardware.printing.slip import TicketSlip
from services.ticket_printing import render_ticket, ticket_slip


def ink_rows(image: Image.Image) -> list[bool]:
    ink = ImageChops.invert(image.convert("L"))
    return [ink.crop((0, y, image.width, y + 1)).getbbox() is not None for y in range(image.height)]


@pytest.mark.parametrize("width_mm, pixels", [(80, 576), (58, 384)])
def test_ticket_is_one_bit_at_printer_dot_width(ticket, site, width_mm, pixels):
    image = render_ticket(ticket, site, counters=(1, 2), width_mm=width_mm)
    assert image.mode == "1"
    assert image.width == pixels
    assert 300 < image.height < 1200


@pytest.mark.parametrize("width_mm", [80, 58])
def test_ticket_has_no_blank_rows_at_top_or_bottom(ticket, site, width_mm):
    rows = ink_rows(render_ticket(ticket, site, counters=(1, 2), width_mm=width_mm))
    assert rows[0] and rows[-1]
    assert sum(rows) > len(rows) // 3          # substantially inked, not an empty sheet


def test_thresholded_not_dithered_only_black_and_white(ticket, site):
    grey = render_ticket(ticket, site, counters=(1,)).convert("L")
    assert sum(grey.histogram()[1:255]) == 0


@pytest.mark.parametrize("width_mm", [80, 58])
def test_qr_code_decodes_back_to_the_ticket_reference(ticket, site, width_mm):
    image = render_ticket(ticket, site, counters=(1, 2), width_mm=width_mm)
    results = zxingcpp.read_barcodes(image.convert("L"))
    texts = [r.text for r in results if r.format == zxingcpp.BarcodeFormat.QRCode]
    assert texts == [build_ticket_reference(ticket, site)]
    reference = parse_ticket_reference(texts[0])
    assert (reference.ticket_id, reference.code, reference.service_day) == (ticket.id, "A001", ticket.service_day)
    assert reference.matches_site(site)


def test_a_plain_slip_prints_without_any_database(ticket, site):
    """hardware draws exactly the strings it is given: the QR payload is the caller's, not a ticket's."""
    slip = TicketSlip(code="B017", service_name="Đất đai", site_name="UBND xã Đông Hưng",
                      issued_at=datetime(2025, 1, 2, 1, 0, tzinfo=UTC), qr_payload="https://example.test/t/x1",
                      counters=(4,))
    image = layout.render_ticket(slip, width_mm=58)
    assert image.mode == "1" and image.width == 384
    texts = [r.text for r in zxingcpp.read_barcodes(image.convert("L")) if r.format == zxingcpp.BarcodeFormat.QRCode]
    assert texts == ["https://example.test/t/x1"]
    # a real ticket goes through the service's slip and comes out the same as the service's render
    same = layout.render_ticket(ticket_slip(ticket, site, (1,)))
    assert ImageChops.difference(same, render_ticket(ticket, site, counters=(1,))).getbbox() is None


def test_the_code_is_very_large(ticket, site):
    """The code band is the tallest inked run of rows: at least 15 mm at 203 dpi."""
    rows = ink_rows(render_ticket(ticket, site, counters=(1,)))
    longest = run = 0
    for inked in rows:
        run = run + 1 if inked else 0
        longest = max(longest, run)
    assert longest >= 120


def test_priority_ticket_carries_a_mark(ticket, priority_ticket, site):
    normal = render_ticket(replace(priority_ticket, priority=False), site, counters=(1,))
    marked = render_ticket(priority_ticket, site, counters=(1,))
    assert marked.height > normal.height + 20


def test_unknown_estimated_wait_is_left_out(ticket, site):
    with_wait = render_ticket(ticket, site, counters=(1,))
    without = render_ticket(replace(ticket, estimated_wait_s=None), site, counters=(1,))
    assert without.height < with_wait.height


def test_english_lines_can_be_switched_off(ticket, site):
    both = render_ticket(ticket, site, counters=(1,))
    vietnamese_only = render_ticket(ticket, site, counters=(1,), lang_en=False)
    assert vietnamese_only.height < both.height - 40


def test_issue_time_is_shown_in_site_timezone(ticket, site):
    """Same instant, different zone -> different pixels in the time line only."""
    hanoi = render_ticket(ticket, site, counters=(1,))
    utc = render_ticket(ticket, replace(site, timezone="UTC"), counters=(1,))
    assert hanoi.size == utc.size
    assert ImageChops.difference(hanoi.convert("L"), utc.convert("L")).getbbox() is not None


@pytest.mark.parametrize("width_mm", [80, 58])
def test_long_names_wrap_inside_the_paper(ticket, site, width_mm):
    long_site = replace(site, name="Ủy ban nhân dân phường Nguyễn Trung Trực quận Ba Đình thành phố Hà Nội - "
                                   "Bộ phận tiếp nhận và trả kết quả")
    long_ticket = replace(ticket, service_name="Đăng ký khai sinh, kết hôn, khai tử, nhận cha mẹ con, "
                                               "thay đổi cải chính hộ tịch",
                          code="K1234")
    short = render_ticket(ticket, site, counters=(1,), width_mm=width_mm)
    image = render_ticket(long_ticket, long_site, counters=(1, 2, 3, 4, 5, 6, 7, 8), width_mm=width_mm)
    assert image.width == short.width
    assert image.height > short.height + 40        # wrapped onto more lines, not clipped


def test_wrap_never_exceeds_width_and_keeps_every_word():
    font = get_font(22)
    text = "Thời gian chờ dự kiến của công dân tại Bộ phận Một cửa UBND xã - Quang Kim"
    lines = wrap(text, font, 200)
    assert all(font.getlength(line) <= 200 for line in lines)
    assert " ".join(lines).split() == text.split()
    assert not any(line.startswith("-") for line in lines)


def test_font_has_vietnamese_letters():
    """A font without Vietnamese draws one "missing glyph" box for all of these."""
    font = get_font(40, True)

    def glyph(ch: str) -> bytes:
        image = Image.new("L", (60, 70), 255)
        from PIL import ImageDraw

        ImageDraw.Draw(image).text((5, 5), ch, font=font, fill=0)
        return image.tobytes()

    shapes = {glyph(ch) for ch in "ỄẶỰƯỜĐ"}
    assert len(shapes) == 6
    assert glyph("Ự") != glyph("U")


def test_decomposed_input_renders_like_precomposed(ticket, site):
    import unicodedata

    nfd = replace(ticket, service_name=unicodedata.normalize("NFD", ticket.service_name))
    a = render_ticket(ticket, site, counters=(1,))
    b = render_ticket(nfd, site, counters=(1,))
    assert ImageChops.difference(a.convert("L"), b.convert("L")).getbbox() is None


@pytest.mark.parametrize("seconds, text", [(30, "< 1 phút / min"), (900, "~15 phút / min"),
                                           (6000, "~1 giờ 40 phút / 1 h 40 min")])
def test_wait_is_rounded_for_people(seconds, text):
    assert format_wait(seconds, True) == text


def test_wait_in_vietnamese_only():
    assert format_wait(900, False) == "khoảng 15 phút"


def test_an_uncertain_wait_prints_as_a_range():
    assert format_wait(750, True, (600, 900)) == "10-15 phút / min"
    assert format_wait(750, False, (600, 900)) == "10-15 phút"
