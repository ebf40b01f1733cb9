"""QR codes drawn as inline SVG on the server (the ``qrcode`` package): no image request, a few KB."""

from __future__ import annotations

import qrcode
import qrcode.image.svg


def qr_svg(text: str) -> str:
    """An ``<svg>`` element holding ``text`` as a QR code (medium error correction, scales to its box)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2,
                         image_factory=qrcode.image.svg.SvgPathImage)
    code.add_data(text)
    code.make(fit=True)
    svg = code.make_image().to_string(encoding="unicode")
    return svg[svg.index("<svg"):]   # no XML declaration inside an HTML page
