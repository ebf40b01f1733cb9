"""``/api/v1/slots`` and ``/api/v1/bookings``: another system (a province portal, a call centre) books places.

Reading the free slots is public, like the booking page; placing a booking needs
an API key. The rules and refusals are the domain's (``db.bookings``): a full
slot or a limit answers 409, a malformed phone or time 400, an unknown service 404,
each with the one-line reason in both languages.
"""

from __future__ import annotations

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from db import bookings, inputs
from web.deps import BookingsKey
from web.schemas import Booking, BookingRequest, Error, Slot

router = APIRouter(prefix="/api/v1", tags=["bookings"])


@router.get("/slots", response_model=list[Slot], responses={404: {"model": Error}, 409: {"model": Error},
                                                             422: {"model": Error}})
def list_slots(service: str = Query(min_length=1, max_length=inputs.SERVICE_CODE.longest, description="service code"),
               day: str = Query(min_length=10, max_length=10, description="YYYY-MM-DD")) -> JSONResponse:
    """The slots of one service and day still bookable, with places left (empty on a closed day)."""
    return JSONResponse([slot.to_json() for slot in bookings.open_slots(service, day)])


@router.post("/bookings", status_code=201, response_model=Booking,
             responses={401: {"model": Error}, 403: {"model": Error}, 404: {"model": Error}, 409: {"model": Error},
                        422: {"model": Error}})
def create_booking(body: BookingRequest, key_name: BookingsKey) -> JSONResponse:
    """Book one place, as the citizen's /book page does (recorded with source ``api:KEYNAME``)."""
    info = bookings.book(body.service, body.slot_start, body.name, body.phone, client=body.client,
                         source=f"api:{key_name}"[:16])
    return JSONResponse(info.to_json(), status_code=201)
