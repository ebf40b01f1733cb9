"""A request limit per client address on every route, counted with the ``limits`` library.

A pure ASGI middleware: each request (page, static file, API call, the
start of a live stream) costs one hit on the client's budget, in a moving
window.  Counted in this process's memory, so with several ``onestop web``
processes each keeps its own count.  Behind a reverse proxy the client
address is the one in ``X-Forwarded-For`` (uvicorn's ``proxy_headers``
rewrite it before this runs, for the proxies ``--forwarded-allow-ips``
trusts).

(slowapi, the usual wrapper, finds no route in FastAPI's nested routers of
this version and so silently limits nothing; ``limits`` is what it wraps.)
"""

from __future__ import annotations

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

DEFAULT_LIMIT = "300/minute"


def parse_limit(text: str) -> RateLimitItem:
    """``"300/minute"`` -> the limit; ``ValueError`` for a malformed one."""
    return parse(text)


class RateLimitMiddleware:
    def __init__(self, app: ASGIApp, limit: str = DEFAULT_LIMIT) -> None:
        self.app = app
        self.item = parse_limit(limit)
        self.limiter = MovingWindowRateLimiter(MemoryStorage())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        address = client[0] if client else "unknown"
        if self.limiter.hit(self.item, address):
            await self.app(scope, receive, send)
            return
        from web.errors import rate_limited

        response = await rate_limited(Request(scope, receive))
        await response(scope, receive, send)
