"""The web service's one translation of errors: JSON ``{"error": ...}`` or a plain page, never a traceback.

``errors.OnestopError`` carries its HTTP status (``exc.http_status``, from the
one table ``errors.KINDS``); FastAPI's validation errors, unknown paths and
the rate limit (``rate_limited``) become the same body; anything unexpected is logged here and
answered with a generic 500.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from errors import UNEXPECTED_EN, UNEXPECTED_VI, OnestopError
from web.i18n import TEXTS, pick_lang
from web.templating import templates

log = logging.getLogger(__name__)

_STATUS_TEXT = {
    404: ("Không tìm thấy trang này", "Not found"),
    405: ("Phương thức không được hỗ trợ", "Method not allowed"),
    429: ("Quá nhiều yêu cầu, vui lòng thử lại sau ít phút", "Too many requests, please try again in a minute"),
}


def wants_html(request: Request) -> bool:
    """Pages for browsers; JSON for the API and for clients that ask for it."""
    if request.url.path.startswith("/api/"):
        return False
    accept = request.headers.get("accept", "")
    return "text/html" in accept and "application/json" not in accept.split(",")[0]


def _answer(request: Request, status: int, message_vi: str, message_en: str, body: dict,
            headers: dict | None = None):
    if wants_html(request):
        lang = pick_lang(request.query_params.get("lang"))
        message = message_en if lang == "en" else message_vi
        return templates.TemplateResponse(request, "error.html", {"t": TEXTS[lang], "lang": lang, "message": message,
                                                                  "status": status},
                                          status_code=status, headers=headers)
    return JSONResponse(body, status_code=status, headers=headers)


async def onestop_error(request: Request, exc: OnestopError):
    headers = {"WWW-Authenticate": "Bearer"} if exc.http_status == 401 else None
    return _answer(request, exc.http_status, exc.message_vi, exc.message_en, exc.to_json(), headers)


async def validation_error(request: Request, exc: RequestValidationError):
    problems = []
    for item in exc.errors():
        where = ".".join(str(p) for p in item.get("loc", ()) if p != "body")
        problems.append(f"{where}: {item.get('msg')}" if where else str(item.get("msg")))
    text = "; ".join(problems) or "invalid request"
    return JSONResponse({"error": text, "error_vi": f"Yêu cầu không hợp lệ: {text}", "kind": "invalid_input"},
                        status_code=422)


async def http_error(request: Request, exc: StarletteHTTPException):
    vi, en = _STATUS_TEXT.get(exc.status_code, (str(exc.detail), str(exc.detail)))
    return _answer(request, exc.status_code, vi, en, {"error": en, "error_vi": vi}, getattr(exc, "headers", None))


async def rate_limited(request: Request):
    """The answer past the rate limit (sent by ``web.ratelimit``)."""
    vi, en = _STATUS_TEXT[429]
    return _answer(request, 429, vi, en, {"error": en, "error_vi": vi, "kind": "rate_limited"}, {"Retry-After": "60"})


async def unexpected(request: Request, exc: Exception):
    log.exception("web: unexpected error on %s %s", request.method, request.url.path)
    if wants_html(request):
        return _answer(request, 500, UNEXPECTED_VI, UNEXPECTED_EN, {})
    return JSONResponse({"error": UNEXPECTED_EN, "error_vi": UNEXPECTED_VI}, status_code=500)


def install(app: FastAPI) -> None:
    app.add_exception_handler(OnestopError, onestop_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, unexpected)
