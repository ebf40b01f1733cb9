"""``GET /api/v1/status``: the hall's state, exactly what ``onestop status`` prints."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from web.schemas import Error, Status

router = APIRouter(prefix="/api/v1", tags=["status"])


@router.get("/status", response_model=Status, responses={503: {"model": Error}})
def status(request: Request) -> Response:
    """``db.status.hall_status()``, as ``onestop status`` prints it (read once per change, see ``web.status_cache``)."""
    return Response(request.app.state.status.body(), media_type="application/json")
