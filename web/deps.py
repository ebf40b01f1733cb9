"""Request dependencies: the API key of write calls, the page language, the live hub."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from db.api_keys import check_key
from web.i18n import pick_lang
from web.live import LiveHub

_bearer = HTTPBearer(auto_error=False, description="An API key made with `onestop api-key create NAME`")


def _key_with(scope: str):
    """A dependency: the name of the caller's key, which must carry ``scope``.

    A missing, wrong or revoked key answers 401; a key made for other calls 403.
    """
    async def api_key(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> str:
        key = credentials.credentials if credentials is not None else None
        return await run_in_threadpool(check_key, key, scope)

    return api_key


def lang(request: Request) -> str:
    return pick_lang(request.query_params.get("lang"))


def hub(request: Request) -> LiveHub:
    return request.app.state.hub


#: parameter types of the routes
TicketsKey = Annotated[str, Depends(_key_with("tickets"))]
BookingsKey = Annotated[str, Depends(_key_with("bookings"))]
Lang = Annotated[str, Depends(lang)]
Hub = Annotated[LiveHub, Depends(hub)]
