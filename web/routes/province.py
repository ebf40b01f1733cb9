"""``GET /api/v1/province``: every site of the database (``db.province.province_view``), as JSON.

Public, like ``/board``: it shows aggregated figures per site (counts, waits,
a mean rating), never a name, phone number or ticket, so there is nothing an
API key would protect; the rate limit of every public route applies.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from db.province import province_view

router = APIRouter(tags=["province"])


@router.get("/api/v1/province")
def province() -> JSONResponse:
    """One row per site: waiting, longest wait vs target, counters open, served and satisfaction today, data up to."""
    return JSONResponse({"sites": province_view()})
