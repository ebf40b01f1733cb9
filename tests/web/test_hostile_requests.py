"""Every route, every field, every hostile value: a clear refusal, nothing written, nothing leaked.

The same values as the CLI's hostile-input test (``tests/hostile.py``) go into
each field of each public route and API request of a real ``onestop web``
process on each engine.  Each answer must be a refusal (4xx) in the error
table's shape — JSON ``error`` + ``error_vi`` for the API, an HTML page for a
citizen's page — or, where the value happens to be acceptable, a normal answer;
never a 500, never a traceback, never the typed markup unescaped; and the
database must be exactly as it was (no ticket, no booking, no event).
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from urllib.parse import quote, urlencode

import httpx
import pytest
from hostile import VALUES, fingerprint
from pg_server import free_port
from web_helpers import start_web

#: what a browser could carry besides the CLI's values: markup that must come back escaped
WEB_VALUES = {**{k: v for k, v in VALUES.items() if k != "long_1m"}, "markup": "<script>alert(1)</script>",
              "long_100k": "A" * 100_000}

SITE = """
[site]
name = "UBND xã Quang Kim - Bộ phận Một cửa"
timezone = "Asia/Ho_Chi_Minh"
opening_hours = ["00:00-24:00"]
days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

[[services]]
code = "TP"
name = "Chứng thực, hộ tịch"
prefix = "A"
booking = { slot_min = 15, per_slot = 2 }

[[counters]]
number = 1
services = ["TP"]

[booking]
days_ahead = 3

[web]
public_url = "{url}"
"""


@pytest.fixture
def server(db_url, tmp_path):
    from site_setup import connect_with_site

    from db.connection import close

    port = free_port()
    path = tmp_path / "site.toml"
    path.write_text(SITE.replace("{url}", f"http://127.0.0.1:{port}"), encoding="utf-8")
    connect_with_site(db_url, str(path))
    web = start_web(db_url, port, "--rate-limit", "100000/minute")
    yield web
    code = web.stop()
    stderr = web.process.stderr.read()
    close()
    assert code == 0, stderr
    assert "Traceback" not in stderr, stderr


def _raw(text: str) -> bytes:
    """The bytes a hostile client sends: lone surrogates become the invalid UTF-8 they stand for."""
    return text.encode("utf-8", "surrogatepass")


def _json(body: dict) -> dict:
    return {"content": _raw(json.dumps(body, ensure_ascii=False)), "headers": {"Content-Type": "application/json"}}


def _form(fields: dict) -> dict:
    return {"content": urlencode({k: _raw(v) for k, v in fields.items()}).encode(),
            "headers": {"Content-Type": "application/x-www-form-urlencoded"}}


def _stored() -> str:
    """Every row except the API key's ``last_used_at`` bookkeeping (a read may touch it)."""
    return fingerprint(skip={"api_key"})


def _problems(answer: httpx.Response, *, api: bool) -> list[str]:
    problems = []
    body = answer.text
    if answer.status_code >= 500:
        problems.append(f"status {answer.status_code}")
    if "Traceback" in body or 'File "' in body:
        problems.append("traceback in the answer")
    if not api and "<script>alert(1)" in body:
        problems.append("markup echoed unescaped")   # (inside a JSON string it is inert text)
    if len(body) > 200_000:
        problems.append(f"an answer of {len(body)} characters")
    if api and answer.status_code >= 400:
        try:
            shape = answer.json()
        except json.JSONDecodeError:
            return problems + ["an API refusal that is not JSON"]
        if not (isinstance(shape, dict) and shape.get("error") and shape.get("error_vi")):
            problems.append(f"an API refusal without error/error_vi: {shape}")
    return problems


class Probe:
    """Sends each hostile request and notes what is wrong with its answer.

    A value that happens to be acceptable (an empty optional ``client``) may be
    stored; a refused one must leave every row as it was, checked per request.
    """

    def __init__(self, *, api: bool) -> None:
        self.api = api
        self.bad: dict[str, list[str]] = {}
        self.sent = self.refused = 0
        self.stored = _stored()

    def send(self, label: str, method, path: str, **request) -> None:
        answer = method(path, **request)
        problems = _problems(answer, api=self.api)
        now = _stored()
        self.sent += 1
        if answer.status_code >= 400:
            self.refused += 1
            if now != self.stored:
                problems.append(f"refused with {answer.status_code} but the database changed")
        self.stored = now
        if problems:
            self.bad[label] = problems


def _with(auth: dict, request: dict) -> dict:
    return {**request, "headers": {**request["headers"], **auth}}


def _free_slot(url: str) -> str:
    for ahead in range(4):
        day = (date.today() + timedelta(days=ahead)).isoformat()
        answer = httpx.get(url + "/api/v1/slots", params={"service": "TP", "day": day})
        free = [s for s in answer.json() if s.get("places_left", 0) > 0] if answer.status_code == 200 else []
        if free:
            return free[-1]["start"]
    raise AssertionError("no free slot in the next days")


def test_api_requests_with_hostile_fields_are_refused_in_the_error_table_shape(server):
    from db import api_keys

    auth = {"Authorization": f"Bearer {api_keys.create_key('hostile-test')}"}
    good_booking = {"service": "TP", "slot_start": _free_slot(server.url), "name": "Bùi Thị Lan",
                    "phone": "0912345678"}
    probe = Probe(api=True)
    with httpx.Client(base_url=server.url, timeout=30) as client:
        for name, value in WEB_VALUES.items():
            ticket = _with(auth, _json({"service": value}))
            probe.send(f"tickets.service={name}", client.post, "/api/v1/tickets", **ticket)
            for field in ("service", "slot_start", "name", "phone", "client"):
                booking = _with(auth, _json({**good_booking, field: value}))
                probe.send(f"bookings.{field}={name}", client.post, "/api/v1/bookings", **booking)
            for param in ("service", "day") if name != "long_100k" else ():   # URLs: the HTTP server's limit
                query = urlencode({k: _raw(v) for k, v in
                                   {"service": "TP", "day": date.today().isoformat(), param: value}.items()})
                probe.send(f"slots.{param}={name}", client.get, f"/api/v1/slots?{query}")
    assert not probe.bad, probe.bad
    assert probe.refused > probe.sent * 0.9, "most hostile values must be refused"


def test_citizen_pages_with_hostile_links_and_forms_answer_a_page_not_a_traceback(server):
    probe = Probe(api=False)
    with httpx.Client(base_url=server.url, timeout=30, headers={"Accept": "text/html"}) as client:
        for name, value in WEB_VALUES.items():
            if name == "long_100k":
                continue                               # a URL of 100 kB is the HTTP server's to refuse
            typed = quote(_raw(value), safe="")
            for path in (f"/t/{typed}", f"/b/{typed}", f"/book/{typed}", f"/book/TP?day={typed}",
                         f"/?lang={typed}", f"/province?lang={typed}", f"/board?lang={typed}"):
                probe.send(f"GET {path[:40]} ({name})", client.get, path)
            if name in ("escape", "markup", "huge", "sql_quote", "nul"):   # a live stream: a few are enough
                probe.send(f"GET /t/.../events ({name})", client.get, f"/t/{typed}/events")
            for field in ("slot", "name", "phone", "day"):
                form = _form({"slot": "", "name": "Bùi Thị Lan", "phone": "0912345678", "day": "", field: value})
                probe.send(f"POST /book/TP {field}={name}", client.post, "/book/TP", **form)
            cancel = _form({"confirm": value})
            probe.send(f"POST /b/({name})/cancel", client.post, f"/b/{typed}/cancel", **cancel)
    assert not probe.bad, probe.bad
