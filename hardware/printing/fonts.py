"""Find a font that has every Vietnamese letter.

Search order: ``$ONESTOP_FONT_DIR``, the ``assets`` package's ``fonts/``, then
the usual system places (Debian's fonts-noto-core and fonts-dejavu-core,
Windows, macOS).  Noto Sans and DejaVu Sans both cover Vietnamese including the
stacked marks (Ễ, Ặ); Arial and Segoe UI on Windows do too.  When nothing is
found, Pillow's built-in font is used and a warning is logged (the ticket still
prints, but accents may be missing), rather than failing a citizen's ticket.
"""

from __future__ import annotations

import logging
import os
from functools import cache, lru_cache
from importlib.resources import files
from pathlib import Path

from PIL import ImageFont

log = logging.getLogger(__name__)

ASSETS_FONTS = Path(str(files("assets").joinpath("fonts")))   # the installed package's folder

_REGULAR = ["NotoSans-Regular.ttf", "DejaVuSans.ttf", "segoeui.ttf", "arial.ttf", "Arial.ttf"]
_BOLD = ["NotoSans-Bold.ttf", "DejaVuSans-Bold.ttf", "segoeuib.ttf", "arialbd.ttf", "Arial Bold.ttf"]

_SYSTEM_DIRS = [
    "/usr/share/fonts/truetype/noto",
    "/usr/share/fonts/noto",
    "/usr/share/fonts/google-noto",
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu",
    "/usr/share/fonts/TTF",
    "C:/Windows/Fonts",
    "/Library/Fonts",
    "/System/Library/Fonts/Supplemental",
]


def _search_dirs() -> list[Path]:
    dirs = []
    if os.environ.get("ONESTOP_FONT_DIR"):
        dirs.append(Path(os.environ["ONESTOP_FONT_DIR"]))
    dirs.append(ASSETS_FONTS)
    dirs.extend(Path(d) for d in _SYSTEM_DIRS)
    return dirs


@cache
def font_path(bold: bool = False) -> str | None:
    """Path of the first usable font file, or None when there is none."""
    names = _BOLD if bold else _REGULAR
    dirs = [d for d in _search_dirs() if d.is_dir()]
    for name in names:          # preference order of the font beats order of dirs
        for folder in dirs:
            candidate = folder / name
            if candidate.is_file():
                return str(candidate)
    # Last resort: any Noto/DejaVu sans somewhere under /usr/share/fonts.
    root = Path("/usr/share/fonts")
    if root.is_dir():
        for name in names[:2]:
            for candidate in root.rglob(name):
                return str(candidate)
    return None


@lru_cache(maxsize=64)
def get_font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """A cached font of ``size`` pixels (em size), falling back gracefully."""
    path = font_path(bold)
    if path is None and bold:
        path = font_path(False)
    if path is not None:
        try:
            return ImageFont.truetype(path, size)
        except OSError as exc:
            log.warning("cannot load font %s: %s", path, exc)
    log.warning("no Vietnamese-capable font found; install fonts-noto-core or put NotoSans-*.ttf in %s", ASSETS_FONTS)
    return ImageFont.load_default(size)
