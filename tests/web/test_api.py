"""JSON API v1 over a real server: OpenAPI document, status, issuing with API keys, errors, rate limit."""

from __future__ import annotations

import json

import httpx
from pg_server import free_port
from web_helpers import start_web

from db import api_keys
from db.models import ApiKey


def _strip_clock(status: dict) -> dict:
    """``longest_wait_s`` grows with the clock between two reads; everything else must match."""
    for service in status["services"]:
        service.pop("longest_wait_s", None)
    return status


def test_openapi_document_describes_the_api(web_server):
    answer = httpx.get(web_server.url + "/api/v1/openapi.json")
    assert answer.status_code == 200
    doc = answer.json()
    assert doc["openapi"].startswith("3.")
    assert {"/api/v1/status", "/api/v1/tickets"} <= set(doc["paths"])
    assert "post" in doc["paths"]["/api/v1/tickets"] and "201" in doc["paths"]["/api/v1/tickets"]["post"]["responses"]
    assert not any(path.startswith("/t/") or path.startswith("/board") for path in doc["paths"])
    assert any(s.get("type") == "http" and s.get("scheme") == "bearer"
               for s in doc["components"]["securitySchemes"].values())
    assert httpx.get(web_server.url + "/api/v1/docs").status_code == 200


def test_status_is_what_onestop_status_prints(web_server, onestop):
    onestop("issue", "TP")
    onestop("issue", "DD")
    onestop("call", "--counter", "1")
    answer = httpx.get(web_server.url + "/api/v1/status")
    assert answer.status_code == 200
    assert _strip_clock(answer.json()) == _strip_clock(json.loads(onestop("status").stdout))


def test_status_follows_each_change_within_2_s(web_server, onestop):
    """The status document is kept between changes; a committed change shows in the next reads."""
    import time

    url = web_server.url + "/api/v1/status"
    assert httpx.get(url).json()["waiting"]["TP"] == 0
    onestop("issue", "TP")
    deadline = time.monotonic() + 2
    while httpx.get(url).json()["waiting"]["TP"] != 1:
        assert time.monotonic() < deadline, "the issued ticket did not show in /api/v1/status within 2 s"
        time.sleep(0.02)
    onestop("call", "--counter", "1")
    deadline = time.monotonic() + 2
    while (current := httpx.get(url).json()["counters"][0]["current"]) is None:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    assert current["code"] == "A001" and current["status"] == "called"


def test_issuing_needs_a_valid_key(web_server, onestop):
    url = web_server.url + "/api/v1/tickets"
    body = {"service": "TP", "priority": False}
    no_key = httpx.post(url, json=body)
    assert no_key.status_code == 401 and "error" in no_key.json()
    assert no_key.headers["www-authenticate"] == "Bearer"
    assert httpx.post(url, json=body, headers={"Authorization": "Bearer not-a-key"}).status_code == 401

    created = json.loads(onestop("api-key", "create", "zalo-bot").stdout)
    assert created["name"] == "zalo-bot" and len(created["key"]) >= 40
    auth = {"Authorization": f"Bearer {created['key']}"}
    answer = httpx.post(url, json=body, headers=auth)
    assert answer.status_code == 201
    ticket = answer.json()
    assert ticket["service"] == "TP" and ticket["status"] == "waiting" and ticket["code"] == "A001"
    assert ticket["track_url"].startswith(web_server.url + f"/t/{ticket['id']}-")
    assert httpx.get(ticket["track_url"], headers={"Accept": "application/json"}).json()["code"] == "A001"
    priority = httpx.post(url, json={"service": "ks", "priority": True}, headers=auth).json()
    assert priority["priority"] is True and priority["service"] == "KS"

    listed = json.loads(onestop("api-key", "list").stdout)
    assert [k["name"] for k in listed] == ["zalo-bot"] and created["key"] not in json.dumps(listed)
    assert ApiKey.get().key_hash != created["key"]                  # only the hash is stored
    onestop("api-key", "revoke", "zalo-bot")
    assert httpx.post(url, json=body, headers=auth).status_code == 401


def test_bad_input_gets_a_4xx_json_error_never_a_traceback(web_server):
    key = api_keys.create_key("tests")
    auth = {"Authorization": f"Bearer {key}"}
    url = web_server.url + "/api/v1/tickets"
    cases = [
        (httpx.post(url, json={"service": "NOPE"}, headers=auth), 404),
        (httpx.post(url, json={}, headers=auth), 422),
        (httpx.post(url, json={"service": "TP", "priority": "often"}, headers=auth), 422),
        (httpx.post(url, json={"service": "TP", "name": "Nguyễn Văn A"}, headers=auth), 422),
        (httpx.post(url, content=b"{not json", headers=auth | {"Content-Type": "application/json"}), 422),
        (httpx.get(web_server.url + "/api/v1/nothing"), 404),
        (httpx.delete(web_server.url + "/api/v1/status"), 405),
    ]
    for answer, status in cases:
        assert answer.status_code == status, answer.text
        assert isinstance(answer.json()["error"], str) and "Traceback" not in answer.text


def test_every_public_route_is_rate_limited_per_client_address(web_db):
    """One budget per client address over all routes; past it every route answers 429 JSON."""
    db_url, _ = web_db
    server = start_web(db_url, free_port(), "--rate-limit", "12/minute")   # the start-up probe used some
    try:
        paths = ["/api/v1/status", "/board", "/", "/static/app.css"]
        answers = [httpx.get(server.url + paths[i % 4]).status_code for i in range(13)]
        first_refusal = answers.index(429)
        assert set(answers[:first_refusal]) == {200} and set(answers[first_refusal:]) == {429}, answers
        for path in paths:
            limited = httpx.get(server.url + path, headers={"Accept": "application/json"})
            assert limited.status_code == 429 and "error" in limited.json()
            assert limited.headers["retry-after"]
        page = httpx.get(server.url + "/board", headers={"Accept": "text/html"})
        assert page.status_code == 429 and "Quá nhiều yêu cầu" in page.text
    finally:
        assert server.stop() == 0


def test_province_json_lists_every_site_with_its_figures_and_needs_no_key(web_server, onestop):
    onestop("issue", "TP")
    onestop("issue", "TP")
    answer = httpx.get(web_server.url + "/api/v1/province")
    assert answer.status_code == 200
    sites = answer.json()["sites"]
    assert len(sites) == 1
    row = sites[0]
    assert row["waiting"] == 2 and row["served_today"] == 0
    assert row["longest_wait_s"] is not None and row["data_up_to"] is not None
    assert "/api/v1/province" in httpx.get(web_server.url + "/api/v1/openapi.json").json()["paths"]
