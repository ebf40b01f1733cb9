"""Request and response shapes of the JSON API v1, for validation and the OpenAPI document.
Their limits are the domain's (``db.inputs``, from the columns), the same the
CLI checks, so every door refuses the same value; the domain checks again.

The response bodies are the value objects' own ``to_json()`` (the same the
CLI prints); these models only describe them.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from db import inputs


class TicketRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    service: str = Field(min_length=1, max_length=inputs.SERVICE_CODE.longest, description="service code, e.g. TP",
                         examples=["TP"])
    priority: bool = Field(False, description="priority ticket (elderly, disabled, pregnant, ...)")


class Ticket(BaseModel):
    """The ticket object (as `onestop issue` prints it)."""

    model_config = ConfigDict(extra="allow")

    id: int
    code: str
    number: int
    service: str
    status: str
    priority: bool
    issued_at: str
    called_at: str | None
    counter: int | None
    ahead: int
    estimated_wait_s: int | None
    estimated_wait_range_s: list[int] | None = Field(
        default=None, description="[low, high] seconds when the estimate is uncertain (shown as 10-15 min)")
    service_name: str
    service_day: str
    track_url: str | None = Field(description="the citizen's tracking page; null without [web] public_url")


class Status(BaseModel):
    """What `onestop status` prints: waiting per service, current ticket per counter."""

    model_config = ConfigDict(extra="allow")

    service_day: str
    waiting: dict[str, int]
    services: list[dict]
    counters: list[dict]


class Error(BaseModel):
    error: str
    error_vi: str | None = None
    kind: str | None = None


class BookingRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    service: str = Field(min_length=1, max_length=inputs.SERVICE_CODE.longest, description="service code, e.g. TP",
                         examples=["TP"])
    slot_start: str = Field(min_length=16, max_length=32, description="site-local slot start, YYYY-MM-DDTHH:MM",
                            examples=["2026-12-04T08:15"])
    name: str = Field(min_length=1, max_length=inputs.BOOKING_NAME.longest, description="the citizen's full name")
    phone: str = Field(min_length=9, max_length=inputs.PHONE.longest,
                       description="Vietnamese mobile number, e.g. 0912345678")
    client: str | None = Field(None, max_length=inputs.CLIENT.longest,
                               description="who the booking is for in the calling system "
                               "(counts against max_per_client_per_day); default: none")


class Booking(BaseModel):
    """The booking object (as `onestop book` prints it)."""

    model_config = ConfigDict(extra="allow")

    code: str
    service: str
    slot_start: str
    status: str
    manage_url: str | None = Field(description="the citizen's page to see or cancel it; null without [web] public_url")


class Slot(BaseModel):
    service: str
    start: str
    end: str
    capacity: int
    places_left: int
