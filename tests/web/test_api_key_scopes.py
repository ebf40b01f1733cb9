"""API keys follow roles: a key carries scopes, a call outside them answers 403; making and revoking is audited."""

from __future__ import annotations

import json

import httpx

from db import api_keys
from db.audit import entries

SLOT_BODY = {"service": "TP", "slot_start": "2026-12-31T08:00:00+07:00", "name": "Nguyễn Văn A", "phone": "0912345678"}


def test_a_key_only_does_what_its_scopes_allow(web_server):
    tickets_only = {"Authorization": f"Bearer {api_keys.create_key('kiosk-api', scopes=('tickets',))}"}
    bookings_only = {"Authorization": f"Bearer {api_keys.create_key('portal', scopes=('bookings',))}"}
    tickets, booking = web_server.url + "/api/v1/tickets", web_server.url + "/api/v1/bookings"

    assert httpx.post(tickets, json={"service": "TP"}, headers=tickets_only).status_code == 201
    refused = httpx.post(tickets, json={"service": "TP"}, headers=bookings_only)
    assert refused.status_code == 403
    assert "not allowed: tickets" in json.dumps(refused.json(), ensure_ascii=False)
    refused = httpx.post(booking, json=SLOT_BODY, headers=tickets_only)
    assert refused.status_code == 403
    assert "not allowed: bookings" in json.dumps(refused.json(), ensure_ascii=False)
    assert httpx.post(booking, json=SLOT_BODY, headers=bookings_only).status_code != 403  # (the slot may not exist)
    assert httpx.post(tickets, json={"service": "TP"}).status_code == 401  # no key at all


def test_the_cli_makes_scoped_keys_and_both_changes_are_audited(web_server, onestop):
    made = json.loads(onestop("api-key", "create", "zalo-bot", "--scope", "tickets").stdout)
    assert made["scopes"] == ["tickets"]
    listed = json.loads(onestop("api-key", "list").stdout)
    assert [(k["name"], k["scopes"]) for k in listed] == [("zalo-bot", ["tickets"])]
    onestop("api-key", "revoke", "zalo-bot")
    trail = [(e["action"], e["target"], e["actor"].startswith("os:")) for e in entries()
             if e["action"].startswith("api_key")]
    assert trail == [("api_key_created", "zalo-bot", True), ("api_key_revoked", "zalo-bot", True)]
    created = next(e for e in entries() if e["action"] == "api_key_created")
    assert made["key"] not in json.dumps(created, ensure_ascii=False)  # the key itself is never in the trail
    assert httpx.post(web_server.url + "/api/v1/tickets", json={"service": "TP"},
                      headers={"Authorization": f"Bearer {made['key']}"}).status_code == 401


def test_a_bad_scope_is_refused(web_db):
    import pytest

    from db.errors import InvalidInput

    with pytest.raises(InvalidInput, match="scope"):
        api_keys.create_key("x", scopes=("admin",))
    with pytest.raises(InvalidInput):
        api_keys.create_key("x", scopes=())
