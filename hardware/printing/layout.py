"""The ticket as a 1-bit image at the printer's dot width.

Thermal printers print dots, not Vietnamese: most 58/80 mm clones have no code
page with precomposed Vietnamese letters, so the whole ticket is drawn here
with a TrueType font and sent as a raster.  Drawing happens in greyscale ("L")
and is then thresholded, not dithered, so letters keep solid edges on paper.
The image is cropped to its ink at the top and bottom: a blank row is paper
and bytes for nothing (``encode.py`` also sends inner gaps cheaply).

The same function renders the PNG preview, so what the demo shows is what the
printer gets.  It draws a ``TicketSlip`` (plain values the caller fills), so
this package needs no database: ``services.ticket_printing`` makes the slip
of a real ticket.
"""

from __future__ import annotations

import threading
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import qrcode
from PIL import Image, ImageDraw, ImageFont
from qrcode.constants import ERROR_CORRECT_M

from hardware.printing.encode import width_px
from hardware.printing.fonts import get_font
from hardware.printing.slip import TicketSlip

#: Grey level at or above which a pixel stays white.  Above the midpoint, so
#: thin anti-aliased strokes of small letters survive as dots.
THRESHOLD = 150

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@dataclass(frozen=True)
class _Sizes:
    margin: int
    site: int
    site_en: int
    title: int
    title_en: int
    code: int            # upper bound; shrunk to fit the width
    service: int
    service_en: int
    label: int
    value: int
    qr_box: int          # pixels per QR module (0.5-0.6 mm)
    side_label: int
    side_value: int
    closing: int
    gap: int             # between sections


SIZES: dict[int, _Sizes] = {
    80: _Sizes(margin=4, site=26, site_en=20, title=32, title_en=21, code=200, service=28, service_en=22,
               label=22, value=26, qr_box=5, side_label=19, side_value=26, closing=22, gap=14),
    58: _Sizes(margin=2, site=21, site_en=17, title=25, title_en=17, code=140, service=22, service_en=18,
               label=18, value=21, qr_box=4, side_label=17, side_value=21, closing=18, gap=10),
}


def _nfc(text: str) -> str:
    # Decomposed input (combining marks typed on some keyboards) would be drawn
    # as separate marks; the precomposed form has one well-placed glyph each.
    return unicodedata.normalize("NFC", text or "").strip()


@lru_cache(maxsize=1024)
def wrap(text: str, font: Font, max_width: int) -> tuple[str, ...]:
    """Greedy word wrap by measured width; over-long words are split by letter."""
    words: list[str] = []
    for word in _nfc(text).split():
        if words and word in ("-", "–", "—", "/"):
            words[-1] += " " + word        # a separator ends a line, never starts one
        else:
            words.append(word)
    lines: list[str] = []
    line = ""
    for word in words:
        candidate = f"{line} {word}" if line else word
        if font.getlength(candidate) <= max_width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = ""
        while font.getlength(word) > max_width:   # no space to break at
            cut = len(word)
            while cut > 1 and font.getlength(word[:cut]) > max_width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    if line:
        lines.append(line)
    return tuple(lines)


def wrap_bilingual(text: str, font: Font, max_width: int) -> tuple[str, ...]:
    """Wrap "Tiếng Việt / English" at the slash first, so neither half is split."""
    if font.getlength(_nfc(text)) <= max_width or " / " not in text:
        return wrap(text, font, max_width)
    vi, en = text.split(" / ", 1)
    return wrap(vi + " /", font, max_width) + wrap(en, font, max_width)


@lru_cache(maxsize=256)
def wrap_balanced(text: str, font: Font, max_width: int) -> tuple[str, ...]:
    """Wrap into as few lines as ``wrap`` but with lengths as even as possible.

    A centred title that wraps should not leave one orphan word on its second
    line ("... Bộ phận Một" / "cửa").
    """
    lines = wrap(text, font, max_width)
    if len(lines) < 2:
        return lines
    low, high = max_width // len(lines), max_width
    best = lines
    while low <= high:
        mid = (low + high) // 2
        trial = wrap(text, font, mid)
        if len(trial) <= len(lines) and all(font.getlength(x) <= mid for x in trial):
            best, high = trial, mid - 1
        else:
            low = mid + 1
    return best


@lru_cache(maxsize=512)
def _glyphs(text: str, font: Font, anchor: str) -> tuple[Image.Image | None, int, int]:
    """Coverage mask of ``text`` and its offset from the anchor point.

    Cached: Pillow asks FreeType afresh for every glyph of every call, and the
    site name, titles and labels are the same on every ticket (this halves the
    render time).  At most ~20 KB per entry: the huge ticket code, different
    on every ticket, is drawn without it.
    """
    left, top, right, bottom = font.getbbox(text, anchor=anchor)
    if right <= left or bottom <= top:
        return None, 0, 0
    mask = Image.new("L", (right - left, bottom - top), 0)
    ImageDraw.Draw(mask).text((-left, -top), text, font=font, fill=255, anchor=anchor)
    return mask, left, top


class _Sheet:
    """A greyscale canvas written top to bottom, like paper coming out."""

    def __init__(self, width: int, margin: int) -> None:
        self.width = width
        self.margin = margin
        self.inner = width - 2 * margin
        self.image = Image.new("L", (width, 1600), 255)
        self.draw = ImageDraw.Draw(self.image)
        self.y = 0

    def _ensure(self, height: int) -> None:
        if self.y + height + 8 > self.image.height:
            bigger = Image.new("L", (self.width, max(self.image.height * 2, self.y + height + 64)), 255)
            bigger.paste(self.image, (0, 0))
            self.image = bigger
            self.draw = ImageDraw.Draw(self.image)

    def text(self, xy: tuple[float, float], text: str, font: Font, *, fill: int = 0, anchor: str = "la") -> None:
        mask, dx, dy = _glyphs(text, font, anchor)
        if mask is not None:
            self.image.paste(fill, (round(xy[0]) + dx, round(xy[1]) + dy), mask)

    def space(self, pixels: int) -> None:
        self.y += pixels

    def line(self, text: str, font: Font, *, align: str = "center", fill: int = 0, width: int | None = None,
             x0: int | None = None) -> None:
        """One line at the font's full line height, so baselines stay regular."""
        ascent, descent = font.getmetrics()
        self._ensure(ascent + descent)
        width = self.inner if width is None else width
        x0 = self.margin if x0 is None else x0
        length = font.getlength(text)
        if align == "center":
            x = x0 + (width - length) / 2
        elif align == "right":
            x = x0 + width - length
        else:
            x = x0
        self.text((x, self.y), text, font, fill=fill)
        self.y += ascent + descent

    def paragraph(self, text: str, font: Font, *, align: str = "center", leading: int = 0) -> None:
        for i, part in enumerate(wrap_balanced(text, font, self.inner)):
            if i:
                self.y += leading
            self.line(part, font, align=align)

    def big(self, text: str, font: Font) -> None:
        """Huge text placed by its ink box (metrics would add empty rows)."""
        left, top, right, bottom = font.getbbox(text, anchor="la")
        self._ensure(bottom - top)
        x = self.margin + (self.inner - (right - left)) / 2 - left
        self.draw.text((x, self.y - top), text, font=font, fill=0, anchor="la")   # unique: not cached
        self.y += bottom - top

    def badge(self, text: str, font: Font) -> None:
        """White text on a black rounded bar (the priority mark)."""
        left, top, right, bottom = font.getbbox(text, anchor="la")
        pad_x, pad_y = 14, 7
        w, h = right - left + 2 * pad_x, bottom - top + 2 * pad_y
        self._ensure(h)
        x = self.margin + (self.inner - w) // 2
        self.draw.rounded_rectangle((x, self.y, x + w, self.y + h), radius=h // 2, fill=0)
        self.text((x + pad_x - left, self.y + pad_y - top), text, font, fill=255)
        self.y += h

    def rule(self, dash: int = 8) -> None:
        self._ensure(2)
        for x in range(self.margin, self.width - self.margin, dash * 2):
            self.draw.rectangle((x, self.y, min(x + dash, self.width - self.margin) - 1, self.y + 1), fill=0)
        self.y += 2

    def row(self, label: str, value: str, label_font: Font, value_font: Font) -> None:
        """Label on the left, value in bold on the right (wrapping the label)."""
        value = _nfc(value)
        value_w = int(value_font.getlength(value)) + 12
        lines = wrap_bilingual(label, label_font, max(self.inner - value_w, self.inner // 2))
        la, ld = label_font.getmetrics()
        va, vd = value_font.getmetrics()
        for i, part in enumerate(lines):
            last = i == len(lines) - 1
            height = max(la + ld, va + vd) if last else la + ld
            self._ensure(height)
            base = self.y + (va if last and va > la else la)
            self.text((self.margin, base), part, label_font, anchor="ls")
            if last:
                self.text((self.width - self.margin, base), value, value_font, anchor="rs")
            self.y += height

    def paste_block(self, block: Image.Image, x: int) -> None:
        self._ensure(block.height)
        self.image.paste(block, (x, self.y))
        self.y += block.height

    def finish(self) -> Image.Image:
        """Threshold to 1-bit and crop away blank rows at the top and bottom."""
        grey = self.image.crop((0, 0, self.width, min(self.y + 8, self.image.height)))
        bw = grey.point(lambda v: 255 if v >= THRESHOLD else 0).convert("1", dither=Image.Dither.NONE)
        ink_box = Image.eval(grey, lambda v: 255 if v < THRESHOLD else 0).getbbox()
        if ink_box is None:
            return bw
        return bw.crop((0, ink_box[1], self.width, ink_box[3]))


def qr_image(payload: str, box: int) -> Image.Image:
    """The QR code as a greyscale image, ``box`` pixels per module, no border."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=1, border=0)
    code.add_data(payload)
    code.make(fit=True)
    matrix = code.get_matrix()
    n = len(matrix)
    small = Image.frombytes("L", (n, n), bytes(0 if cell else 255 for row in matrix for cell in row))
    return small.resize((n * box, n * box), Image.Resampling.NEAREST)


def format_wait(seconds: int, lang_en: bool, range_s: tuple[int, int] | None = None) -> str:
    """Rounded, never falsely precise: "~15 phút / min", "< 1 phút", "10-15 phút" when uncertain."""
    unit = "phút / min" if lang_en else "phút"
    if range_s is not None and range_s[1] < 90 * 60:
        return f"{round(range_s[0] / 60)}-{round(range_s[1] / 60)} {unit}"
    if seconds < 60:
        return f"< 1 {unit}" if lang_en else "dưới 1 phút"
    minutes = round(seconds / 60)
    if minutes >= 90:
        hours, rest = divmod(minutes, 60)
        return f"~{hours} giờ {rest:02d} phút" + (f" / {hours} h {rest:02d} min" if lang_en else "")
    return f"~{minutes} {unit}" if lang_en else f"khoảng {minutes} phút"


def local_time(moment: datetime, timezone: str) -> datetime:
    try:
        return moment.astimezone(ZoneInfo(timezone))
    except (KeyError, ValueError):          # unknown zone name: keep the stored offset
        return moment


#: FreeType faces (shared through the font cache) are not safe to use from two
#: threads at once; the kiosk and the demo's simulated citizens may both print.
_render_lock = threading.Lock()


def render_ticket(slip: TicketSlip, *, width_mm: int = 80, lang_en: bool = True) -> Image.Image:
    """Draw ``slip`` as a mode "1" image 576 (80 mm) or 384 (58 mm) dots wide."""
    with _render_lock:
        return _render(slip, width_mm, lang_en)


def _render(ticket: TicketSlip, width_mm: int, lang_en: bool) -> Image.Image:
    width = width_px(width_mm)
    s = SIZES[80 if width == 576 else 58]
    sheet = _Sheet(width, s.margin)
    bold = lambda size: get_font(size, True)          # noqa: E731 - local shorthand
    regular = lambda size: get_font(size, False)      # noqa: E731

    sheet.paragraph(ticket.site_name, bold(s.site))
    if lang_en and ticket.site_name_en:
        sheet.paragraph(ticket.site_name_en, regular(s.site_en))
    sheet.space(s.gap // 2)
    sheet.rule()
    sheet.space(s.gap)
    sheet.line("PHIẾU SỐ THỨ TỰ", bold(s.title))
    if lang_en:
        sheet.line("QUEUE TICKET", regular(s.title_en))
    if ticket.priority:
        sheet.space(s.gap // 2)
        sheet.badge("ƯU TIÊN / PRIORITY" if lang_en else "ƯU TIÊN", bold(s.title_en + 2))
    sheet.space(s.gap)

    code_size = s.code
    while code_size > 24 and bold(code_size).getlength(ticket.code) > sheet.inner * 0.92:
        code_size -= 4
    sheet.big(ticket.code, bold(code_size))
    sheet.space(s.gap)

    sheet.paragraph(ticket.service_name, bold(s.service))
    if lang_en and ticket.service_name_en:
        sheet.paragraph(ticket.service_name_en, regular(s.service_en))
    sheet.space(s.gap // 2)
    sheet.rule()
    sheet.space(s.gap // 2)

    sheet.row("Số người chờ trước / People ahead" if lang_en else "Số người chờ trước",
              str(ticket.ahead), regular(s.label), bold(s.value))
    if ticket.estimated_wait_s is not None:
        sheet.row("Thời gian chờ dự kiến / Estimated wait" if lang_en else "Thời gian chờ dự kiến",
                  format_wait(ticket.estimated_wait_s, lang_en, ticket.estimated_wait_range_s),
                  regular(s.label), bold(s.value))
    sheet.space(s.gap)

    # QR on the left, issue time and counters beside it: shares raster rows.
    qr = qr_image(ticket.qr_payload, s.qr_box)
    quiet = 2 * s.qr_box
    side = _side_block(ticket, width - qr.width - quiet - 2 * s.margin - 12, s, lang_en)
    height = max(qr.height, side.height)
    block = Image.new("L", (width - quiet, height), 255)
    block.paste(qr, (0, (height - qr.height) // 2))
    block.paste(side, (qr.width + 12 + s.margin, (height - side.height) // 2))
    sheet.paste_block(block, quiet)
    sheet.space(s.gap)
    sheet.line("Xin cảm ơn! / Thank you!" if lang_en else "Xin cảm ơn!", regular(s.closing))
    return sheet.finish()


def _side_block(ticket: TicketSlip, width: int, s: _Sizes, lang_en: bool) -> Image.Image:
    """Issue time and serving counters, drawn in a column of ``width`` dots."""
    column = _Sheet(width, 0)
    label, value = get_font(s.side_label, False), get_font(s.side_value, True)
    when = local_time(ticket.issued_at, ticket.timezone)
    counters = ticket.counters
    for part in wrap_bilingual("Giờ lấy số / Issued" if lang_en else "Giờ lấy số", label, width):
        column.line(part, label, align="left")
    column.line(f"{when:%H:%M}  {when:%d/%m/%Y}", value, align="left")
    if counters:
        column.space(6)
        for part in wrap_bilingual("Quầy phục vụ / Counters" if lang_en else "Quầy phục vụ", label, width):
            column.line(part, label, align="left")
        for part in wrap(", ".join(str(c) for c in counters), value, width):
            column.line(part, value, align="left")
    return column.image.crop((0, 0, width, column.y))
