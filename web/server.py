"""Running the web service with uvicorn until SIGINT/SIGTERM (uvicorn's own handlers stop it cleanly)."""

from __future__ import annotations

import uvicorn

from db.errors import InvalidInput
from web.app import create_app
from web.ratelimit import DEFAULT_LIMIT

DEFAULT_LISTEN = "127.0.0.1:8080"


def parse_listen(text: str) -> tuple[str, int]:
    """``HOST:PORT`` (``[::]:8080`` for IPv6) -> (host, port)."""
    host, sep, port = text.rpartition(":")
    host = host.strip("[]")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise InvalidInput(f"Địa chỉ nghe không hợp lệ: {text!r} (dạng HOST:PORT)",
                           f"Bad listen address {text!r} (use HOST:PORT, e.g. 0.0.0.0:8080)")
    return host, int(port)


def serve(listen: str = DEFAULT_LISTEN, *, rate_limit: str = DEFAULT_LIMIT,
          forwarded_allow_ips: str = "127.0.0.1", access_log: bool = False) -> None:
    host, port = parse_listen(listen)
    config = uvicorn.Config(create_app(rate_limit=rate_limit), host=host, port=port, log_level="warning",
                            access_log=access_log, proxy_headers=True, forwarded_allow_ips=forwarded_allow_ips,
                            timeout_graceful_shutdown=3, server_header=False)
    uvicorn.Server(config).run()
