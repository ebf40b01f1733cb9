"""The ESC/POS job: python-escpos raster, tight, small, decodable, silent on stdout."""

from __future__ import annotations

import pytest
from PIL import Image, ImageChops

from hardware.printing.encode import band_images, encode_ticket, split_bands
from hardware.printing.escpos_decode import decode
from services.ticket_printing import render_ticket


@pytest.mark.parametrize("width_mm", [80, 58])
def test_decoded_job_is_exactly_the_rendered_ticket(ticket, site, width_mm):
    image = render_ticket(ticket, site, counters=(1, 2), width_mm=width_mm)
    job = decode(encode_ticket(image, width_mm))
    page = job.page(image.width)
    assert page.size == image.size
    assert ImageChops.difference(page.convert("L"), image.convert("L")).getbbox() is None
    assert job.cuts == 1
    assert job.commands[0].kind == "init"
    assert job.commands[-1].kind == "cut"


def test_job_for_80mm_is_under_40_kb(ticket, priority_ticket, site):
    for t in (ticket, priority_ticket):
        image = render_ticket(t, site, counters=(1, 2, 3))
        assert len(encode_ticket(image, 80)) < 40_000


def test_blank_gaps_are_sent_one_byte_wide_and_ink_bands_right_cropped(ticket, site):
    image = render_ticket(ticket, site, counters=(1,))
    bands = band_images(image)
    gaps = [b for b in bands if b.width == 8 and ImageChops.invert(b.convert("L")).getbbox() is None]
    assert gaps, "inner blank runs should become narrow gap images"
    assert sum(b.height for b in bands) == image.height
    full = image.width // 8 * image.height
    sent = sum((b.width + 7) // 8 * b.height for b in bands)
    assert sent < full * 0.75


def test_short_blank_runs_stay_inside_bands():
    image = Image.new("1", (64, 40), 255)
    for y in (0, 1, 2, 6, 7, 30, 31):          # gap of 3 rows (kept), gap of 22 rows (split)
        image.putpixel((10, y), 0)
    runs = split_bands(image, min_gap=4)
    assert runs == [(0, 8, True), (8, 30, False), (30, 32, True), (32, 40, False)]


def test_escpos_prints_nothing_on_stdout(ticket, site, capfd):
    """escpos print()s a warning per image() without a pixel-width profile; it would corrupt CLI JSON."""
    for width_mm in (80, 58):
        encode_ticket(render_ticket(ticket, site, counters=(1,), width_mm=width_mm), width_mm)
    out, _ = capfd.readouterr()
    assert out == ""


def test_image_wider_than_paper_is_refused(ticket, site):
    with pytest.raises(ValueError):
        encode_ticket(render_ticket(ticket, site, counters=(1,), width_mm=80), 58)
