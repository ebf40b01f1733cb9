"""Plain value objects returned by the db layer.

Screens, printers and the CLI receive these frozen snapshots instead of live
peewee models, so nothing outside ``db/`` can change queue state by accident.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None


@dataclass(frozen=True)
class RatingLevel:
    value: int
    label: str
    label_en: str


@dataclass(frozen=True)
class SiteInfo:
    """The site settings every program needs (names, time zone, policies)."""

    name: str
    name_en: str
    timezone: str
    opening_hours: tuple[str, ...]
    days: tuple[str, ...]
    rating_levels: tuple[RatingLevel, ...]
    rating_window_s: int = 120
    on_print_failure: str = "show"          # "show" | "cancel"
    allow_priority: bool = False
    dossier_lookup_url: str | None = None   # kiosk "look up my dossier": URL template with {code}
    announcement_template: str = "Mời công dân có số thứ tự {code} đến quầy số {counter}"
    announcement_template_en: str = "Ticket {code}, please go to counter {counter}"
    announcement_repeat: int = 2
    notice: str = ""                        # scrolling line on the hall display
    public_url: str | None = None           # [web] public_url: base of the tickets' tracking links
    display_flash_s: float = 6.0            # [display] flash_s: hall display flashes a new call (0 = off)
    quick_service: str = "auto"             # [kiosk] quick_service: a service code, "auto" (busiest) or "off"
    large_text: bool = False                # [kiosk] large_text / high_contrast: the kiosk's look at rest
    high_contrast: bool = False
    #: kiosk pictograms, (service code, icon) and (group, icon); an icon is a name of assets/icons/ or SVG text
    service_icons: tuple[tuple[str, str], ...] = ()
    group_icons: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ServiceInfo:
    id: int
    code: str
    name: str
    name_en: str
    prefix: str
    group: str | None
    group_en: str | None
    start: int
    end: int
    daily_limit: int | None
    target_wait_min: int | None
    active: bool
    counters: tuple[int, ...] = ()          # numbers of the active counters that call it


@dataclass(frozen=True)
class CounterInfo:
    id: int
    number: int
    name: str
    services: tuple[str, ...]               # service codes in preference order
    keypad_address: int
    active: bool
    paused: bool
    officer: str | None                      # username of the officer logged in
    officer_name: str | None
    current_ticket_id: int | None


@dataclass(frozen=True)
class TicketInfo:
    id: int
    code: str
    number: int
    service: str                             # service code it waits in / was served in
    service_name: str
    service_name_en: str
    issued_service: str                      # service code it was issued for
    status: str
    priority: bool
    service_day: date
    issued_at: datetime
    called_at: datetime | None = None        # first call
    started_at: datetime | None = None
    finished_at: datetime | None = None
    counter: int | None = None               # counter holding it (or that last held it)
    target_counter: int | None = None        # set when transferred to one counter
    officer: str | None = None
    ahead: int = 0
    estimated_wait_s: int | None = None
    #: (low, high) seconds when the estimate is uncertain enough to show as "10-15 min"; None: one figure
    estimated_wait_range_s: tuple[int, int] | None = None
    cancel_reason: str | None = None
    kiosk: str | None = None
    slot_start: datetime | None = None       # appointment tickets: the booked slot's start
    track_url: str | None = None             # the citizen's tracking page (None without [web] public_url)
    extra: dict = field(default_factory=dict)

    @property
    def appointment(self) -> bool:
        """Checked in from a booking (docs/appointments.md)."""
        return self.slot_start is not None

    def to_json(self) -> dict:
        """The ticket object of docs/interfaces.md §4."""
        return {
            "id": self.id,
            "code": self.code,
            "number": self.number,
            "service": self.service,
            "status": self.status,
            "priority": self.priority,
            "issued_at": iso(self.issued_at),
            "called_at": iso(self.called_at),
            "counter": self.counter,
            "ahead": self.ahead,
            "estimated_wait_s": self.estimated_wait_s,
            "estimated_wait_range_s": list(self.estimated_wait_range_s) if self.estimated_wait_range_s else None,
            "service_name": self.service_name,
            "issued_service": self.issued_service,
            "service_day": self.service_day.isoformat(),
            "started_at": iso(self.started_at),
            "finished_at": iso(self.finished_at),
            "target_counter": self.target_counter,
            "cancel_reason": self.cancel_reason,
            "appointment": self.appointment,
            "slot_start": iso(self.slot_start),
            "track_url": self.track_url,
            **self.extra,
        }


@dataclass(frozen=True)
class EventInfo:
    """One row of the append-only event log, as screens consume it."""

    id: int
    at: datetime
    kind: str
    ticket_id: int | None
    code: str | None
    service: str | None
    counter: int | None
    officer: str | None
    data: dict


@dataclass(frozen=True)
class RatingInfo:
    id: int
    counter: int
    value: int
    ticket_id: int | None
    ticket_code: str | None
    pressed_at: datetime
    source: str


@dataclass(frozen=True)
class BookingPolicy:
    """The site-wide ``[booking]`` rules (docs/appointments.md)."""

    days_ahead: int = 7
    grace_min: int = 15
    early_min: int = 30
    max_per_phone_per_day: int = 2
    max_per_client_per_day: int | None = 10


@dataclass(frozen=True)
class SlotInfo:
    """One bookable slot of a service and how many places it has left."""

    service: str
    start: datetime
    end: datetime
    capacity: int
    booked: int

    @property
    def places_left(self) -> int:
        return max(0, self.capacity - self.booked)

    def to_json(self) -> dict:
        return {"service": self.service, "start": iso(self.start), "end": iso(self.end),
                "capacity": self.capacity, "places_left": self.places_left}


@dataclass(frozen=True)
class BookableService:
    """A service that takes bookings, with its slot settings."""

    code: str
    name: str
    name_en: str
    slot_min: int
    per_slot: int


@dataclass(frozen=True)
class BookingInfo:
    """A booking as programs show it; ``status`` includes the computed ``no_show``."""

    id: int
    code: str
    service: str
    service_name: str
    service_name_en: str
    slot_start: datetime
    status: str                      # booked | checked_in | cancelled | no_show
    name: str
    phone: str
    source: str
    created_at: datetime
    manage_url: str | None = None
    checked_in_at: datetime | None = None
    cancelled_at: datetime | None = None
    ticket_id: int | None = None
    ticket_code: str | None = None
    checkin_from: datetime | None = None   # the check-in window
    checkin_until: datetime | None = None
    #: ``/b/TOKEN``: the manage page's path on the web service (a secret, like the link itself:
    #: never in the JSON objects; the web's own pages link to it when there is no public_url)
    manage_path: str | None = None

    def to_public_json(self) -> dict:
        """What a public page or a confirmation may show: no name, no phone."""
        return {
            "code": self.code,
            "service": self.service,
            "service_name": self.service_name,
            "service_name_en": self.service_name_en,
            "slot_start": iso(self.slot_start),
            "status": self.status,
            "manage_url": self.manage_url,
            "checkin_from": iso(self.checkin_from),
            "checkin_until": iso(self.checkin_until),
            "ticket": self.ticket_code,
        }

    def to_json(self) -> dict:
        """The booking object of ``onestop book`` / ``bookings`` (for staff: with name and phone)."""
        return {
            **self.to_public_json(),
            "id": self.id,
            "name": self.name,
            "phone": self.phone,
            "source": self.source,
            "created_at": iso(self.created_at),
            "checked_in_at": iso(self.checked_in_at),
            "cancelled_at": iso(self.cancelled_at),
            "ticket_id": self.ticket_id,
        }
