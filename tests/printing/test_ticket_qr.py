"""The QR ticket reference the counter program scans."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from db.ticket_qr import (
    TicketReference,
    TicketReferenceError,
    build_ticket_reference,
    parse_ticket_reference,
    site_slug,
)


def test_reference_format(ticket, site):
    assert build_ticket_reference(ticket, site) == "OSQ1:UBND-XA-QUANG-KIM:20250102:A001:4711"


def test_reference_uses_only_the_qr_alphanumeric_set(ticket, site):
    allowed = set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")
    assert set(build_ticket_reference(ticket, site)) <= allowed


@pytest.mark.parametrize("name, slug", [
    ("UBND xã Quang Kim - Bộ phận Một cửa", "UBND-XA-QUANG-KIM"),
    ("Trung tâm Phục vụ hành chính công tỉnh Đắk Lắk", "TRUNG-TAM-PHUC-VU"),
    ("Đ", "D"),
    ("", "SITE"),
    ("Phường 12", "PHUONG-12"),
])
def test_site_slug_is_short_ascii(name, slug):
    assert site_slug(name) == slug
    assert len(site_slug(name)) <= 20


def test_scanner_noise_is_tolerated():
    """Keyboard-wedge scanners add CR/LF and may send lower case."""
    ref = parse_ticket_reference("osq1:ubnd-xa-quang-kim:20250102:a001:4711\r\n")
    assert ref == TicketReference("UBND-XA-QUANG-KIM", date(2025, 1, 2), "A001", 4711)


@pytest.mark.parametrize("text", ["", "A001", "https://example.com", "OSQ1:X:20251302:A001:1",
                                  "OSQ2:X:20250102:A001:1", "OSQ1:X:20250102:A001:", "OSQ1:X:20250102:A001:12x"])
def test_other_codes_are_refused_with_a_message(text):
    with pytest.raises(TicketReferenceError) as info:
        parse_ticket_reference(text)
    assert info.value.exit_code == 2
    assert "QR" in info.value.message_vi


def test_reference_from_another_site_does_not_match(ticket, site):
    ref = parse_ticket_reference(build_ticket_reference(ticket, site))
    assert not ref.matches_site("UBND xã Quang Trung - Bộ phận Một cửa")


@given(slug=st.from_regex(r"[A-Z0-9]{1,6}(-[A-Z0-9]{1,6}){0,2}", fullmatch=True),
       day=st.dates(min_value=date(2000, 1, 1), max_value=date(2199, 12, 31)),
       code=st.from_regex(r"[A-Z][0-9]{3,4}", fullmatch=True),
       ticket_id=st.integers(min_value=1, max_value=10**12 - 1))
def test_reference_round_trips(slug, day, code, ticket_id):
    ref = TicketReference(slug, day, code, ticket_id)
    assert parse_ticket_reference(str(ref)) == ref
