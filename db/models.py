"""The tables of onestop-queue (documented for site IT staff in docs/schema.md).

Times are stored as UNIX epoch seconds (float, UTC) so that waiting and
service times are plain subtractions in SQL on both SQLite and PostgreSQL.
``service_day`` is the site-local calendar day a ticket belongs to
(``YYYY-MM-DD`` text): numbering restarts per day and reports group by it.
"""

from __future__ import annotations

import peewee as pw

from db import current_site, statuses
from db.connection import database_proxy


class BaseModel(pw.Model):
    class Meta:
        database = database_proxy
        legacy_table_names = False


class SchemaVersion(BaseModel):
    version = pw.IntegerField()
    applied_at = pw.DoubleField()


class Site(BaseModel):
    """One office (provincial centre, branch, commune) and its settings imported from its TOML file.

    A database holds one or several; ``db.current_site`` says which one this process acts for.
    """

    code = pw.CharField(max_length=16, unique=True, default=current_site.DEFAULT_CODE)  # A-Z 0-9 -
    name = pw.TextField()
    name_en = pw.TextField(default="")
    timezone = pw.CharField(max_length=64, default="Asia/Ho_Chi_Minh")
    opening_hours = pw.TextField(default='["07:30-11:30", "13:30-17:00"]')  # JSON list
    days = pw.TextField(default='["mon", "tue", "wed", "thu", "fri"]')      # JSON list
    settings = pw.TextField(default="{}")  # JSON: ratings, kiosk, announcements, notice


class Service(BaseModel):
    # The owning site (docs/schema.md "Sites"); filled from db.current_site when not given.
    site = pw.ForeignKeyField(Site, null=True, backref="services", default=current_site.site_id_or_none)
    code = pw.CharField(max_length=16)
    name = pw.TextField()
    name_en = pw.TextField(default="")
    prefix = pw.CharField(max_length=4)
    start = pw.IntegerField(default=1)
    end = pw.IntegerField(default=999)
    daily_limit = pw.IntegerField(null=True)
    target_wait_min = pw.IntegerField(null=True)
    group = pw.TextField(null=True)
    group_en = pw.TextField(null=True)
    sort_order = pw.IntegerField(default=0)
    active = pw.BooleanField(default=True)
    # Appointments (docs/appointments.md): slot length and places per slot; NULL = no bookings.
    booking_slot_min = pw.IntegerField(null=True)
    booking_per_slot = pw.IntegerField(null=True)

    class Meta:
        indexes = ((("site", "code"), True),)


class Officer(BaseModel):
    # The owning site (docs/schema.md "Sites"); filled from db.current_site when not given.
    site = pw.ForeignKeyField(Site, null=True, backref="officers", default=current_site.site_id_or_none)
    username = pw.CharField(max_length=64)
    full_name = pw.TextField()
    role = pw.CharField(max_length=16, default="officer")  # officer | supervisor | admin
    pin_hash = pw.TextField()
    active = pw.BooleanField(default=True)
    failed_logins = pw.IntegerField(default=0)
    locked_until = pw.DoubleField(null=True)

    class Meta:
        indexes = ((("site", "username"), True),)


class Counter(BaseModel):
    # The owning site (docs/schema.md "Sites"); filled from db.current_site when not given.
    site = pw.ForeignKeyField(Site, null=True, backref="counters", default=current_site.site_id_or_none)
    number = pw.IntegerField()
    name = pw.TextField()
    keypad_address = pw.IntegerField(null=True)
    active = pw.BooleanField(default=True)
    paused = pw.BooleanField(default=False)
    officer = pw.ForeignKeyField(Officer, null=True, backref="counters", on_delete="SET NULL")
    # The ticket this counter is handling (called or serving); NULL when free.
    current_ticket_id = pw.IntegerField(null=True)

    class Meta:
        indexes = ((("site", "number"), True),)


class CounterService(BaseModel):
    """Which services a counter calls, in preference order (``position``)."""

    counter = pw.ForeignKeyField(Counter, backref="service_links", on_delete="CASCADE")
    service = pw.ForeignKeyField(Service, backref="counter_links", on_delete="CASCADE")
    position = pw.IntegerField(default=0)

    class Meta:
        indexes = ((("counter", "service"), True),)


class NumberSequence(BaseModel):
    """Last number handed out per service and service day (one row each)."""

    service = pw.ForeignKeyField(Service, on_delete="CASCADE")
    service_day = pw.CharField(max_length=10)
    last_number = pw.IntegerField()

    class Meta:
        indexes = ((("service", "service_day"), True),)


class Ticket(BaseModel):
    service_day = pw.CharField(max_length=10)
    # Service it was issued for (reports count it there) ...
    issued_service = pw.ForeignKeyField(Service, backref="issued_tickets")
    # ... and the service it now waits in / was served in (differs after a transfer).
    service = pw.ForeignKeyField(Service, backref="tickets")
    number = pw.IntegerField()
    code = pw.CharField(max_length=16)
    priority = pw.BooleanField(default=False)
    status = pw.CharField(max_length=12, default=statuses.WAITING)
    # Queue position: the original issue time, kept across transfers.
    queue_at = pw.DoubleField()
    issued_at = pw.DoubleField()
    issued_hour = pw.SmallIntegerField()  # site-local hour of issue, for arrivals per hour
    called_at = pw.DoubleField(null=True)       # first call
    last_called_at = pw.DoubleField(null=True)
    started_at = pw.DoubleField(null=True)
    finished_at = pw.DoubleField(null=True)     # done, no-show or cancel time
    counter = pw.ForeignKeyField(Counter, null=True, backref="tickets")         # holding / last held it
    officer = pw.ForeignKeyField(Officer, null=True, backref="tickets")
    target_counter = pw.ForeignKeyField(Counter, null=True, backref="directed_tickets")
    transfers = pw.SmallIntegerField(default=0)
    recalls = pw.SmallIntegerField(default=0)
    cancel_reason = pw.CharField(max_length=32, null=True)
    kiosk = pw.CharField(max_length=64, null=True)
    note = pw.TextField(null=True)
    # Slot start of the booking this ticket was checked in for; NULL for walk-ins.
    slot_at = pw.DoubleField(null=True)

    class Meta:
        indexes = (
            (("service_day", "issued_service", "number"), True),
            # call-next: the few waiting rows, whatever the history size.
            (("status", "service", "priority", "queue_at"), False),
            # a site's days (its services, a date range): reports and the rollup of one site in a
            # province database read its own rows, not the province's (v13; a day alone uses the unique index)
            (("service", "service_day"), False),
            (("service", "finished_at"), False),
            # reports: the served (or no-show, ...) tickets of a date range, without walking all history;
            # with service_id the province view counts today's served tickets from the index alone.
            (("status", "service_day", "service"), False),
        )


class Rating(BaseModel):
    """Every keypad press, attached to a ticket or not (docs/interfaces.md §6)."""

    counter = pw.ForeignKeyField(Counter, backref="ratings")
    officer = pw.ForeignKeyField(Officer, null=True, backref="ratings")
    ticket = pw.ForeignKeyField(Ticket, null=True, backref="ratings")
    value = pw.SmallIntegerField()
    pressed_at = pw.DoubleField()
    service_day = pw.CharField(max_length=10)
    source = pw.CharField(max_length=32, default="keypad")  # keypad | cli | screen
    counted = pw.BooleanField(default=True)  # False for a debounced repeat

    class Meta:
        # (service_day, counter, counted, value): a day's presses per counter from the index alone
        # (the province view's satisfaction today; reports use its service_day prefix).
        indexes = ((("ticket", "pressed_at"), False), (("service_day", "counter", "counted", "value"), False))


class Booking(BaseModel):
    """One appointment: a place in a slot of a service (docs/appointments.md).

    ``status`` is ``booked``, ``checked_in`` or ``cancelled``; a booking still
    ``booked`` after its check-in window is a no-show (computed, not stored).
    ``name``, ``phone`` and ``client`` are personal data: never on a public page.
    """

    code = pw.CharField(max_length=12, unique=True)     # short, typed at the kiosk
    token = pw.CharField(max_length=64, unique=True)    # secret part of manage_url
    service = pw.ForeignKeyField(Service, backref="bookings")
    service_day = pw.CharField(max_length=10)           # site-local day of the slot
    slot_start = pw.DoubleField()
    name = pw.TextField()
    phone = pw.CharField(max_length=16)                 # normalized 0xxxxxxxxx
    client = pw.CharField(max_length=128, null=True)    # who placed it (web: client address)
    source = pw.CharField(max_length=16, default="cli")  # cli | web | api | kiosk
    status = pw.CharField(max_length=12, default="booked")
    created_at = pw.DoubleField()
    cancelled_at = pw.DoubleField(null=True)
    checked_in_at = pw.DoubleField(null=True)
    ticket = pw.ForeignKeyField(Ticket, null=True, unique=True, backref="bookings")

    class Meta:
        indexes = ((("service_day", "service"), False), (("phone", "service_day"), False))


class BookingSlot(BaseModel):
    """Places taken in one slot of one service: the capacity guard.

    Booking bumps ``booked`` with ``INSERT .. ON CONFLICT DO UPDATE .. WHERE
    booked < per_slot``, which holds the row's lock until commit, so
    concurrent bookings can never pass ``per_slot``; a cancel gives it back.
    """

    service = pw.ForeignKeyField(Service, on_delete="CASCADE")
    slot_start = pw.DoubleField()
    booked = pw.IntegerField(default=0)

    class Meta:
        indexes = ((("service", "slot_start"), True),)


class BookingQuota(BaseModel):
    """Active bookings held per phone (per slot day) or client address (per day made)."""

    scope = pw.CharField(max_length=8)      # phone | client
    holder = pw.CharField(max_length=128)
    day = pw.CharField(max_length=10)
    used = pw.IntegerField(default=0)

    class Meta:
        indexes = ((("scope", "holder", "day"), True),)


class Notification(BaseModel):
    """Outbox of messages to citizens; the notifier delivers and retries them.

    ``dedup`` (e.g. ``ahead:412``) makes each message exist once however often
    the events that cause it are read again.
    """

    kind = pw.CharField(max_length=24)      # booking_confirmed | reminder | ahead | called
    dedup = pw.CharField(max_length=64, unique=True)
    booking = pw.ForeignKeyField(Booking, null=True, backref="notifications", on_delete="SET NULL")
    phone = pw.CharField(max_length=16)
    payload = pw.TextField()                # JSON: the message as sent
    status = pw.CharField(max_length=8, default="pending")  # pending | sent | failed
    created_at = pw.DoubleField()
    next_at = pw.DoubleField()
    attempts = pw.IntegerField(default=0)
    sent_at = pw.DoubleField(null=True)
    last_error = pw.TextField(null=True)

    class Meta:
        indexes = ((("status", "next_at"), False),)


class NotifyCursor(BaseModel):
    """How far the notifier has read the event log (one row)."""

    name = pw.CharField(max_length=32, unique=True)
    position = pw.BigIntegerField(default=0)
class TicketDossier(BaseModel):
    """A dossier code ("mã hồ sơ") of the one-stop electronic system, attached to a ticket.

    A ticket may carry several (a citizen files two applications at one visit);
    the same code on two tickets is allowed (a second visit for the same file)
    but shown to the officer.  The ticket's rating counts for each of its codes.
    """

    ticket = pw.ForeignKeyField(Ticket, backref="dossiers", on_delete="CASCADE")
    code = pw.CharField(max_length=40)
    service_day = pw.CharField(max_length=10)   # the ticket's day, for "already attached today"
    attached_at = pw.DoubleField()
    counter = pw.ForeignKeyField(Counter, null=True, backref="dossiers")
    officer = pw.ForeignKeyField(Officer, null=True, backref="dossiers")

    class Meta:
        indexes = ((("ticket", "code"), True), (("code", "service_day"), False), (("service_day",), False))


class Event(BaseModel):
    """Append-only log that screens follow: "everything after event N"."""

    id = pw.BigAutoField()
    # The site it happened at (a display follows ``site_id = S AND id > N``); from db.current_site.
    site_id = pw.IntegerField(null=True, default=current_site.site_id_or_none)
    at = pw.DoubleField()
    kind = pw.CharField(max_length=24)
    ticket_id = pw.IntegerField(null=True)
    code = pw.CharField(max_length=16, null=True)
    service_code = pw.CharField(max_length=16, null=True)
    counter_number = pw.IntegerField(null=True)
    officer_username = pw.CharField(max_length=64, null=True)
    data = pw.TextField(default="{}")  # JSON

    class Meta:
        indexes = ((("site_id", "id"), False),)


class Request(BaseModel):
    """One row per state-changing operation a caller asked for, written in its transaction.

    The caller makes ``request_id`` once per user action (one kiosk tap, one
    keypad press) and keeps it across retries; a repeat finds this row and
    gets the first outcome back instead of acting twice (docs/events.md).
    """

    request_id = pw.CharField(max_length=64, primary_key=True)
    operation = pw.CharField(max_length=32)          # "issue", "call", "rate", ...
    at = pw.DoubleField()
    ref_id = pw.BigIntegerField(null=True)            # the ticket / rating / booking it produced
    data = pw.TextField(default="{}")                 # JSON: anything else the replay needs


class Setting(BaseModel):
    """Small named values the programs keep in the database (e.g. the tracking-link secret)."""

    key = pw.CharField(max_length=64, unique=True)
    value = pw.TextField()


class ApiKey(BaseModel):
    """A key for the web API's write calls; only its SHA-256 is stored."""

    name = pw.CharField(max_length=64, unique=True)
    key_hash = pw.CharField(max_length=64, unique=True)
    created_at = pw.DoubleField()
    revoked_at = pw.DoubleField(null=True)
    last_used_at = pw.DoubleField(null=True)
    #: what the key may do, comma-separated (``db.api_keys.SCOPES``); keys made before version 9 got all
    scopes = pw.CharField(max_length=64, default="tickets,bookings")


class AuditEntry(BaseModel):
    """One change made through the admin program or the CLI (docs/security.md).

    ``before``/``after`` are JSON of the fields that changed (never a PIN or
    its hash).  Program roles may INSERT here but never UPDATE or DELETE.
    """

    at = pw.DoubleField()
    actor = pw.CharField(max_length=64, null=True)   # officer username, or "cli:<os user>"
    action = pw.CharField(max_length=48)
    target = pw.TextField(null=True)
    before = pw.TextField(null=True)  # JSON
    after = pw.TextField(null=True)   # JSON

    class Meta:
        table_name = "audit"
        indexes = ((("at",), False),)


class Seal(BaseModel):
    """The tamper-evidence chain over ``rating`` and ``event`` rows (db/integrity.py).

    One row per sealed row, numbered ``seq`` 1, 2, 3, ... per chain with no
    gap; ``mac`` = HMAC-SHA256(key, previous mac || canonical row).
    """

    chain = pw.CharField(max_length=16)        # "rating" | "event"
    seq = pw.BigIntegerField()
    row_id = pw.BigIntegerField()
    fields = pw.TextField()   # canonical JSON of the row as written: what verify compares
    mac = pw.CharField(max_length=64)

    class Meta:
        indexes = ((("chain", "seq"), True), (("chain", "row_id"), True))


class SealHead(BaseModel):
    """The last link of each chain; its row lock keeps two writers from forking the chain."""

    chain = pw.CharField(max_length=16, primary_key=True)
    seq = pw.BigIntegerField(default=0)
    mac = pw.CharField(max_length=64, default="")
    # Rows with an id up to this one were written before sealing began (an upgraded database).
    base_id = pw.BigIntegerField(default=0)


class SealKey(BaseModel):
    """The chain's HMAC key as its two padded halves (key XOR ipad, key XOR opad).

    Kept as the pads so PostgreSQL computes HMAC-SHA256 with its built-in
    ``sha256()`` and no extension.  No program role may read this table.
    """

    inner_pad = pw.BlobField()
    outer_pad = pw.BlobField()


class Verification(BaseModel):
    """The outcome of each ``onestop verify`` run, for the admin program to show."""

    at = pw.DoubleField()
    ok = pw.BooleanField()
    problems = pw.TextField(default="[]")  # JSON list of strings
    checked = pw.TextField(default="{}")   # JSON: rows checked per chain


ALL_MODELS = [SchemaVersion, Site, Service, Officer, Counter, CounterService, NumberSequence, Ticket, Rating,
              TicketDossier, Event, Request, Setting, ApiKey, AuditEntry, Seal, SealHead, SealKey, Verification]
#: the appointment tables (schema step ``_v8_bookings``)
BOOKING_MODELS = [Booking, BookingSlot, BookingQuota, Notification, NotifyCursor]
ALL_MODELS += BOOKING_MODELS


# ----------------------------------------------------------------- the daily rollup (docs/rollup.md)
# Derived data: every row can be rebuilt from the tables above (``onestop rollup --rebuild``), so ids
# are plain integers, not foreign keys, and nothing else refers to these rows.

class _RollupGrain(BaseModel):
    """The keys of one report grain row: a site's service day, both services, the counter, the officer."""

    site_id = pw.IntegerField()
    service_day = pw.CharField(max_length=10)
    issued_service_id = pw.IntegerField()
    service_id = pw.IntegerField()
    counter_id = pw.IntegerField(null=True)
    officer_id = pw.IntegerField(null=True)


class ReportDay(_RollupGrain):
    """Ticket counts, time sums and maxima of one grain (the ``_ticket_figures`` grain of db/reports.py)."""

    issued = pw.IntegerField()
    no_show = pw.IntegerField()
    cancelled = pw.IntegerField()
    transferred = pw.IntegerField()
    served = pw.IntegerField()
    wait_sum = pw.DoubleField(null=True)
    wait_max = pw.DoubleField(null=True)
    service_sum = pw.DoubleField(null=True)
    service_max = pw.DoubleField(null=True)
    with_target = pw.IntegerField()
    within = pw.IntegerField()

    class Meta:
        indexes = ((("site_id", "service_day"), False),)


class ReportDayRating(_RollupGrain):
    """Rated tickets (latest counted press) of one grain and rating value, and how many of them were served."""

    value = pw.SmallIntegerField()
    rated = pw.IntegerField()
    served = pw.IntegerField()

    class Meta:
        indexes = ((("site_id", "service_day"), False),)


class ReportMonth(_RollupGrain):
    """``report_day`` summed over a whole rolled month (``service_day`` = the month's first day).

    A long report sums these for its whole months instead of 30 times as many day rows; the
    ``by_day`` breakdown still reads ``report_day``.
    """

    issued = pw.IntegerField()
    no_show = pw.IntegerField()
    cancelled = pw.IntegerField()
    transferred = pw.IntegerField()
    served = pw.IntegerField()
    wait_sum = pw.DoubleField(null=True)
    wait_max = pw.DoubleField(null=True)
    service_sum = pw.DoubleField(null=True)
    service_max = pw.DoubleField(null=True)
    with_target = pw.IntegerField()
    within = pw.IntegerField()

    class Meta:
        indexes = ((("site_id", "service_day"), False),)


class ReportMonthRating(_RollupGrain):
    """``report_day_rating`` summed over a whole rolled month (``service_day`` = its first day)."""

    value = pw.SmallIntegerField()
    rated = pw.IntegerField()
    served = pw.IntegerField()

    class Meta:
        indexes = ((("site_id", "service_day"), False),)


class ReportDayAppointment(_RollupGrain):
    """Served appointment tickets of one grain: count, summed and longest appointment wait."""

    n = pw.IntegerField()
    total = pw.DoubleField(null=True)
    longest = pw.DoubleField(null=True)

    class Meta:
        table_name = "report_day_appt"
        indexes = ((("site_id", "service_day"), False),)


class ReportDayDossier(_RollupGrain):
    """Dossier codes attached to the tickets of one grain."""

    dossiers = pw.IntegerField()

    class Meta:
        indexes = ((("site_id", "service_day"), False),)


class ReportDayPress(BaseModel):
    """Unattached counted presses of one site, press day, counter and officer."""

    site_id = pw.IntegerField()
    service_day = pw.CharField(max_length=10)
    counter_id = pw.IntegerField()
    officer_id = pw.IntegerField(null=True)
    n = pw.IntegerField()

    class Meta:
        indexes = ((("site_id", "service_day"), False),)


class ReportDayHour(BaseModel):
    """Tickets issued per site-local hour of one site and day (``arrivals_by_hour``)."""

    site_id = pw.IntegerField()
    service_day = pw.CharField(max_length=10)
    hour = pw.SmallIntegerField()
    issued = pw.IntegerField()

    class Meta:
        indexes = ((("site_id", "service_day"), False),)


class ReportDayStats(BaseModel):
    """The exact median and p90 of one measure (wait, service, appt) over one site's day (``by_day``)."""

    site_id = pw.IntegerField()
    service_day = pw.CharField(max_length=10)
    measure = pw.CharField(max_length=8)
    median = pw.DoubleField(null=True)
    p90 = pw.DoubleField(null=True)

    class Meta:
        indexes = ((("site_id", "service_day"), False),)


class ReportHist(BaseModel):
    """Served tickets per time bucket (db/histogram.py) of one site, month, breakdown key and measure.

    ``dim`` is "" (totals, key 0), "service" (where served), "counter" or "officer".  Kept per month,
    not per day: a day's buckets per key hold about as many rows as the day has tickets.
    """

    site_id = pw.IntegerField()
    month = pw.CharField(max_length=7)          # YYYY-MM
    dim = pw.CharField(max_length=8)
    group_key = pw.IntegerField()
    measure = pw.CharField(max_length=8)
    bucket = pw.IntegerField()
    n = pw.IntegerField()

    class Meta:
        # one measure's breakdowns of a site's months (schema v14; docs/schema.md)
        indexes = ((("site_id", "month", "measure", "dim"), False),)


class ReportState(BaseModel):
    """What one rolled unit (a site's day, or a month's histograms) was built from: its fingerprint.

    ``event_id`` / ``rating_id`` / ``dossier_id``: every change to the unit's tickets with a larger id
    makes it stale (db/rollup_read.py); ``tickets`` is its ticket count when built; ``config`` a digest of
    the waiting targets it used (``within_target`` depends on them).
    """

    site_id = pw.IntegerField()
    kind = pw.CharField(max_length=8)           # day | month
    first_day = pw.CharField(max_length=10)
    last_day = pw.CharField(max_length=10)
    event_id = pw.BigIntegerField()
    rating_id = pw.BigIntegerField()
    dossier_id = pw.BigIntegerField()
    tickets = pw.IntegerField()
    config = pw.CharField(max_length=64)
    built_at = pw.DoubleField()

    class Meta:
        indexes = ((("site_id", "kind", "first_day"), True),)


#: the rollup tables (schema step ``_v11_report_rollup``), each rebuilt from the ticket history
ROLLUP_MODELS = [ReportDay, ReportDayRating, ReportDayAppointment, ReportDayDossier, ReportDayPress, ReportDayHour,
                 ReportDayStats, ReportMonth, ReportMonthRating, ReportHist, ReportState]
#: the rollup tables holding one site's days (deleted and rebuilt day by day)
ROLLUP_DAY_MODELS = [ReportDay, ReportDayRating, ReportDayAppointment, ReportDayDossier, ReportDayPress,
                     ReportDayHour, ReportDayStats]
ALL_MODELS += ROLLUP_MODELS
