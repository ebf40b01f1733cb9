"""The ASGI application: routers, error handlers, rate limit, static files and the live hub."""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI

from db.tracking_view import track_views
from web import errors
from web.board_data import BoardFeed
from web.live import LiveHub
from web.ratelimit import DEFAULT_LIMIT, RateLimitMiddleware
from web.routes import api_bookings, api_status, api_tickets, board, book, home, province, track
from web.status_cache import StatusCache
from web.templating import static_files


def _read_tracks(ticket_ids: list[int]) -> dict[int, dict]:
    return {tid: view.to_page_json() for tid, view in track_views(ticket_ids).items()}


def create_app(*, rate_limit: str = DEFAULT_LIMIT) -> FastAPI:
    """The web service over the database ``db.connection.connect()`` bound."""
    feed = BoardFeed()
    hub = LiveHub(read_tracks=_read_tracks, read_board=feed.read)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        hub.start()
        try:
            yield
        finally:
            hub.stop()

    app = FastAPI(title="onestop-queue", version="1", summary="Queue tickets, hall status (JSON API v1)",
                  openapi_url="/api/v1/openapi.json", docs_url="/api/v1/docs", redoc_url=None,
                  lifespan=lifespan)
    app.state.hub = hub
    app.state.board = feed
    app.state.status = StatusCache(lambda: hub.position)
    app.add_middleware(RateLimitMiddleware, limit=rate_limit)
    errors.install(app)
    app.mount("/static", static_files(), name="static")
    for router in (home.router, track.router, board.router, book.router, api_status.router, api_tickets.router,
                   api_bookings.router, province.router):
        app.include_router(router)
    return app
