"""Running the web service with uvicorn until SIGINT/SIGTERM, then exit 0.

uvicorn's handlers stop it cleanly (open streams are closed, the live hub's
thread joined), but since uvicorn 0.29 it raises the caught signal again
afterwards, so the process would die of it (exit -15): ``_Server`` keeps the
graceful stop and leaves out the re-raise.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator

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


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = {sig: signal.signal(sig, self.handle_exit) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def serve(listen: str = DEFAULT_LISTEN, *, rate_limit: str = DEFAULT_LIMIT,
          forwarded_allow_ips: str = "127.0.0.1", access_log: bool = False) -> None:
    host, port = parse_listen(listen)
    config = uvicorn.Config(create_app(rate_limit=rate_limit), host=host, port=port, log_level="warning",
                            access_log=access_log, proxy_headers=True, forwarded_allow_ips=forwarded_allow_ips,
                            timeout_graceful_shutdown=3, server_header=False)
    _Server(config).run()
