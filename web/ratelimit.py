"""A request limit per client address on every route (slowapi over the ``limits`` library).

Counted in this process's memory: with several ``onestop web`` processes
each keeps its own count.  Behind a reverse proxy the client address comes
from ``X-Forwarded-For`` (uvicorn's ``proxy_headers``, trusted from the
addresses in ``--forwarded-allow-ips``).  An open live stream counts once,
when it starts.
"""

from __future__ import annotations

from slowapi import Limiter
from slowapi.util import get_remote_address

DEFAULT_LIMIT = "300/minute"


def make_limiter(limit: str = DEFAULT_LIMIT) -> Limiter:
    return Limiter(key_func=get_remote_address, default_limits=[limit], headers_enabled=False)
