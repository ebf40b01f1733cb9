"""``GET /api/v1/status``: the hall's state, exactly what ``onestop status`` prints."""

from __future__ import annotations

from fastapi import APIRouter

from db.status import hall_status
from web.schemas import Error, Status

router = APIRouter(prefix="/api/v1", tags=["status"])


@router.get("/status", response_model=Status, responses={503: {"model": Error}})
def status() -> dict:
    return hall_status().to_json()
