"""``POST /api/v1/tickets``: issue a ticket (an API key is needed)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from db.queue import issue_ticket
from web.deps import TicketsKey
from web.schemas import Error, Ticket, TicketRequest

router = APIRouter(prefix="/api/v1", tags=["tickets"])


@router.post("/tickets", status_code=201, response_model=Ticket,
             responses={401: {"model": Error}, 403: {"model": Error}, 404: {"model": Error}, 409: {"model": Error},
                        422: {"model": Error}})
def create_ticket(body: TicketRequest, key_name: TicketsKey) -> JSONResponse:
    """Issue the next number of a service, as a kiosk does (recorded as kiosk ``api:KEYNAME``)."""
    ticket = issue_ticket(body.service, priority=body.priority, kiosk=f"api:{key_name}")
    return JSONResponse(ticket.to_json(), status_code=201)
