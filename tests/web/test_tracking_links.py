"""Tracking links and their tokens, the tracking view's numbers, API keys, the ``[web]`` site key."""

from __future__ import annotations

import pytest
from web_helpers import site_file

from db import api_keys, queue, tracking
from db.errors import AuthError, ConfigError, NotAllowed, NotFound
from db.models import ApiKey, Setting
from db.site import import_site
from db.site_config import load_site_file, parse_site_text
from db.tracking_view import track_view, track_views


@pytest.fixture
def linked_site(site_db, tmp_path):
    import_site(load_site_file(site_file(tmp_path, "https://hangdoi.quangkim.gov.vn/")))
    tracking._cache = None
    return site_db


def test_ticket_object_carries_a_track_url_only_with_public_url(site_db, tmp_path):
    tracking._cache = None
    assert queue.issue_ticket("TP").to_json()["track_url"] is None
    import_site(load_site_file(site_file(tmp_path, "https://hangdoi.quangkim.gov.vn/")))
    tracking._cache = None
    ticket = queue.issue_ticket("TP")
    assert ticket.to_json()["track_url"] == f"https://hangdoi.quangkim.gov.vn/t/{ticket.id}-" + \
        tracking.token_for(ticket.id, ticket.service_day.isoformat())


def test_token_is_80_bits_of_a_keyed_mac_per_ticket_and_day(linked_site):
    ticket = queue.issue_ticket("TP")
    token = ticket.track_url.rsplit("-", 1)[1]
    assert len(token) == 16 and token == token.lower()            # 16 base32 characters = 80 bits
    day = ticket.service_day.isoformat()
    assert tracking.verify(ticket.id, token)
    assert not tracking.verify(ticket.id + 1, token)
    assert not tracking.verify(ticket.id, token, service_day="2020-01-01")
    other_secret = tracking.token_for(ticket.id, day, secret=b"x" * 32)
    assert other_secret != token                                   # the secret is in the MAC
    secret = Setting.get(Setting.key == tracking.SECRET_KEY).value
    assert len(bytes.fromhex(secret)) == 32


def test_parse_track_url_accepts_genuine_links_only(linked_site):
    ticket = queue.issue_ticket("TP")
    assert tracking.parse_track_url(ticket.track_url) == ticket.id
    assert tracking.parse_track_url(ticket.track_url + "?lang=en") == ticket.id
    assert tracking.parse_track_url(f"/t/{ticket.id}-{ticket.track_url.rsplit('-', 1)[1]}") == ticket.id
    base, token = ticket.track_url.rsplit("-", 1)
    for text in (base + "-" + token[::-1], base + "-" + token[:-1], "OSQ1:UBND:20261125:A001:1", "", "hello",
                 f"https://x/t/{ticket.id + 1}-{token}"):
        assert tracking.parse_track_url(text) is None, text


def test_people_ahead_matches_find_ticket_with_priority_and_transfers(linked_site):
    tickets = [queue.issue_ticket("TP"), queue.issue_ticket("TP"), queue.issue_ticket("KS"),
               queue.issue_ticket("TP", priority=True), queue.issue_ticket("TP")]
    queue.call_ticket(1, tickets[1].code)
    queue.transfer(1, to_service="KS")
    views = track_views([t.id for t in tickets])
    for t in tickets:
        found = queue.find_ticket(t.id)
        assert views[t.id].status == found.status
        assert views[t.id].ahead == (found.ahead if found.status == "waiting" else None), t.code
    assert views[tickets[3].id].ahead == 0                       # the priority ticket is called first
    assert views[tickets[0].id].ahead == 1


def test_track_view_refuses_wrong_tokens_and_other_days(linked_site, clock):
    import time

    old = queue.issue_ticket("TP", now=time.time() - 86_400)
    with pytest.raises(NotFound):
        track_view(old.id, old.track_url.rsplit("-", 1)[1])
    ticket = queue.issue_ticket("TP")
    with pytest.raises(NotFound):
        track_view(ticket.id, "a" * 16)
    assert track_view(ticket.id, ticket.track_url.rsplit("-", 1)[1]).code == ticket.code


def test_api_keys_are_stored_hashed_and_can_be_revoked(site_db):
    key = api_keys.create_key("crm")
    assert api_keys.check_key(key) == "crm"
    assert key not in {row.key_hash for row in ApiKey.select()}
    with pytest.raises(NotAllowed):
        api_keys.create_key("crm")
    with pytest.raises(AuthError):
        api_keys.check_key("guess")
    with pytest.raises(AuthError):
        api_keys.check_key(None)
    assert api_keys.revoke_key("crm").revoked_at is not None
    with pytest.raises(AuthError):
        api_keys.check_key(key)
    with pytest.raises(NotFound):
        api_keys.revoke_key("nobody")


@pytest.mark.parametrize("url, problem", [
    ("ftp://host", "http"), ("https://", "host"), ("https://host/queue", "path"),
    ("https://host/?a=1", "query"), ("https://host:99999", "port"),
])
def test_web_public_url_is_checked(url, problem):
    with pytest.raises(ConfigError) as info:
        parse_site_text(f'[site]\nname = "X"\n\n[web]\npublic_url = "{url}"\n', "site.toml")
    assert "web.public_url" in str(info.value) and problem in str(info.value)


def test_web_table_refuses_unknown_keys():
    with pytest.raises(ConfigError) as info:
        parse_site_text('[site]\nname = "X"\n[web]\npublic_ulr = "https://a"\n', "site.toml")
    assert "web.public_ulr" in str(info.value)
    assert parse_site_text('[site]\nname = "X"\n[web]\npublic_url = "https://a.vn/"\n').web == {
        "public_url": "https://a.vn"}


def test_the_counter_calls_the_ticket_whose_tracking_qr_it_scans(linked_site):
    """The printed QR holds the tracking link: scanning it at a free counter calls that ticket."""
    from counter_app.scan import parse_call_input
    from db import dossiers
    from db.errors import InvalidInput

    queue.issue_ticket("TP")
    wanted = queue.issue_ticket("TP")
    reference = parse_call_input(wanted.track_url)
    assert queue.call_ticket(1, reference).id == wanted.id
    queue.finish_service(1)
    base, token = queue.issue_ticket("TP").track_url.rsplit("-", 1)
    with pytest.raises(NotFound):
        queue.call_ticket(1, parse_call_input(f"{base}-{token[::-1]}"))      # a changed token names no ticket
    with pytest.raises(InvalidInput):
        dossiers.code_from_scan(wanted.track_url)                              # never taken for a dossier code


def test_the_printed_qr_holds_the_tracking_link_when_there_is_one(linked_site):
    from db.site import load_site
    from services.ticket_printing import ticket_slip

    ticket = queue.issue_ticket("TP")
    assert ticket_slip(ticket, load_site()).qr_payload == ticket.track_url
