"""The kiosk's flow and guards, in plain Python (no Qt), so they can be tested alone.

The controller turns taps into at most one ticket each and decides which
screen the citizen sees; it never decides queue rules (``db.queue`` refuses a
closed service or a used-up range, ``services.ticket_printing`` applies the print policy).
It gets its inputs as method calls (taps, feed events, a 1 s ``tick``) and
publishes one immutable ``KioskState`` to its listeners; the Qt window only
draws that state.

Blocking work (database, printer) goes through an injected ``runner``
``(operation, on_done, on_failed)``: ``ui_common.tasks.run_task`` in the
program, a synchronous call in unit tests.  Both clocks are injected too:
``now`` (wall clock, for opening hours) and ``monotonic`` (for the tap guard
and the screen timeouts), so tests cross 11:30 or wait 10 s without sleeping.

Why the guards look the way they do:

* one tap = one ticket: a service tap is refused while a ticket is in flight
  and for ``TAP_GUARD_S`` after the previous one, and the same window protects
  the confirmation screen so the second half of a double tap does not dismiss
  it either;
* a double tap on a *field* would otherwise land its second half on whatever
  service button appears under the finger, so taps on a screen shown less than
  ``NAV_GUARD_S`` ago are ignored;
* opening hours are recomputed from the site settings on every tick (pure
  arithmetic), and the database view of limits and waiting counts is
  refreshed on every feed event and at least every ``REFRESH_S``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import Enum
from typing import Any

from db import bookings, clock, dossiers
from db.errors import BookingRefused, DatabaseUnavailable, InvalidInput, LimitReached, NotFound, ServiceClosed
from db.ticket_qr import build_ticket_reference
from errors import OnestopError
from hardware.printing.errors import PrinterError
from kiosk_app import texts
from kiosk_app.backend import SiteData, Snapshot
from kiosk_app.texts import Bilingual
from ui_common.errors import error_texts

log = logging.getLogger(__name__)

Runner = Callable[[Callable[[], Any], Callable[[Any], None], Callable[[Exception], None]], Any]

TAP_GUARD_S = 1.5          # a second service tap within this is ignored
NAV_GUARD_S = 0.5          # taps on a screen younger than this are ignored
TICKET_SCREEN_S = 10.0     # printed ticket: back home after this (or a touch)
SCREEN_TICKET_S = 60.0     # unprinted ticket shown on screen: time to note it or photograph it
MESSAGE_S = 8.0            # a refusal after the tap
IDLE_RESET_S = 45.0        # a half-finished choice (field open, English, priority) is reset
ADMIN_S = 60.0             # the exit dialog closes itself if left open
REFRESH_S = 30.0           # waiting counts and limits, besides the feed
OFFLINE_PROBE_S = 3.0      # while the database is away
PRINTER_POLL_S = 10.0      # "is the printer ready?" while it is
PRINTER_POLL_BAD_S = 2.0   # ... and while it is not, so the banner goes soon after a fix
CANCEL_RETRY_S = 2.0       # an unprinted ticket the database could not cancel: retried this often
PRINT_FAILURE_HOLD_S = 20.0  # printers that cannot report status: how long a failed print counts
SITE_EVENTS = frozenset({"site_imported", "booking_capacity_changed"})   # the site is read again


class Screen(str, Enum):
    STARTING = "starting"
    HOME = "home"
    SERVICES = "services"
    TICKET = "ticket"
    MESSAGE = "message"
    CLOSED = "closed"
    OFFLINE = "offline"
    ADMIN = "admin"
    CODE_ENTRY = "code_entry"     # scan or type a code (dossier lookup, booking check-in)
    DOSSIER = "dossier"           # the province's lookup page for a dossier, as QR + link


@dataclass(frozen=True)
class Tile:
    """One big button: a field (opens its services) or a service (issues at once)."""

    key: str
    title: Bilingual
    colour: int                  # index into the theme's field colours
    waiting: int
    detail: Bilingual | None     # what a field holds, in small print
    service: str | None          # the service a tap issues directly, if any
    reason: str | None           # why it cannot be tapped now (texts.reason)
    pending: bool = False        # its ticket is being issued right now
    icon: str | None = None      # pictogram: a name of assets/icons/ or the site's SVG text (kiosk_app.look)

    @property
    def enabled(self) -> bool:
        return self.reason is None


@dataclass(frozen=True)
class FieldView:
    key: str
    title: Bilingual
    colour: int
    services: tuple[Tile, ...]


@dataclass(frozen=True)
class TicketView:
    code: str
    service: Bilingual
    ahead: int
    wait: Bilingual | None
    priority: bool
    printed: bool
    reference: str               # the QR payload (same as on paper)
    issued_at: datetime
    appointment: str | None = None   # "09:00": checked in from a booking for that slot
    repeat: bool = False         # the booking's ticket issued earlier, shown again (not printed twice)


@dataclass(frozen=True)
class Message:
    """A refusal after the tap: what happened, and in small print why."""

    title: Bilingual
    body: Bilingual
    note: Bilingual | None = None
    action: str | None = None    # a button besides "touch to go back": "services" (take an ordinary ticket)


@dataclass(frozen=True)
class Extra:
    """A home-screen action besides the services ("Tra cứu hồ sơ")."""

    key: str                     # also the purpose of the code entry it opens
    title: Bilingual
    detail: Bilingual


@dataclass(frozen=True)
class CodeEntryView:
    purpose: str                 # "dossier" or "booking"
    prompt: Bilingual
    text: str                    # what has been typed or scanned so far
    error: Bilingual | None
    keys: frozenset[str] | None = None   # the keys that can type here (None: all of CODE_KEYS)
    length: int | None = None    # a code of exactly this many characters (the screen shows the places left)
    busy: bool = False           # the code is being checked (the database, the printer)


@dataclass(frozen=True)
class DossierView:
    code: str
    url: str


CODE_MAX = 60                    # longer than any code; a receipt's QR arrives whole through ``scanned``
DOSSIER_SCREEN_S = 60.0          # time to scan the lookup QR with a phone
CODE_KEYS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-/")
#: a booking code has no 0/O nor 1/I: those keys are greyed out, so nobody types a code that cannot exist
BOOKING_KEYS = frozenset(bookings.CODE_ALPHABET)
BOOKING_CODE_LENGTH = bookings.CODE_LENGTH


@dataclass(frozen=True)
class KioskState:
    screen: Screen
    lang: str = "vi"
    priority: bool = False
    allow_priority: bool = False
    site_name: Bilingual = Bilingual("", "")
    tiles: tuple[Tile, ...] = ()
    field: FieldView | None = None
    busy: bool = False
    ticket: TicketView | None = None
    message: Message | None = None
    printer_banner: Bilingual | None = None
    printer_problem: str | None = None      # PrinterError fault
    issuing_disabled: bool = False
    reopens: Bilingual | None = None
    hours: Bilingual | None = None
    admin_users: tuple[str, ...] = ("admin",)
    admin_busy: bool = False
    admin_error: Bilingual | None = None
    exit_requested: bool = False
    extras: tuple[Extra, ...] = ()
    code_entry: CodeEntryView | None = None
    dossier: DossierView | None = None
    quick: Tile | None = None               # the one-tap tile of the first screen (db.popular / [kiosk] quick_service)
    large_text: bool = False                # the citizen's look (kiosk_app.look); site defaults at rest
    high_contrast: bool = False
    speaking: bool = False                  # the screen's guidance is being read aloud (kiosk_app.speaker)
    speech_failed: bool = False             # the last reading could not be made (no voice for the language ...)


QUICK_KEY = "quick"


def _field_key(group: str) -> str:
    return f"field:{group}"


def _service_key(code: str) -> str:
    return f"service:{code}"


class KioskController:
    """Flow and guards of one kiosk; see the module docstring."""

    def __init__(self, backend: Any, runner: Runner, *, now: Callable[[], float] = time.time,
                 monotonic: Callable[[], float] = time.monotonic, admin_users: tuple[str, ...] = ("admin",)) -> None:
        self.backend = backend
        self._run = runner
        self._now = now
        self._mono = monotonic
        self._admin_users = admin_users
        self._listeners: list[Callable[[KioskState], None]] = []
        self._state: KioskState | None = None

        self._site: SiteData | None = None
        self._snapshot: Snapshot | None = None      # None until the first counts arrive
        self._open = True
        self._reopens: Bilingual | None = None
        self._lang = "vi"
        self._priority = False
        self._base = Screen.HOME
        self._field: str | None = None
        self._overlay: Screen | None = None
        self._overlay_since = 0.0
        self._ticket: TicketView | None = None
        self._message: Message | None = None
        self._in_flight = False
        self._pending: str | None = None
        self._last_issue_tap = -1e9
        self._last_nav = -1e9
        self._last_activity = 0.0
        self._feed_offline = False
        self._task_offline = False
        self._loading = False
        self._refreshing = False
        self._refresh_dirty = False
        self._last_refresh = -1e9
        self._checking_printer = False
        self._last_printer_check = -1e9
        self._printer_error: PrinterError | None = None
        self._printer_error_at = 0.0
        self._printer_error_from_print = False
        self._admin_busy = False
        self._admin_error: Bilingual | None = None
        self._exit_requested = False
        self._code_purpose: str | None = None
        self._code_text = ""
        self._code_error: Bilingual | None = None
        self._dossier: DossierView | None = None
        #: An unprinted ticket the "cancel" policy still owes the database: no tap is taken until it lands.
        self._cancel_owed: int | None = None
        self._cancelling = False
        self._last_cancel_try = -1e9
        self._large_text = False
        self._high_contrast = False
        self._speaking = False
        self._speech_failed = False

    # ------------------------------------------------------------ publishing
    def subscribe(self, listener: Callable[[KioskState], None]) -> None:
        self._listeners.append(listener)
        listener(self.state)

    @property
    def state(self) -> KioskState:
        if self._state is None:
            self._state = self._build_state()
        return self._state

    def _changed(self) -> None:
        new = self._build_state()
        if new == self._state:
            return
        self._state = new
        for listener in list(self._listeners):
            listener(new)

    # ------------------------------------------------------------ start / timers
    def start(self) -> None:
        """Load the site, then the counts and the printer state (all in the background)."""
        self._last_activity = self._mono()
        self._load_site()

    def tick(self) -> None:
        """Called about once a second: timeouts, opening hours, periodic checks."""
        m = self._mono()
        self._update_opening()
        if self._speaking:
            pass                         # a screen being read aloud does not time out under the listener
        elif self._overlay is Screen.TICKET:
            limit = TICKET_SCREEN_S if self._ticket is None or self._ticket.printed else SCREEN_TICKET_S
            if m - self._overlay_since >= limit:
                self._go_home()
        elif self._overlay is Screen.MESSAGE and m - self._overlay_since >= MESSAGE_S:
            self._go_home()
        elif self._overlay is Screen.ADMIN and not self._admin_busy and m - self._overlay_since >= ADMIN_S:
            self.cancel_admin()
        elif self._overlay is Screen.DOSSIER and m - self._overlay_since >= DOSSIER_SCREEN_S:
            self._go_home()
        elif self._overlay is Screen.CODE_ENTRY and not self._in_flight and m - self._last_activity >= IDLE_RESET_S:
            self._go_home()
        elif self._overlay is None and not self._in_flight and m - self._last_activity >= IDLE_RESET_S:
            if self._base is Screen.SERVICES or self._lang != "vi" or self._priority or self._look_changed:
                self._go_home()
        if self._cancel_owed is not None and not self._cancelling and m - self._last_cancel_try >= CANCEL_RETRY_S:
            self._retry_cancel()
        if self._site is None:
            if not self._loading and m - self._last_refresh >= OFFLINE_PROBE_S:
                self._load_site()
        elif self._offline:
            if m - self._last_refresh >= OFFLINE_PROBE_S:
                self.refresh()
        elif m - self._last_refresh >= REFRESH_S:
            self.refresh()
        if self._site is not None:
            due = PRINTER_POLL_BAD_S if self._printer_error is not None else PRINTER_POLL_S
            if m - self._last_printer_check >= due:
                self.check_printer()
        self._changed()

    @property
    def printer_check_pending(self) -> bool:
        """A printer status check is under way (tests wait for the first one to land)."""
        return self._checking_printer

    @property
    def _offline(self) -> bool:
        return self._feed_offline or self._task_offline

    def _update_opening(self) -> None:
        if self._site is None:
            return
        site = self._site.site
        moment = self._now()
        state = clock.opening_state(moment, site.timezone, site.opening_hours, site.days)
        was_open = self._open
        self._open = state.open
        self._reopens = None
        if not state.open and state.reopens_at is not None:
            vi, en = clock.format_reopening(state.reopens_at, clock.local_datetime(moment, site.timezone))
            self._reopens = Bilingual(vi, en)
        if was_open and not state.open and self._overlay is None:
            self._base, self._field = Screen.HOME, None
        if state.open and not was_open:
            self._last_nav = self._mono()
            self.refresh()          # limits and counts of the new session

    # ------------------------------------------------------------ background work
    def _load_site(self) -> None:
        self._loading = True
        self._last_refresh = self._mono()
        self._run(self.backend.load_site, self._site_loaded, self._site_failed)

    def _site_loaded(self, data: SiteData) -> None:
        self._loading = False
        self._task_offline = False
        first = self._site is None
        self._site = data
        if not data.site.allow_priority:
            self._priority = False
        if first:
            self._large_text, self._high_contrast = data.site.large_text, data.site.high_contrast
        self._update_opening()
        self.refresh()
        self.check_printer()
        self._changed()

    def _site_failed(self, exc: Exception) -> None:
        self._loading = False
        log.warning("kiosk: cannot load the site (%s)", exc)
        self._task_offline = True
        self._changed()

    def refresh(self) -> None:
        """Re-read waiting counts and per-service refusals (coalesced while one runs)."""
        if self._site is None:
            return
        if self._refreshing:
            self._refresh_dirty = True
            return
        self._refreshing = True
        self._last_refresh = self._mono()
        now = self._now()
        self._run(lambda: self.backend.snapshot(now), self._refreshed, self._refresh_failed)

    def _refreshed(self, snapshot: Snapshot) -> None:
        self._refreshing = False
        self._task_offline = False
        self._snapshot = snapshot
        if self._refresh_dirty:
            self._refresh_dirty = False
            self.refresh()
        self._changed()

    def _refresh_failed(self, exc: Exception) -> None:
        self._refreshing = False
        self._refresh_dirty = False
        if isinstance(exc, DatabaseUnavailable) or not isinstance(exc, OnestopError):
            self._task_offline = True
        log.warning("kiosk: refresh failed (%s)", exc)
        self._changed()

    def check_printer(self) -> None:
        if self._checking_printer:
            return
        self._checking_printer = True
        self._last_printer_check = self._mono()
        self._run(self.backend.printer_status, self._printer_checked, self._printer_check_failed)

    def _printer_checked(self, status: Any) -> None:
        self._checking_printer = False
        self._last_printer_check = self._mono()
        if status.checked:
            self._printer_error = status.error
            self._printer_error_from_print = False
        elif self._printer_error is not None:
            # The printer cannot report: a failed print counts for a while, then
            # issuing is tried again (the next print tells the truth).
            if not self._printer_error_from_print or self._mono() - self._printer_error_at >= PRINT_FAILURE_HOLD_S:
                self._printer_error = None
        self._changed()

    def _printer_check_failed(self, exc: Exception) -> None:
        self._checking_printer = False
        self._last_printer_check = self._mono()
        self._set_printer_error(exc if isinstance(exc, PrinterError) else PrinterError("error", str(exc)),
                                from_print=False)
        self._changed()

    def _set_printer_error(self, error: PrinterError, *, from_print: bool) -> None:
        self._printer_error = error
        self._printer_error_at = self._mono()
        self._printer_error_from_print = from_print
        # Look again soon: the fault may be gone (a reconnect) or confirmed.
        self._last_printer_check = self._mono() - PRINTER_POLL_S + PRINTER_POLL_BAD_S

    # ------------------------------------------------------------ feed
    def feed_events(self, events: list) -> None:
        """Something happened in the hall: counts (and maybe limits) changed."""
        # A new site file, or a service that starts or stops taking bookings ("I have an appointment").
        if any(getattr(e, "kind", "") in SITE_EVENTS for e in events):
            self._load_site()
            return
        self.refresh()

    def feed_online(self, online: bool) -> None:
        self._feed_offline = not online
        if online:
            if self._site is None:
                self._load_site()
            else:
                self.refresh()
        self._changed()

    # ------------------------------------------------------------ taps
    def _tap_allowed(self) -> bool:
        """A tap on a screen younger than NAV_GUARD_S is the tail of a double tap."""
        m = self._mono()
        if m - self._last_nav < NAV_GUARD_S:
            return False
        self._last_activity = m
        return True

    def _navigate(self) -> None:
        self._last_nav = self._mono()
        self._last_activity = self._last_nav

    def tap_tile(self, key: str) -> None:
        state = self.state
        if state.screen is not Screen.HOME or state.busy:
            return
        tile = next((t for t in state.tiles if t.key == key), None)
        if tile is None or not tile.enabled:
            return
        if tile.service is not None:
            self.tap_service(tile.service)
            return
        if not self._tap_allowed():
            return
        self._base, self._field = Screen.SERVICES, key
        self._navigate()
        self._changed()

    def tap_service(self, code: str) -> None:
        """Issue and print one ticket for ``code``: the one place a ticket is asked for."""
        state = self.state
        if state.screen not in (Screen.HOME, Screen.SERVICES) or self._in_flight or self._cancel_owed is not None:
            return
        m = self._mono()
        if m - self._last_issue_tap < TAP_GUARD_S or not self._tap_allowed():
            return
        offered = state.tiles + (state.field.services if state.field else ()) + ((state.quick,) if state.quick else ())
        tile = next((t for t in offered if t.service == code), None)
        if tile is None or not tile.enabled:
            return
        self._last_issue_tap = m
        self._in_flight = True
        self._pending = code
        self._changed()
        priority, now = self._priority, self._now()
        self._run(lambda: self.backend.issue(code, priority=priority, now=now), self._issued, self._issue_failed)

    def _issued(self, outcome: Any) -> None:
        self._in_flight = False
        self._pending = None
        self._task_offline = False
        if outcome.error is not None:
            self._set_printer_error(outcome.error, from_print=True)
        elif self._printer_error_from_print:
            self._printer_error = None
        if outcome.cancel_pending:
            self._cancel_owed = outcome.ticket.id       # the citizen holds nothing: it must not be called
            self._retry_cancel()
        if outcome.cancelled or outcome.cancel_pending:
            error = outcome.error
            self._show_message(Message(texts.bilingual("print_failed"), texts.bilingual("print_cancelled"),
                                       Bilingual(*error_texts(error))))
        else:
            self._show_ticket(outcome.ticket, printed=outcome.printed)
        self.refresh()

    def _retry_cancel(self) -> None:
        """Cancel the unprinted ticket the database refused to cancel; again at the next tick until it lands."""
        ticket_id = self._cancel_owed
        if ticket_id is None:
            return
        self._cancelling = True
        self._last_cancel_try = self._mono()
        now = self._now()
        self._run(lambda: self.backend.cancel_unprinted(ticket_id, now=now), self._cancel_landed,
                  self._cancel_refused)

    def _cancel_landed(self, _ticket: Any) -> None:
        self._cancelling = False
        self._cancel_owed = None
        self._changed()
        self.refresh()

    def _cancel_refused(self, exc: Exception) -> None:
        self._cancelling = False
        log.warning("unprinted ticket %s still not cancelled: %s", self._cancel_owed, exc)

    def _issue_failed(self, exc: Exception) -> None:
        self._in_flight = False
        self._pending = None
        if isinstance(exc, DatabaseUnavailable):
            # Nothing was issued (or it rolled back): the out-of-service screen,
            # which goes away by itself when the database answers again.
            self._task_offline = True
            self._go_home()
            return
        if isinstance(exc, PrinterError):
            self._set_printer_error(exc, from_print=False)
        self._show_message(Message(texts.bilingual("sorry"), Bilingual(*error_texts(exc))))
        if isinstance(exc, (ServiceClosed, LimitReached)):
            self.refresh()

    def _show_ticket(self, ticket: Any, *, printed: bool, repeat: bool = False) -> None:
        assert self._site is not None
        wait = None
        if ticket.estimated_wait_s is not None:
            wait = texts.wait_estimate(ticket.estimated_wait_s, getattr(ticket, "estimated_wait_range_s", None))
        elif ticket.ahead == 0:
            wait = texts.wait_estimate(0)
        self._ticket = TicketView(
            code=ticket.code, service=Bilingual(ticket.service_name, ticket.service_name_en or ticket.service_name),
            ahead=ticket.ahead, wait=wait, priority=ticket.priority, printed=printed,
            reference=ticket.track_url or build_ticket_reference(ticket, self._site.site), issued_at=ticket.issued_at,
            appointment=f"{ticket.slot_start:%H:%M}" if ticket.slot_start is not None else None, repeat=repeat,
        )
        self._overlay, self._overlay_since = Screen.TICKET, self._mono()
        self._changed()

    def _show_message(self, message: Message) -> None:
        self._message = message
        self._overlay, self._overlay_since = Screen.MESSAGE, self._mono()
        self._changed()

    def touch_ticket(self) -> None:
        """A touch anywhere on the confirmation ends it (not the tail of the issuing tap)."""
        if self._overlay is not Screen.TICKET or (self._ticket is not None and not self._ticket.printed):
            return
        if self._mono() - self._last_issue_tap < TAP_GUARD_S:
            return
        self._go_home()

    def finish_ticket(self) -> None:
        """The "Done" button of an on-screen (unprinted) ticket."""
        if self._overlay is not Screen.TICKET or self._mono() - self._last_issue_tap < TAP_GUARD_S:
            return
        self._go_home()

    def touch_message(self) -> None:
        if self._overlay is Screen.MESSAGE and self._mono() - self._overlay_since >= NAV_GUARD_S:
            self._go_home()

    # ------------------------------------------------------------ codes (dossier lookup)
    def tap_extra(self, key: str) -> None:
        """A home-screen action: open the code entry for it."""
        state = self.state
        if state.screen is not Screen.HOME or state.busy or not self._tap_allowed():
            return
        if key not in {e.key for e in state.extras}:
            return
        self._code_purpose, self._code_text, self._code_error = key, "", None
        self._overlay, self._overlay_since = Screen.CODE_ENTRY, self._mono()
        self._navigate()
        self._changed()

    def code_key(self, key: str) -> None:
        """One key of the on-screen keyboard (or of a scanner typing): a character, "del" or "clear"."""
        if self._overlay is not Screen.CODE_ENTRY or self._in_flight:
            return
        self._last_activity = self._mono()
        booking = self._code_purpose == "booking"
        keys, longest = (BOOKING_KEYS, BOOKING_CODE_LENGTH) if booking else (CODE_KEYS, CODE_MAX)
        if key == "del":
            self._code_text = self._code_text[:-1]
        elif key == "clear":
            self._code_text = ""
        elif len(key) == 1 and key.upper() in keys and len(self._code_text) < longest:
            self._code_text += key.upper()
        self._code_error = None
        self._changed()

    def scanned(self, text: str) -> None:
        """A whole scan (the scanner's text up to its Enter): submitted at once."""
        if self._overlay is Screen.CODE_ENTRY and not self._in_flight:
            self._last_activity = self._mono()
            self._submit_code(text)

    def code_submit(self) -> None:
        """The "Continue" button."""
        if self._overlay is Screen.CODE_ENTRY and not self._in_flight and self._tap_allowed():
            self._submit_code(self._code_text)

    def _submit_code(self, text: str) -> None:
        if not text.strip():
            self._code_error = texts.bilingual("code_empty")
            self._changed()
            return
        if self._code_purpose == "dossier":
            self._show_dossier(text)
        elif self._code_purpose == "booking":
            self._check_in(text.strip())

    # ------------------------------------------------------------ appointments (booking check-in)
    def _check_in(self, reference: str) -> None:
        """The booking's ticket, printed like a walk-in's; the domain decides early, late, cancelled, repeat."""
        if self._cancel_owed is not None:
            return
        self._in_flight = True
        self._code_error = None
        self._last_issue_tap = self._mono()      # the ticket screen then ignores the rest of a double tap
        self._changed()
        now = self._now()
        self._run(lambda: self.backend.check_in(reference, now=now), self._checked_in, self._checkin_failed)

    def _checked_in(self, outcome: Any) -> None:
        self._in_flight = False
        self._task_offline = False
        if outcome.error is not None:
            self._set_printer_error(outcome.error, from_print=True)
        elif outcome.printed and self._printer_error_from_print:
            self._printer_error = None
        self._code_purpose, self._code_text = None, ""
        self._show_ticket(outcome.ticket, printed=outcome.printed, repeat=outcome.repeat)
        self.refresh()

    def _checkin_failed(self, exc: Exception) -> None:
        self._in_flight = False
        if isinstance(exc, DatabaseUnavailable):
            self._task_offline = True
            self._go_home()
            return
        if isinstance(exc, (NotFound, InvalidInput)):
            # A mistyped or unknown code: say so on the same screen, the text kept to correct it.
            self._code_error = Bilingual(*error_texts(exc))
            self._changed()
            return
        if isinstance(exc, PrinterError):
            self._set_printer_error(exc, from_print=False)
        reason = exc.details.get("reason") if isinstance(exc, BookingRefused) else None
        title = {"too_early": "booking_too_early", "too_late": "booking_too_late",
                 "cancelled": "booking_cancelled"}.get(reason or "", "booking_refused")
        self._show_message(Message(texts.bilingual(title), Bilingual(*error_texts(exc)),
                                   action="services" if reason == "too_late" else None))

    def message_action(self) -> None:
        """The button of a message ("Take an ordinary ticket"): back to the services, ready to tap one."""
        if (self._overlay is Screen.MESSAGE and self._message is not None and self._message.action
                and self._mono() - self._overlay_since >= NAV_GUARD_S):
            self._go_home()

    def _show_dossier(self, text: str) -> None:
        """No database, no network: the lookup page's URL is built from the site's template."""
        template = self._site.site.dossier_lookup_url if self._site is not None else None
        if not template:
            self._go_home()
            return
        try:
            code = dossiers.code_from_scan(text)
        except OnestopError as exc:
            self._code_error = Bilingual(*error_texts(exc))
            self._code_text = ""
            self._changed()
            return
        self._dossier = DossierView(code=code, url=dossiers.lookup_url(template, code))
        self._overlay, self._overlay_since = Screen.DOSSIER, self._mono()
        self._navigate()
        self._changed()

    def finish_dossier(self) -> None:
        if self._overlay is Screen.DOSSIER and self._tap_allowed():
            self._go_home()

    def back(self) -> None:
        if self._overlay is Screen.CODE_ENTRY and not self._in_flight and self._tap_allowed():
            self._go_home()
            return
        if self.state.screen is Screen.SERVICES and not self._in_flight and self._tap_allowed():
            self._base, self._field = Screen.HOME, None
            self._navigate()
            self._changed()

    def toggle_language(self) -> None:
        if self.state.screen in (Screen.HOME, Screen.SERVICES) and not self._in_flight:
            self._lang = texts.next_language(self._lang)
            self._last_activity = self._mono()
            self._changed()

    def toggle_priority(self) -> None:
        if (self._site is not None and self._site.site.allow_priority and not self._in_flight
                and self.state.screen in (Screen.HOME, Screen.SERVICES)):
            self._priority = not self._priority
            self._last_activity = self._mono()
            self._changed()

    def tap_quick(self) -> None:
        """The one-tap tile: the most common service's ticket at once, no field to choose."""
        state = self.state
        if state.screen is Screen.HOME and state.quick is not None and state.quick.service is not None:
            self.tap_service(state.quick.service)

    def toggle_large_text(self) -> None:
        if self.state.screen not in (Screen.ADMIN, Screen.STARTING):
            self._large_text = not self._large_text
            self._last_activity = self._mono()
            self._changed()

    def toggle_high_contrast(self) -> None:
        if self.state.screen not in (Screen.ADMIN, Screen.STARTING):
            self._high_contrast = not self._high_contrast
            self._last_activity = self._mono()
            self._changed()

    def set_speaking(self, speaking: bool) -> None:
        """The guidance started or stopped (the session's speaker says so); listening counts as activity."""
        self._speaking = speaking
        if speaking:
            self._speech_failed = False
        self._last_activity = self._mono()
        if not speaking and self._overlay in (Screen.TICKET, Screen.MESSAGE, Screen.DOSSIER):
            self._overlay_since = self._last_activity     # time to act on what was just heard
        self._changed()

    def speech_failed(self) -> None:
        """Nothing could be read (said on the Listen button until the next reading or the next citizen)."""
        self._speech_failed = True
        self._changed()

    @property
    def _look_changed(self) -> bool:
        site = self._site.site if self._site is not None else None
        return site is not None and (self._large_text, self._high_contrast) != (site.large_text, site.high_contrast)

    def _go_home(self) -> None:
        """Back to the first screen, ready for the next citizen: Vietnamese, no priority, the site's look."""
        self._overlay = None
        self._ticket = None
        self._message = None
        self._code_purpose, self._code_text, self._code_error = None, "", None
        self._dossier = None
        self._base, self._field = Screen.HOME, None
        self._lang = "vi"
        self._priority = False
        self._speech_failed = False
        if self._site is not None:
            self._large_text, self._high_contrast = self._site.site.large_text, self._site.site.high_contrast
        self._navigate()
        self._changed()

    # ------------------------------------------------------------ admin exit
    def open_admin(self) -> None:
        """The hidden long-press: show the PIN dialog (never while a ticket is in flight)."""
        if self._in_flight or self._overlay is Screen.ADMIN:
            return
        self._overlay, self._overlay_since = Screen.ADMIN, self._mono()
        self._admin_error = None
        self._changed()

    def cancel_admin(self) -> None:
        if self._overlay is Screen.ADMIN and not self._admin_busy:
            self._admin_error = None
            self._go_home()

    def submit_admin(self, username: str, pin: str) -> None:
        if self._overlay is not Screen.ADMIN or self._admin_busy:
            return
        self._admin_busy = True
        self._admin_error = None
        self._overlay_since = self._mono()
        self._changed()
        self._run(lambda: self.backend.authenticate(username, pin), self._admin_ok, self._admin_failed)

    def _admin_ok(self, officer: Any) -> None:
        self._admin_busy = False
        log.info("kiosk: exit by %s", getattr(officer, "username", officer))
        self._exit_requested = True
        self._changed()

    def _admin_failed(self, exc: Exception) -> None:
        self._admin_busy = False
        self._overlay_since = self._mono()
        self._admin_error = Bilingual(*error_texts(exc))
        self._changed()

    # ------------------------------------------------------------ the state
    def _reason(self, code: str) -> str | None:
        if not self._open:
            return "closed"
        snapshot = self._snapshot or Snapshot()
        reason = snapshot.reasons.get(code)
        if reason is not None and reason != "closed":   # opening hours: our own clock is fresher
            return reason
        if self._issuing_disabled:
            return "printer"
        return None

    @property
    def _issuing_disabled(self) -> bool:
        return self._cancel_owed is not None or (self._printer_error is not None and self._site is not None
                                                 and self._site.site.on_print_failure == "cancel")

    def _icons(self) -> tuple[dict[str, str], dict[str, str]]:
        assert self._site is not None
        return dict(self._site.site.service_icons), dict(self._site.site.group_icons)

    def _service_tile(self, service: Any, colour: int) -> Tile:
        waiting = (self._snapshot or Snapshot()).waiting.get(service.code, 0)
        service_icons, group_icons = self._icons()
        return Tile(
            key=_service_key(service.code), title=Bilingual(service.name, service.name_en or service.name),
            colour=colour, waiting=waiting, detail=None, service=service.code,
            reason=self._reason(service.code), pending=self._pending == service.code,
            icon=service_icons.get(service.code) or group_icons.get(service.group or ""),
        )

    def _quick_tile(self, tiles: tuple[Tile, ...], fields: dict[str, FieldView]) -> Tile | None:
        """The service of the one-tap tile, titled "Lấy số nhanh", coloured like its field."""
        assert self._site is not None
        code = self._site.quick
        offered = [t for t in tiles if t.service is not None] + [s for f in fields.values() for s in f.services]
        tile = next((t for t in offered if t.service == code), None)
        if tile is None:
            return None
        service = next(s for s in self._site.services if s.code == code)
        name = Bilingual(service.name, service.name_en or service.name)
        return replace(tile, key=QUICK_KEY, title=texts.bilingual("quick_title"), detail=name,
                       icon=self._icons()[0].get(code) or tile.icon)

    def _tiles(self) -> tuple[tuple[Tile, ...], dict[str, FieldView]]:
        """Home tiles in site order: one per field, ungrouped services on their own."""
        assert self._site is not None
        tiles: list[Tile] = []
        fields: dict[str, FieldView] = {}
        groups: dict[str, list] = {}
        order: list[tuple[str, Any]] = []
        for service in self._site.services:
            if service.group:
                if service.group not in groups:
                    groups[service.group] = []
                    order.append(("field", service.group))
                groups[service.group].append(service)
            else:
                order.append(("service", service))
        for colour, (kind, item) in enumerate(order):
            if kind == "service":
                tiles.append(self._service_tile(item, colour))
                continue
            members = groups[item]
            first = members[0]
            title = Bilingual(item, first.group_en or item)
            icon = self._icons()[1].get(item)
            if len(members) == 1:        # a field with one service: tapping it issues at once
                tile = self._service_tile(first, colour)
                tiles.append(replace(tile, key=_field_key(item), title=title, detail=tile.title,
                                     icon=icon or tile.icon))
                continue
            services = tuple(self._service_tile(s, colour) for s in members)
            enabled = [s for s in services if s.enabled]
            reason = None if enabled else services[0].reason
            detail = Bilingual(" · ".join(s.title.vi for s in services), " · ".join(s.title.en for s in services))
            tile = Tile(key=_field_key(item), title=title, colour=colour, waiting=sum(s.waiting for s in services),
                        detail=detail, service=None, reason=reason, pending=any(s.pending for s in services),
                        icon=icon or next((s.icon for s in services if s.icon), None))
            tiles.append(tile)
            fields[tile.key] = FieldView(tile.key, title, colour, services)
        return tuple(tiles), fields

    def _build_state(self) -> KioskState:
        if self._site is None:
            screen = Screen.ADMIN if self._overlay is Screen.ADMIN else (
                Screen.OFFLINE if self._offline else Screen.STARTING)
            return KioskState(screen=screen, admin_users=self._admin_users, admin_busy=self._admin_busy,
                              admin_error=self._admin_error, exit_requested=self._exit_requested,
                              large_text=self._large_text, high_contrast=self._high_contrast,
                              speaking=self._speaking, speech_failed=self._speech_failed)
        site = self._site.site
        tiles, fields = self._tiles()
        field = fields.get(self._field) if self._base is Screen.SERVICES and self._field else None
        if self._overlay is not None:
            screen = self._overlay
        elif self._offline:
            screen = Screen.OFFLINE
        elif self._snapshot is None:
            screen = Screen.STARTING         # no buttons before limits and counts are known
        elif not self._open:
            screen = Screen.CLOSED
        elif self._base is Screen.SERVICES and field is not None:
            screen = Screen.SERVICES
        else:
            screen = Screen.HOME
        banner = None
        if self._printer_error is not None:
            key = "printer_banner_cancel" if site.on_print_failure == "cancel" else "printer_banner_show"
            error = self._printer_error
            problem_vi, problem_en = error_texts(error)
            banner = Bilingual(texts.text(key, "vi", problem=problem_vi), texts.text(key, "en", problem=problem_en))
        return KioskState(
            screen=screen,
            lang=self._lang,
            priority=self._priority,
            allow_priority=site.allow_priority,
            site_name=Bilingual(site.name, site.name_en or site.name),
            tiles=tiles,
            field=field if screen is Screen.SERVICES else None,
            busy=self._in_flight,
            ticket=self._ticket if screen is Screen.TICKET else None,
            message=self._message if screen is Screen.MESSAGE else None,
            printer_banner=banner,
            printer_problem=self._printer_error.fault if self._printer_error is not None else None,
            issuing_disabled=self._issuing_disabled,
            reopens=self._reopens if not self._open else None,
            hours=texts.opening_hours(site.opening_hours, site.days),
            admin_users=self._admin_users,
            admin_busy=self._admin_busy,
            admin_error=self._admin_error,
            exit_requested=self._exit_requested,
            extras=self._extras(),
            code_entry=self._code_entry_view() if screen is Screen.CODE_ENTRY else None,
            dossier=self._dossier if screen is Screen.DOSSIER else None,
            quick=self._quick_tile(tiles, fields) if screen is Screen.HOME else None,
            large_text=self._large_text,
            high_contrast=self._high_contrast,
            speaking=self._speaking,
            speech_failed=self._speech_failed,
        )

    def _extras(self) -> tuple[Extra, ...]:
        assert self._site is not None
        extras = []
        if self._site.bookable:
            extras.append(Extra("booking", texts.bilingual("booking_checkin"),
                                texts.bilingual("booking_checkin_detail")))
        if self._site.site.dossier_lookup_url:
            extras.append(Extra("dossier", texts.bilingual("dossier_lookup"), texts.bilingual("dossier_lookup_detail")))
        return tuple(extras)

    def _code_entry_view(self) -> CodeEntryView | None:
        if self._code_purpose is None:
            return None
        booking = self._code_purpose == "booking"
        return CodeEntryView(purpose=self._code_purpose, prompt=texts.bilingual(f"code_entry_{self._code_purpose}"),
                             text=self._code_text, error=self._code_error,
                             keys=BOOKING_KEYS if booking else None, length=BOOKING_CODE_LENGTH if booking else None,
                             busy=self._in_flight)
