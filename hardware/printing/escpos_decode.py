"""Read an ESC/POS byte stream back: commands, status requests, raster images.

Used by the printer simulator (which must answer DLE EOT while a job is still
arriving, so parsing is incremental) and by tests that check what a driver
sent.  It understands the three raster forms python-escpos' ``image()`` can
emit (``GS v 0``, ``GS ( L``, ``ESC *``), skips the other common commands by
their documented lengths, and keeps printable bytes as text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PIL import Image

ESC, GS, DLE, FS = 0x1B, 0x1D, 0x10, 0x1C

#: Default line feed of ESC/POS printers: 1/6 inch at 203 dpi.
LINE_DOTS = 34

# ESC commands with a fixed total length (including ESC and the letter).
_ESC_FIXED = {ord("@"): 2, ord("2"): 2, ord("<"): 2, ord("p"): 5, ord("$"): 4, ord("\\"): 4, ord("B"): 4,
              ord("C"): 4}
# GS commands with a fixed total length.
_GS_FIXED = {ord("L"): 4, ord("W"): 4, ord("P"): 4, ord("$"): 4, ord("\\"): 4, ord("T"): 3}


@dataclass
class Command:
    """One parsed command; ``raw`` is its exact bytes."""

    kind: str                      # init|status|raster|feed|cut|text|other
    raw: bytes
    status_n: int | None = None
    image: Image.Image | None = None
    feed_dots: int = 0
    text: str = ""
    inline: bool = False           # ESC * image: part of a text line, LF moves past it
    line_spacing: int | None = None  # ESC 3 n / ESC 2 (None = unchanged)


class StreamParser:
    """Incremental ESC/POS parser: ``feed(bytes) -> [Command]``; keeps incomplete tails."""

    def __init__(self) -> None:
        self.buffer = bytearray()
        self._graphics: Image.Image | None = None     # GS ( L stored, waiting for "print"

    def feed(self, data: bytes) -> list[Command]:
        self.buffer += data
        out: list[Command] = []
        pos = 0
        while pos < len(self.buffer):
            parsed = self._parse(pos)
            if parsed is None:
                break
            command, length = parsed
            pos += length
            if command is not None:
                out.append(command)
        del self.buffer[:pos]
        return out

    @property
    def pending(self) -> int:
        """Bytes of an incomplete command still waiting for the rest."""
        return len(self.buffer)

    # -- parsing -----------------------------------------------------------

    def _need(self, pos: int, length: int) -> bool:
        return pos + length <= len(self.buffer)

    def _parse(self, pos: int) -> tuple[Command | None, int] | None:
        b = self.buffer
        first = b[pos]
        if first == DLE:
            return self._parse_dle(pos)
        if first == ESC:
            return self._parse_esc(pos)
        if first == GS:
            return self._parse_gs(pos)
        if first == FS:
            if not self._need(pos, 2):
                return None
            length = 2 if b[pos + 1] in (ord("&"), ord("."), ord("p")) else 3
            if b[pos + 1] == ord("p"):
                length = 4
            return (Command("other", bytes(b[pos:pos + length])), length) if self._need(pos, length) else None
        if first == 0x0A:
            return Command("feed", b"\n", feed_dots=LINE_DOTS), 1
        if first < 0x20:
            return Command("other", bytes([first])), 1
        end = pos
        while end < len(b) and b[end] >= 0x20:
            end += 1
        raw = bytes(b[pos:end])
        return Command("text", raw, text=raw.decode("latin-1")), end - pos

    def _parse_dle(self, pos: int) -> tuple[Command | None, int] | None:
        b = self.buffer
        if not self._need(pos, 3):
            return None
        sub = b[pos + 1]
        if sub == 0x04:                       # DLE EOT n (n = 7, 8 take one more byte)
            n = b[pos + 2]
            length = 4 if n in (7, 8) else 3
            if not self._need(pos, length):
                return None
            return Command("status", bytes(b[pos:pos + length]), status_n=n), length
        if sub == 0x14:                       # DLE DC4 fn m t
            if not self._need(pos, 5):
                return None
            return Command("other", bytes(b[pos:pos + 5])), 5
        return Command("other", bytes(b[pos:pos + 3])), 3

    def _parse_esc(self, pos: int) -> tuple[Command | None, int] | None:
        b = self.buffer
        if not self._need(pos, 2):
            return None
        letter = b[pos + 1]
        if letter == ord("@"):
            return Command("init", bytes(b[pos:pos + 2])), 2
        if letter == ord("*"):                # ESC * m nL nH d1..dk (column bit image)
            if not self._need(pos, 5):
                return None
            m, n = b[pos + 2], b[pos + 3] | b[pos + 4] << 8
            rows = 24 if m in (32, 33) else 8
            length = 5 + n * rows // 8
            if not self._need(pos, length):
                return None
            data = bytes(b[pos + 5:pos + length])
            # Column-major, MSB on top: read as a (rows x n) image and transpose.
            stripe = Image.frombytes("1", (rows, n), data, "raw", "1;I").transpose(Image.Transpose.TRANSPOSE)
            return Command("raster", bytes(b[pos:pos + length]), image=stripe, inline=True), length
        if letter == ord("2"):
            return Command("other", bytes(b[pos:pos + 2]), line_spacing=LINE_DOTS), 2
        if letter in _ESC_FIXED:
            length = _ESC_FIXED[letter]
            return (Command("other", bytes(b[pos:pos + length])), length) if self._need(pos, length) else None
        if not self._need(pos, 3):
            return None
        raw = bytes(b[pos:pos + 3])
        n = b[pos + 2]
        if letter == ord("J"):                # print and feed n dots
            return Command("feed", raw, feed_dots=n), 3
        if letter == ord("d"):                # print and feed n lines
            return Command("feed", raw, feed_dots=n * LINE_DOTS), 3
        if letter == ord("3"):                # line spacing n dots
            return Command("other", raw, line_spacing=n), 3
        if letter in (ord("i"), ord("m")):    # old partial cut
            return Command("cut", bytes(b[pos:pos + 2])), 2
        return Command("other", raw), 3       # ESC x n: one parameter byte

    def _parse_gs(self, pos: int) -> tuple[Command | None, int] | None:
        b = self.buffer
        if not self._need(pos, 2):
            return None
        letter = b[pos + 1]
        if letter == ord("v"):                # GS v 0 m xL xH yL yH d1..dk
            if not self._need(pos, 8):
                return None
            width_bytes = b[pos + 4] | b[pos + 5] << 8
            height = b[pos + 6] | b[pos + 7] << 8
            length = 8 + width_bytes * height
            if not self._need(pos, length):
                return None
            data = bytes(b[pos + 8:pos + length])
            image = Image.frombytes("1", (width_bytes * 8, height), data, "raw", "1;I")
            return Command("raster", bytes(b[pos:pos + length]), image=image), length
        if letter == ord("V"):                # GS V m [n]
            if not self._need(pos, 3):
                return None
            length = 3 if b[pos + 2] in (0, 1, 48, 49) else 4
            return (Command("cut", bytes(b[pos:pos + length])), length) if self._need(pos, length) else None
        if letter == ord("("):                # GS ( x pL pH data
            if not self._need(pos, 5):
                return None
            length = 5 + (b[pos + 3] | b[pos + 4] << 8)
            if not self._need(pos, length):
                return None
            raw = bytes(b[pos:pos + length])
            if b[pos + 2] == ord("L"):
                return self._graphics_command(raw), length
            return Command("other", raw), length
        if letter == ord("8"):                # GS 8 L p1 p2 p3 p4 ...
            if not self._need(pos, 7):
                return None
            length = 7 + int.from_bytes(b[pos + 3:pos + 7], "little")
            return (Command("other", bytes(b[pos:pos + length])), length) if self._need(pos, length) else None
        if letter == ord("k"):                # barcodes: NUL-terminated (m <= 6) or counted
            if not self._need(pos, 3):
                return None
            m = b[pos + 2]
            if m <= 6:
                end = self.buffer.find(0, pos + 3)
                if end < 0:
                    return None
                return Command("other", bytes(b[pos:end + 1])), end + 1 - pos
            if not self._need(pos, 4):
                return None
            length = 4 + b[pos + 3]
            return (Command("other", bytes(b[pos:pos + length])), length) if self._need(pos, length) else None
        if letter in _GS_FIXED:
            length = _GS_FIXED[letter]
            return (Command("other", bytes(b[pos:pos + length])), length) if self._need(pos, length) else None
        if not self._need(pos, 3):
            return None
        return Command("other", bytes(b[pos:pos + 3])), 3

    def _graphics_command(self, raw: bytes) -> Command:
        """GS ( L: fn 112 stores a raster (a bx by c xL xH yL yH data), fn 50 prints it."""
        fn = raw[6] if len(raw) > 6 else None
        if fn == 112 and len(raw) >= 15:
            width, height = raw[11] | raw[12] << 8, raw[13] | raw[14] << 8
            data = raw[15:15 + (width + 7) // 8 * height]
            self._graphics = Image.frombytes("1", ((width + 7) // 8 * 8, height), data, "raw", "1;I").crop(
                (0, 0, width, height))
            return Command("other", raw)
        if fn == 50 and self._graphics is not None:
            image, self._graphics = self._graphics, None
            return Command("raster", raw, image=image)
        return Command("other", raw)


@dataclass
class DecodedJob:
    commands: list[Command] = field(default_factory=list)

    @property
    def rasters(self) -> list[Image.Image]:
        return [c.image for c in self.commands if c.kind == "raster" and c.image is not None]

    @property
    def cuts(self) -> int:
        return sum(1 for c in self.commands if c.kind == "cut")

    @property
    def status_requests(self) -> list[int]:
        return [c.status_n for c in self.commands if c.kind == "status" and c.status_n is not None]

    @property
    def text(self) -> str:
        return "".join(c.text for c in self.commands if c.kind == "text")

    def page(self, width: int | None = None) -> Image.Image | None:
        """The paper as printed: rasters stacked left-aligned, feeds between
        them as blank rows, trailing feed (before the cut) left out."""
        return render_page(self.commands, width)


def render_page(commands: list[Command], width: int | None = None) -> Image.Image | None:
    pieces: list[Image.Image | int] = []
    spacing = LINE_DOTS
    inline_height = 0                 # height of ESC * images on the current line
    for command in commands:
        if command.line_spacing is not None:
            spacing = command.line_spacing
        if command.kind == "raster" and command.image is not None:
            pieces.append(command.image)
            inline_height = command.image.height if command.inline else 0
        elif command.kind == "feed" and pieces:
            if command.raw == b"\n" and inline_height:
                # LF after a column image: the line is max(image, spacing) tall.
                pieces.append(max(spacing - inline_height, 0))
            elif command.raw == b"\n":
                pieces.append(spacing)
            else:
                pieces.append(command.feed_dots)
            inline_height = 0
    while pieces and isinstance(pieces[-1], int):
        pieces.pop()
    images = [p for p in pieces if isinstance(p, Image.Image)]
    if not images:
        return None
    page_width = width or max(im.width for im in images)
    height = sum(p.height if isinstance(p, Image.Image) else p for p in pieces)
    page = Image.new("1", (page_width, height), 255)
    y = 0
    for piece in pieces:
        if isinstance(piece, int):
            y += piece
            continue
        page.paste(piece, (0, y))
        y += piece.height
    return page


def decode(data: bytes) -> DecodedJob:
    """Parse a complete byte string (e.g. a saved ``.bin`` job)."""
    parser = StreamParser()
    return DecodedJob(parser.feed(data))
