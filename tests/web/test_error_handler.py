"""The one error translation: OnestopError -> its HTTP status, anything unexpected -> a generic 500."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import httpx
from fastapi import FastAPI

from db.errors import LimitReached
from errors import UNEXPECTED_EN
from web import errors


def _app() -> FastAPI:
    app = FastAPI()
    errors.install(app)

    @app.get("/api/v1/full")
    def full():
        raise LimitReached("Hết số", "No more numbers")

    @app.get("/api/v1/broken")
    def broken():
        raise RuntimeError("secret internal detail /etc/passwd")

    @app.get("/page/broken")
    def page_broken():
        raise RuntimeError("secret internal detail")

    return app


def _get(path: str, **headers) -> httpx.Response:
    async def run() -> httpx.Response:
        transport = httpx.ASGITransport(app=_app(), raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.get(path, headers=headers)

    # a thread of its own: Playwright's sync API keeps an event loop running in the main thread
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, run()).result()


def test_domain_error_gets_the_status_of_its_kind_as_json():
    answer = _get("/api/v1/full")
    assert answer.status_code == 409
    assert answer.json() == {"error": "No more numbers", "error_vi": "Hết số", "kind": "limit_reached"}


def test_unexpected_error_is_a_generic_500_without_detail():
    answer = _get("/api/v1/broken")
    assert answer.status_code == 500 and answer.json()["error"] == UNEXPECTED_EN
    assert "secret" not in answer.text and "Traceback" not in answer.text
    page = _get("/page/broken", accept="text/html")
    assert page.status_code == 500 and "<html" in page.text
    assert "secret" not in page.text and "Traceback" not in page.text
