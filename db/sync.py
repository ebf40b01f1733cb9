"""Local-first replication of this database's sites into another one (docs/sync.md).

The source is the database this process is connected to (``database_proxy``);
the target (normally the province's PostgreSQL) is a second peewee database
written through ``bind_ctx``.  The source is only read.

One batch = the next ``batch`` events of one site after the position the
target acknowledged, plus every rating and dossier row added since the last
batch, the bookings those events name (every booking change writes one),
the current dossier set of every ticket a dossier event names (so a detached
code is deleted in the target too), plus every ticket those rows name.  The
whole batch (configuration, tickets, ratings, dossiers, bookings, events,
their seals in the target's own chain and the new position) is one target
transaction: a sync killed anywhere either committed the batch with its
position or nothing, so a rerun neither loses nor repeats a row.

Ids: the target has its own sequences (every commune has a ticket 1), so rows
are matched by natural keys that are unique per site: site by code, service
by (site, code), counter by (site, number), officer by (site, username),
ticket by (service_day, issued service, number), booking by token, dossier by
(ticket, code).  Events and ratings are append-only: copied exactly once by
the source-id watermark that advances in the same transaction.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import peewee as pw

from db import integrity, replica, schema
from db.connection import database_proxy
from db.errors import Forbidden, NotAllowed
from db.models import (
    ALL_MODELS,
    Booking,
    Counter,
    CounterService,
    Event,
    Officer,
    Rating,
    Service,
    Setting,
    Site,
    Ticket,
    TicketDossier,
)

#: ``setting.key`` prefix, in the TARGET, of each source site's acknowledged position (JSON).
POSITION_PREFIX = "sync.position."
DEFAULT_BATCH = 5000

_TICKET_FIELDS = [f.name for f in Ticket._meta.sorted_fields if f.name != "id"]
_BOOKING_FIELDS = [f.name for f in Booking._meta.sorted_fields if f.name != "id"]


@dataclass
class Position:
    """How far the target holds a site: the last copied event, rating and dossier ids of the source."""

    event: int = 0
    rating: int = 0
    dossier: int = 0
    at: float = 0.0   # the source time of the last copied event

    def to_json(self) -> dict:
        return {"event": self.event, "rating": self.rating, "dossier": self.dossier, "at": self.at}


@dataclass
class BatchResult:
    site: str
    position: Position
    rows: dict = field(default_factory=dict)
    lag_events: int = 0
    lag_s: float = 0.0

    def to_json(self) -> dict:
        return {"site": self.site, "position": self.position.to_json(), "rows": self.rows,
                "lag_events": self.lag_events, "lag_s": round(self.lag_s, 3)}


def _rows(query) -> list[dict]:
    return list(query.dicts())


# ---------------------------------------------------------------- source side (read only)

@dataclass
class SourceBatch:
    site: dict
    services: list[dict]
    officers: list[dict]
    counters: list[dict]
    links: list[dict]
    events: list[dict]
    ratings: list[dict]
    dossiers: list[dict]
    tickets: list[dict]
    bookings: list[dict]
    #: source ticket id -> its dossier rows now, for every ticket a dossier event of this batch names:
    #: the target's set is replaced by it, which is how a detached code leaves the target too
    dossier_sets: dict[int, list[dict]] = field(default_factory=dict)


#: event kinds whose ``data.booking_id`` names a booking that was made or changed (db/bookings.py)
BOOKING_EVENTS = frozenset({"booked", "booking_cancelled", "checked_in"})
#: event kinds that add or remove a ticket's dossier codes (db/dossiers.py)
DOSSIER_EVENTS = frozenset({"dossier_attached", "dossier_removed"})


def _named_bookings(events: list[dict]) -> set[int]:
    named = set()
    for row in events:
        if row["kind"] in BOOKING_EVENTS:
            booking_id = json.loads(row["data"] or "{}").get("booking_id")
            if booking_id is not None:
                named.add(int(booking_id))
    return named


def _in_pages(model, column, ids, extra=None) -> list[dict]:
    out: list[dict] = []
    ids = sorted(ids)
    for start in range(0, len(ids), 500):
        where = column.in_(ids[start:start + 500])
        out += _rows(model.select().where(where if extra is None else where & extra))
    return out


def read_batch(site_id: int, position: Position, batch: int) -> SourceBatch:
    """Everything of one site the target lacks after ``position`` (one read transaction of the source)."""
    db = Site._meta.database
    with db.atomic():
        site = Site.select().where(Site.id == site_id).dicts().get()
        services = _rows(Service.select().where(Service.site == site_id))
        service_ids = [row["id"] for row in services]
        officers = _rows(Officer.select().where(Officer.site == site_id))
        counters = _rows(Counter.select().where(Counter.site == site_id))
        counter_ids = [row["id"] for row in counters]
        links = _rows(CounterService.select().where(CounterService.counter.in_(counter_ids))) if counter_ids else []
        events = _rows(Event.select().where((Event.site_id == site_id) & (Event.id > position.event))
                       .order_by(Event.id).limit(batch))
        ratings = _rows(Rating.select().where(Rating.counter.in_(counter_ids) & (Rating.id > position.rating))
                        .order_by(Rating.id).limit(batch)) if counter_ids else []
        dossiers = _rows(TicketDossier.select().join(Ticket)
                         .where(Ticket.service.in_(service_ids) & (TicketDossier.id > position.dossier))
                         .order_by(TicketDossier.id).limit(batch)) if service_ids else []
        if position.event == 0:   # the first batch of a site: every booking, whatever log it predates
            bookings = _rows(Booking.select().where(Booking.service.in_(service_ids))) if service_ids else []
        else:                     # then only those the batch's events say were made or changed
            bookings = _in_pages(Booking, Booking.id, _named_bookings(events), Booking.service.in_(service_ids))
        dossier_tickets = {row["ticket_id"] for row in events if row["kind"] in DOSSIER_EVENTS}
        dossier_tickets.discard(None)
        dossier_sets: dict[int, list[dict]] = {ticket_id: [] for ticket_id in dossier_tickets}
        for row in _in_pages(TicketDossier, TicketDossier.ticket, dossier_tickets):
            dossier_sets[row["ticket"]].append(row)
        wanted = {row["ticket_id"] for row in events} | {row["ticket"] for row in ratings}
        wanted |= {row["ticket"] for row in dossiers} | {row["current_ticket_id"] for row in counters}
        wanted |= {row["ticket"] for row in bookings} | dossier_tickets
        wanted.discard(None)
        tickets = _in_pages(Ticket, Ticket.id, wanted, Ticket.issued_service.in_(service_ids))
    return SourceBatch(site, services, officers, counters, links, events, ratings, dossiers, tickets, bookings,
                       dossier_sets)


def source_head(site_id: int) -> tuple[int, float]:
    """The last event id and time of a site in the source (what lag is measured against)."""
    row = (Event.select(Event.id, Event.at).where(Event.site_id == site_id).order_by(Event.id.desc())
           .tuples().first())
    return (int(row[0]), float(row[1])) if row else (0, 0.0)


# ---------------------------------------------------------------- target side

class Target:
    """The database written into; every method runs with the models bound to it."""

    def __init__(self, db: pw.Database) -> None:
        self.db = db
        self.models = ALL_MODELS          # (the booking tables are in it: a model twice would stay bound)
        self._schema_checked = False

    def bound(self):
        return self.db.bind_ctx(self.models)

    def ensure_schema(self) -> None:
        """Create or upgrade the target's schema exactly as ``onestop init`` would (tables, seal function).

        ``db.schema`` works on ``database_proxy``: it is pointed at the target
        for the call and back at the source after, with nothing else running.
        """
        if self._schema_checked:
            return
        source = database_proxy.obj
        database_proxy.initialize(self.db)
        try:
            version = schema.current_version()
            if version < schema.SCHEMA_VERSION and self._program_role():
                raise self._upgrade_refusal(version)
            try:
                schema.ensure_schema()
            except Forbidden:
                raise self._upgrade_refusal(version) from None
        finally:
            database_proxy.initialize(source)
        self._schema_checked = True

    def _program_role(self) -> str | None:
        """The program role (``onestop_sync``, ...) the target is reached as, if any: such a role never runs DDL.

        Checked before trying, not only by the server's refusal: on a PostgreSQL before 15 every role
        may create tables in ``public``, so a fresh target would get tables owned by the sync's role.
        """
        if not isinstance(self.db, pw.PostgresqlDatabase):
            return None
        from db.roles import ROLE_NAMES

        user = self.db.execute_sql("SELECT current_user").fetchone()[0]
        return user if user in ROLE_NAMES else None

    def _upgrade_refusal(self, version: int) -> Forbidden:
        state = "has no onestop schema yet" if version == 0 else f"is at schema version {version}"
        return Forbidden(
            f"CSDL đích ({self.db.database}) cần nâng cấp lên phiên bản {schema.SCHEMA_VERSION} nhưng tài khoản "
            "đồng bộ không có quyền: trên máy chủ tỉnh, chạy `onestop init --db URL_CHU_SO_HUU` một lần, rồi "
            "`onestop roles create --db URL_CHU_SO_HUU`",
            f"the sync target database {self.db.database} {state} and must be upgraded to version "
            f"{schema.SCHEMA_VERSION}, which the sync's role may not do: run `onestop init --db OWNER_URL` once "
            "against it (the province's owner), then `onestop roles create --db OWNER_URL` (docs/sync.md)",
        )

    def position(self, code: str) -> Position:
        with self.bound():
            value = Setting.select(Setting.value).where(Setting.key == POSITION_PREFIX + code).scalar()
        return Position(**json.loads(value)) if value else Position()

    def write(self, batch: SourceBatch, position: Position, source_name: str) -> tuple[Position, dict]:
        """Apply one batch and the new position in one target transaction."""
        with self.bound(), self.db.atomic():
            return self._write(batch, position, source_name)

    def _write(self, b: SourceBatch, old: Position, source_name: str) -> tuple[Position, dict]:
        code = b.site["code"]
        site_fields = {k: v for k, v in b.site.items() if k != "id"}
        site_id = Site.select(Site.id).where(Site.code == code).scalar()
        if site_id is None:
            site_id = Site.insert(**site_fields).execute()
        else:
            Site.update(**site_fields).where(Site.id == site_id).execute()
        _put_setting(replica.replica_key(code), json.dumps({"source": source_name}))

        services = _upsert_config(Service, b.services, site_id, "code")
        officers = _upsert_config(Officer, b.officers, site_id, "username")
        for row in b.counters:
            row["officer"] = officers.get(row["officer"])
        saved_current = {row["id"]: row.pop("current_ticket_id") for row in b.counters}
        counters = _upsert_config(Counter, b.counters, site_id, "number")
        if counters:
            CounterService.delete().where(CounterService.counter.in_(list(counters.values()))).execute()
        if b.links:
            CounterService.insert_many([{"counter": counters[r["counter"]], "service": services[r["service"]],
                                         "position": r["position"]} for r in b.links]).execute()

        tickets = self._upsert_tickets(b.tickets, services, counters, officers)
        for source_id, target_id in counters.items():
            Counter.update(current_ticket_id=tickets.get(saved_current[source_id])).where(
                Counter.id == target_id).execute()

        ratings = [{**{k: v for k, v in r.items() if k != "id"}, "counter": counters[r["counter"]],
                    "officer": officers.get(r["officer"]), "ticket": tickets.get(r["ticket"])} for r in b.ratings]
        self._insert_sealed(Rating, "rating", ratings)

        def dossier(r: dict) -> dict:
            return {**{k: v for k, v in r.items() if k != "id"}, "ticket": tickets[r["ticket"]],
                    "counter": counters.get(r["counter"]), "officer": officers.get(r["officer"])}

        # Tickets a dossier event names get the source's current set (a detached code is deleted here too);
        # rows past the dossier watermark are added (``on_conflict_ignore``: the set may already hold them).
        replaced = [tickets[t] for t in b.dossier_sets if t in tickets]
        for chunk in _chunks(replaced, 500):
            TicketDossier.delete().where(TicketDossier.ticket.in_(chunk)).execute()
        current = [dossier(r) for t, rows in b.dossier_sets.items() if t in tickets for r in rows]
        dossiers = [dossier(r) for r in b.dossiers]
        for chunk in _chunks(current + dossiers, 500):
            TicketDossier.insert_many(chunk).on_conflict_ignore().execute()
        events = [{**{k: v for k, v in e.items() if k != "id"}, "site_id": site_id,
                   "ticket_id": tickets.get(e["ticket_id"])} for e in b.events]
        self._insert_sealed(Event, "event", events)
        copied_bookings = self._upsert_bookings(b.bookings, services, tickets)

        new = Position(event=b.events[-1]["id"] if b.events else old.event,
                       rating=b.ratings[-1]["id"] if b.ratings else old.rating,
                       dossier=b.dossiers[-1]["id"] if b.dossiers else old.dossier,
                       at=b.events[-1]["at"] if b.events else old.at)
        _put_setting(POSITION_PREFIX + code, json.dumps(new.to_json()))
        return new, {"events": len(events), "tickets": len(tickets), "ratings": len(ratings),
                     "dossiers": len(dossiers), "dossier_sets": len(replaced), "bookings": copied_bookings}

    def _insert_sealed(self, model, chain: str, rows: list[dict]) -> None:
        """Append copied ratings or events and seal them in the target's own chain, same transaction.

        The rows are read back as written (``RETURNING`` every column) and sealed from that, so a
        seal matches the stored row by construction.  On PostgreSQL one ``executemany`` in
        psycopg's pipeline mode: peewee's building of a multi-row INSERT cost more than the write.
        """
        if not rows:
            return
        if not isinstance(self.db, pw.PostgresqlDatabase):
            written: list = []
            for chunk in _chunks(rows, 500):
                written += list(model.insert_many(chunk).returning(model).execute())
            integrity.seal_copies(chain, written, self.db)
            return
        fields = [f for f in model._meta.sorted_fields if f.column_name != "id"]
        names = ["id"] + [f.name for f in fields]
        sql = (f'INSERT INTO "{model._meta.table_name}" ({", ".join(f.column_name for f in fields)}) '
               f'VALUES ({", ".join(["%s"] * len(fields))}) RETURNING id, '
               f'{", ".join(f.column_name for f in fields)}')
        cursor = self.db.cursor()
        cursor.executemany(sql, [tuple(f.db_value(row[f.name]) for f in fields) for row in rows], returning=True)
        written = []
        while True:
            written += [model(**dict(zip(names, values, strict=True))) for values in cursor.fetchall()]
            if not cursor.nextset():
                break
        integrity.seal_copies(chain, written, self.db)

    def _upsert_tickets(self, rows: list[dict], services: dict, counters: dict, officers: dict) -> dict[int, int]:
        """Source ticket id -> target id, inserting new tickets and updating known ones."""
        mapped: dict[int, dict] = {}
        for row in rows:
            values = {name: row[name] for name in _TICKET_FIELDS}
            values["issued_service"] = services[row["issued_service"]]
            values["service"] = services[row["service"]]
            values["counter"] = counters.get(row["counter"])
            values["target_counter"] = counters.get(row["target_counter"])
            values["officer"] = officers.get(row["officer"])
            mapped[row["id"]] = values
        existing = self._ticket_ids(mapped.values())
        fresh = [v for v in mapped.values() if _ticket_key(v) not in existing]
        _insert_many(Ticket, fresh)
        held = {row["id"]: row for row in _in_pages(Ticket, Ticket.id, set(existing.values()))}
        for values in mapped.values():
            target_id = existing.get(_ticket_key(values))
            if target_id is None:
                continue
            old = held[target_id]
            # Only a ticket that changed is written: a finished ticket named again (a late press, a
            # dossier code) is left alone, as the province's finished-ticket guard (db/roles.py)
            # requires of every role but the owner; a finished ticket does not change.
            if any(old[name] != value for name, value in values.items()):
                _update_ticket(target_id, values, old)
        if fresh:
            existing = self._ticket_ids(mapped.values())
        return {source_id: existing[_ticket_key(values)] for source_id, values in mapped.items()}

    @staticmethod
    def _ticket_ids(values: Iterable[dict]) -> dict[tuple, int]:
        keys = {_ticket_key(v) for v in values}
        days = sorted({k[0] for k in keys})
        service_ids = sorted({k[1] for k in keys})
        if not keys:
            return {}
        query = (Ticket.select(Ticket.id, Ticket.service_day, Ticket.issued_service, Ticket.number)
                 .where(Ticket.service_day.in_(days) & Ticket.issued_service.in_(service_ids)).tuples())
        return {(day, service, number): tid for tid, day, service, number in query
                if (day, service, number) in keys}

    @staticmethod
    def _upsert_bookings(rows: list[dict], services: dict, tickets: dict) -> int:
        if not rows:
            return 0
        known = dict(Booking.select(Booking.token, Booking.id)
                     .where(Booking.service.in_(list(services.values()))).tuples())
        for row in rows:
            values = {name: row[name] for name in _BOOKING_FIELDS}
            values["service"] = services[row["service"]]
            values["ticket"] = tickets.get(row["ticket"]) if row["ticket"] else None
            if values["ticket"] is None and row["ticket"]:
                values.pop("ticket")   # its ticket arrives with a later batch; keep what the target has
            if row["token"] in known:
                Booking.update(**values).where(Booking.id == known[row["token"]]).execute()
            else:
                Booking.insert(**values).execute()
        return len(rows)


def _update_ticket(target_id: int, values: dict, old: dict) -> None:
    """Rewrite one copied ticket; a finished copy that the source changed is refused by name."""
    try:   # (the refusal rolls the whole batch back: nothing of it, nor its position, is kept)
        Ticket.update(**values).where(Ticket.id == target_id).execute()
    except pw.ProgrammingError as exc:
        if "is finished" not in str(exc):
            raise
        raise NotAllowed(
            f"Phiếu {old['code']} ({old['service_day']}) đã kết thúc ở CSDL đích và không được sửa; "
            "nguồn đã đổi phiếu này sau khi kết thúc: chủ sở hữu CSDL đích phải quyết định (docs/sync.md)",
            f"ticket {old['code']} of {old['service_day']} is finished ({old['status']}) in the target and may not be "
            "changed, but the source changed it after it finished: the target's owner must decide (docs/sync.md "
            "\"A finished ticket\")",
        ) from None


def _ticket_key(values: dict) -> tuple:
    return values["service_day"], values["issued_service"], values["number"]


def _chunks(rows: list, size: int):
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def _insert_many(model, rows: list[dict]) -> None:
    for chunk in _chunks(rows, 500):
        model.insert_many(chunk).execute()


def _put_setting(key: str, value: str) -> None:
    if Setting.update(value=value).where(Setting.key == key).execute() == 0:
        Setting.insert(key=key, value=value).execute()


def _upsert_config(model, rows: list[dict], site_id: int, key: str) -> dict[int, int]:
    """Source id -> target id for one configuration table, matched by (site, ``key``)."""
    known = dict(model.select(getattr(model, key), model.id).where(model.site == site_id).tuples())
    mapping: dict[int, int] = {}
    for row in rows:
        values = {k: v for k, v in row.items() if k != "id"}
        values["site"] = site_id
        target_id = known.get(row[key])
        if target_id is None:
            target_id = model.insert(**values).execute()
        else:
            model.update(**values).where(model.id == target_id).execute()
        mapping[row["id"]] = target_id
    return mapping


# ---------------------------------------------------------------- one pass

def sync_site(target: Target, site_id: int, code: str, *, batch: int = DEFAULT_BATCH,
              source_name: str = "", on_batch: Callable[[BatchResult], None] | None = None) -> list[BatchResult]:
    """Copy one site until the target has caught up with the source's log as read now.

    ``on_batch`` is told of each committed batch (the service prints it and pets the watchdog).
    """
    results: list[BatchResult] = []
    position = target.position(code)
    while True:
        data = read_batch(site_id, position, batch)
        if not data.events and not data.ratings and not data.dossiers and results:
            break
        position, rows = target.write(data, position, source_name)
        results.append(BatchResult(code, position, rows, *lag(site_id, position)))
        if on_batch is not None:
            on_batch(results[-1])
        if len(data.events) < batch and len(data.ratings) < batch and len(data.dossiers) < batch:
            break
    return results


def source_sites() -> list[tuple[int, str]]:
    """The sites this database holds as its own (copies it received from elsewhere are not sent on)."""
    own = []
    for site_id, code in Site.select(Site.id, Site.code).order_by(Site.code).tuples():
        if not replica.is_replica(site_id):
            own.append((site_id, code))
    return own


def status(target: Target) -> list[dict]:
    """Per site: the acknowledged position and the lag behind the source, in events and seconds."""
    out = []
    for site_id, code in source_sites():
        position = target.position(code)
        events, seconds = lag(site_id, position)
        out.append({"site": code, "position": position.to_json(), "source_event": source_head(site_id)[0],
                    "lag_events": events, "lag_s": round(seconds, 3)})
    return out


def lag(site_id: int, position: Position) -> tuple[int, float]:
    """How far ``position`` is behind the source: events not yet copied, and the source time they span.

    Read from the source alone, so the service can say it while the target is out of reach
    (with the last position the target acknowledged).
    """
    head_id, head_at = source_head(site_id)
    if head_id <= position.event:
        return 0, 0.0
    events = Event.select().where((Event.site_id == site_id) & (Event.id > position.event)).count()
    if position.event == 0:   # nothing copied yet: the lag spans the whole log
        first = Event.select(pw.fn.MIN(Event.at)).where(Event.site_id == site_id).scalar() or head_at
        return events, max(0.0, head_at - float(first))
    return events, max(0.0, head_at - position.at)
