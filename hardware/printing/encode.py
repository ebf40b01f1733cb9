"""Turn a rendered ticket image into one ESC/POS job (bytes).

The job is built once, with python-escpos' own raster encoder (``image()``,
``GS v 0``) on a ``Dummy`` printer, and then written unchanged by whichever
connector the URL selects.  So every transport sends the same bytes, the
simulator can be checked byte for byte, and the job size is known.

Keeping the job small (target < 40 KB at 80 mm): a full-width raster row costs
72 bytes, so the image is cut into bands at its blank rows.  Each inked band
is sent with its blank right-hand side cropped off (a raster image prints from
the left margin, so dropping trailing columns moves nothing), and each blank
gap is sent as a raster image only one byte wide: the printer advances exactly
the same number of dot rows at a cost of one byte per row, independent of the
printer's motion-unit settings (which ``ESC J`` would depend on).
"""

from __future__ import annotations

import copy
from functools import cache

from escpos.capabilities import Profile, get_profile
from escpos.printer import Dummy
from PIL import Image, ImageChops

#: Printable width in dots at 203 dpi for each supported paper width.
WIDTH_PX: dict[int, int] = {80: 576, 58: 384}

#: Blank runs at least this tall are sent as one-byte-wide gaps.
MIN_GAP_ROWS = 4


def width_px(width_mm: int) -> int:
    try:
        return WIDTH_PX[int(width_mm)]
    except (KeyError, ValueError):
        raise ValueError(f"unsupported paper width {width_mm!r} mm (use 58 or 80)") from None


@cache
def ticket_profile(width_mm: int = 80) -> Profile:
    """An escpos profile with a pixel width, based on the Epson TM-T20II.

    A profile without ``media.width.pixels`` makes escpos ``print()`` a
    warning to stdout on every ``image()`` call, which would corrupt the CLI's
    JSON output; the TM-T20II is the typical 203 dpi 80 mm printer and its
    command set (GS v 0, GS V cut, DLE EOT) is what the Xprinter clones speak.
    """
    base = copy.deepcopy(get_profile("TM-T20II").profile_data)
    pixels = width_px(width_mm)
    base["media"] = {"dpi": 203, "width": {"mm": 72 if pixels == 576 else 48, "pixels": pixels}}
    base["name"] = f"onestop-{width_mm}mm"
    cls = type(f"OnestopProfile{width_mm}", (Profile,), {"profile_data": base})
    return cls(features=dict(base["features"]))


def _ink(image: Image.Image) -> Image.Image:
    """Mode "1" image where ink is 1 (so bytes/bbox find the printed dots)."""
    return ImageChops.invert(image.convert("1"))


def split_bands(image: Image.Image, min_gap: int = MIN_GAP_ROWS) -> list[tuple[int, int, bool]]:
    """Split rows into (top, bottom, inked) runs; short blank runs stay inside bands."""
    ink = _ink(image)
    width, height = ink.size
    stride = (width + 7) // 8
    data = ink.tobytes()
    blank_row = bytes(stride)
    inked = [data[r * stride:(r + 1) * stride] != blank_row for r in range(height)]
    runs: list[tuple[int, int, bool]] = []
    row = 0
    while row < height:
        end = row
        while end < height and inked[end] == inked[row]:
            end += 1
        runs.append((row, end, inked[row]))
        row = end
    # Merge short blank runs into the neighbouring inked bands.
    merged: list[tuple[int, int, bool]] = []
    for top, bottom, has_ink in runs:
        if not has_ink and bottom - top < min_gap and merged and merged[-1][2] and bottom < height:
            merged[-1] = (merged[-1][0], bottom, True)
            continue
        if has_ink and merged and merged[-1][2]:
            merged[-1] = (merged[-1][0], bottom, True)
            continue
        merged.append((top, bottom, has_ink))
    return merged


def band_images(image: Image.Image) -> list[Image.Image]:
    """The images actually sent: right-cropped inked bands and 8-px-wide gaps."""
    image = image.convert("1")
    out: list[Image.Image] = []
    for top, bottom, has_ink in split_bands(image):
        if has_ink:
            band = image.crop((0, top, image.width, bottom))
            right = _ink(band).getbbox()[2]
            out.append(band.crop((0, 0, min(image.width, (right + 7) // 8 * 8), band.height)))
        else:
            out.append(Image.new("1", (8, bottom - top), 255))
    return out


def encode_ticket(image: Image.Image, width_mm: int = 80, *, cut: bool = True) -> bytes:
    """One complete ESC/POS job: init, the raster bands, feed, cut."""
    if image.width > width_px(width_mm):
        raise ValueError(f"ticket image is {image.width} px wide, paper takes {width_px(width_mm)}")
    printer = Dummy(profile=ticket_profile(width_mm))
    printer.hw("INIT")
    for band in band_images(image):
        printer.image(band, impl="bitImageRaster")
    if cut:
        # escpos' cut(): ESC d 6 (feed past the cutter) then GS V 0 (full cut),
        # the form every cutter-equipped clone understands.
        printer.cut()
    return printer.output
