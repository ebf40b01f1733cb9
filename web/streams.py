"""Server-Sent Events streams of live pages (sse-starlette does the framing and the pings).

Every stream starts with the current state, read after subscribing: a phone
that slept and reconnects (EventSource does it by itself, ``retry`` 2 s)
is right again at once.  A ``ping`` event every 15 s lets the page notice a
connection that died silently and reopen it.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from typing import Any

from sse_starlette.event import ServerSentEvent
from sse_starlette.sse import EventSourceResponse

from web.live import LiveHub, Subscriber

PING_S = 15
RETRY_MS = 2000


def _ping() -> ServerSentEvent:
    return ServerSentEvent(event="ping", data="")


def stream_response(hub: LiveHub, sub: Subscriber, first: Any, render: Callable[[Any], dict]) -> EventSourceResponse:
    """Send ``render(first)``, then ``render(value)`` for each newer value, until the client leaves."""

    async def events() -> AsyncIterator[ServerSentEvent]:
        try:
            yield ServerSentEvent(event="state", data=json.dumps(render(first), ensure_ascii=False), retry=RETRY_MS)
            while True:
                value = await sub.next()
                yield ServerSentEvent(event="state", data=json.dumps(render(value), ensure_ascii=False))
        finally:
            hub.unsubscribe(sub)

    return EventSourceResponse(events(), ping=PING_S, ping_message_factory=_ping,
                               headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})
