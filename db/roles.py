"""One PostgreSQL role per program, each allowed exactly what that program does.

``onestop roles create --db OWNER_URL`` runs ``create_roles()`` as the schema
owner.  The choice (docs/security.md): plain table and column GRANTs, read
from what each program's code writes, plus two server-side pieces where a
grant cannot say enough:

* ``onestop_seal()`` (db/integrity.py), a SECURITY DEFINER function: the
  programs seal ratings and events without being able to read the key or
  touch the ``seal`` tables;
* a trigger that refuses any UPDATE or DELETE of a finished ticket (done,
  no-show, cancelled) by anyone but the owner.  A column grant cannot tell a
  finished ticket from an open one, and a row-level-security policy would
  make the rows silently invisible (``UPDATE 0``) instead of refusing, and
  would have to be repeated for every ``SELECT ... FOR UPDATE``.  It has no
  exception for ``onestop_sync`` either: the sync writes only copied tickets
  that changed (db/sync.py), and a finished ticket does not change.

No program role may UPDATE or DELETE a rating, an event or an audit entry.
Tables this module does not know (added by a later version) get no grant and
are listed in ``ungranted``: extend ``GRANTS`` and run the command again.
"""

from __future__ import annotations

from dataclasses import dataclass

from db.connection import database_proxy, is_postgres
from db.errors import InvalidInput
from db.integrity import SEAL_FUNCTION
from db.models import ALL_MODELS

#: every program reads these (names, numbering, the queue, the event feed)
_READ_QUEUE = ("schema_version", "site", "service", "counter", "counter_service", "officer", "number_sequence",
               "ticket", "ticket_dossier", "rating", "event", "request",
               "setting")  # the tracking-link secret: every ticket object carries its link
#: the daily report rollup (docs/rollup.md): derived rows that reports read
_ROLLUP = ("report_day", "report_day_rating", "report_day_appt", "report_day_dossier", "report_day_press",
           "report_day_hour", "report_day_stats", "report_month", "report_month_rating", "report_hist", "report_state")
#: the first issue or call of a day rolls the closed days up (``db.rollup.close_days_before``)
_ROLLUP_WRITE = {"insert": _ROLLUP, "delete": _ROLLUP, "update": {"report_state": ("event_id", "rating_id",
                                                                                   "dossier_id")}}
#: bookings hold citizens' names and phone numbers: only the programs that book, check in,
#: notify or report read them (an appointment ticket carries its slot time in ``ticket.slot_at``)
_READ = _READ_QUEUE + ("booking", "booking_slot", "booking_quota", "notification", "notify_cursor") + _ROLLUP
#: booking a place (web, API, CLI) and checking in (kiosk): the slot and quota counters move with it
_BOOKING_WRITE = {"booking": None, "booking_slot": None, "booking_quota": None}
#: ticket columns the queue operations set (call, recall, start, done, no-show, transfer, cancel)
_TICKET_QUEUE_COLUMNS = ("status", "counter_id", "officer_id", "called_at", "last_called_at", "started_at",
                         "finished_at", "recalls", "transfers", "service_id", "target_counter_id", "note",
                         "cancel_reason")
#: a login counts failures and locks the account; nothing else of an officer
_LOGIN = {"officer": ("failed_logins", "locked_until")}
#: an operation's request id and its outcome, so a retry is answered, not repeated (db/requests.py)
_REQUEST = {"request": ("ref_id", "data")}


#: the tables ``onestop sync`` copies into the province (db/sync.py ``Target._write``)
_SYNC_COPIED = ("site", "service", "officer", "counter", "counter_service", "ticket", "ticket_dossier", "rating",
                "event", "booking")


def _columns(table: str) -> tuple[str, ...]:
    """Every column of ``table`` but its id."""
    model = next(m for m in ALL_MODELS if m._meta.table_name == table)
    return tuple(f.column_name for f in model._meta.sorted_fields if f.column_name != "id")


@dataclass(frozen=True)
class RoleSpec:
    name: str
    programs: str
    select: tuple[str, ...] = _READ
    insert: tuple[str, ...] = ()
    #: table -> columns (``None`` = every column)
    update: dict | None = None
    delete: tuple[str, ...] = ()
    seal: bool = True  # may call onestop_seal(): writes events or ratings

    def sequences(self) -> tuple[str, ...]:
        # An event is inserted with a provisional id from its own sequence (db/events.py).
        extra = ("event_pending_id_seq",) if "event" in self.insert else ()
        return tuple(f"{table}_id_seq" for table in self.insert) + extra


GRANTS: tuple[RoleSpec, ...] = (
    RoleSpec(
        "onestop_kiosk", "kiosk (issue, cancel on a failed print, close yesterday's queue, admin exit login)",
        insert=("ticket", "number_sequence", "event", "audit", "request", "notification") + _ROLLUP_WRITE["insert"],
        update={"number_sequence": ("last_number",), "ticket": ("status", "cancel_reason", "finished_at"),
                "counter": ("current_ticket_id",), "booking": ("status", "ticket_id", "checked_in_at"),
                **_LOGIN, **_REQUEST, **_ROLLUP_WRITE["update"]},
        delete=_ROLLUP_WRITE["delete"],
    ),
    RoleSpec(
        "onestop_counter", "counter workstation (call, serve, transfer, sign in, dossier codes, its keypad)",
        insert=("event", "rating", "audit", "request", "ticket_dossier") + _ROLLUP_WRITE["insert"],
        update={"ticket": _TICKET_QUEUE_COLUMNS, "counter": ("officer_id", "current_ticket_id", "paused"), **_LOGIN,
                **_REQUEST, **_ROLLUP_WRITE["update"]},
        delete=("ticket_dossier",) + _ROLLUP_WRITE["delete"],  # a code attached by mistake is taken off again
    ),
    RoleSpec("onestop_display", "hall display (reads the queue and the event feed; writes nothing)",
             select=_READ_QUEUE, seal=False),
    RoleSpec(
        "onestop_keypad", "headless keypad reader (`onestop keypad`: rating presses)",
        select=_READ_QUEUE,
        insert=("rating", "event", "request"),
        # record_press locks the counter row (SELECT ... FOR UPDATE), which PostgreSQL allows only
        # with UPDATE on some column: the display name is the least consequential one.
        update={"counter": ("name",), **_REQUEST},
    ),
    RoleSpec(
        "onestop_web", "web service (ticket tracking, hall board, API: issuing with a key)",
        select=_READ + ("api_key",),
        insert=("ticket", "number_sequence", "event", "audit", "request", "setting", "booking", "booking_slot",
                "booking_quota", "notification", "notify_cursor") + _ROLLUP_WRITE["insert"],
        update={"number_sequence": ("last_number",), "ticket": ("status", "cancel_reason", "finished_at"),
                "counter": ("current_ticket_id",), "api_key": ("last_used_at",), **_BOOKING_WRITE,
                "notification": None, "notify_cursor": None, **_LOGIN, **_REQUEST, **_ROLLUP_WRITE["update"]},
        delete=_ROLLUP_WRITE["delete"],
    ),
    RoleSpec(
        "onestop_sync", "the province end of `onestop sync` (a commune's sites copied in; docs/sync.md)",
        # Read: the natural keys it matches by, its position and replica marks, and what RETURNING
        # gives back of the events and ratings it seals.  No api_key, audit, request or notification.
        select=_SYNC_COPIED + ("schema_version", "setting"),
        insert=_SYNC_COPIED + ("setting",),
        # Every copied column but ``id`` (the target's ids are its own); setting: the value of its
        # ``sync.position.*`` and ``sync.replica.*`` rows.  Events and ratings are only ever appended,
        # links and dossier codes deleted and inserted again.
        update={**{table: _columns(table) for table in ("site", "service", "officer", "counter", "ticket", "booking")},
                "setting": ("value",)},
        delete=("counter_service", "ticket_dossier"),   # a counter's links are copied whole; a detached code goes
    ),
    RoleSpec(
        "onestop_admin", "admin program (services, counters, officers, hours, notice, site import, reports, audit)",
        select=_READ + ("audit", "verification", "api_key"),
        insert=("site", "service", "counter", "counter_service", "officer", "event", "audit", "api_key"),
        update={"site": None, "service": None, "counter": None, "officer": None, "counter_service": None,
                "api_key": ("revoked_at",)},
        delete=("counter_service", "counter"),
    ),
)
ROLE_NAMES = tuple(spec.name for spec in GRANTS)

_GUARD_SQL = """
CREATE OR REPLACE FUNCTION {schema}.onestop_finished_ticket_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = {schema}, pg_temp AS $fn$
BEGIN
  IF current_user = (SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = TG_RELID) THEN
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
  END IF;
  RAISE EXCEPTION 'ticket %% is finished (%%) and cannot be changed', OLD.code, OLD.status
    USING ERRCODE = 'insufficient_privilege';
END
$fn$;
DROP TRIGGER IF EXISTS onestop_finished_ticket ON {schema}.ticket;
CREATE TRIGGER onestop_finished_ticket BEFORE UPDATE OR DELETE ON {schema}.ticket FOR EACH ROW
  WHEN (OLD.status IN ('done', 'no_show', 'cancelled')) EXECUTE FUNCTION {schema}.onestop_finished_ticket_guard();
"""


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _existing_tables(schema: str) -> set[str]:
    rows = database_proxy.obj.execute_sql(
        "SELECT tablename FROM pg_tables WHERE schemaname = %s", (schema,)).fetchall()
    return {r[0] for r in rows}


def _existing_sequences(schema: str) -> set[str]:
    rows = database_proxy.obj.execute_sql(
        "SELECT sequencename FROM pg_sequences WHERE schemaname = %s", (schema,)).fetchall()
    return {r[0] for r in rows}


def statements(schema: str, database: str, tables: set[str], sequences: set[str]) -> list[str]:
    """The SQL that brings every role to exactly its grants (idempotent)."""
    s = _ident(schema)
    out: list[str] = []
    for spec in GRANTS:
        role = _ident(spec.name)
        out.append(f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{spec.name}') "
                   f"THEN CREATE ROLE {role} LOGIN; END IF; END $$")
        out.append(f"ALTER ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOBYPASSRLS")
        out.append(f"GRANT CONNECT ON DATABASE {_ident(database)} TO {role}")
        out.append(f"GRANT USAGE ON SCHEMA {s} TO {role}")
        # Start from nothing, so running it again after a change removes what is no longer needed.
        out.append(f"REVOKE ALL ON ALL TABLES IN SCHEMA {s} FROM {role}")
        out.append(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {s} FROM {role}")
        out.append(f"REVOKE ALL ON FUNCTION {s}.{SEAL_FUNCTION}(text, bigint, text) FROM {role}")
        for table in spec.select:
            if table in tables:
                out.append(f"GRANT SELECT ON {s}.{_ident(table)} TO {role}")
        for table in spec.insert:
            if table in tables:
                out.append(f"GRANT INSERT ON {s}.{_ident(table)} TO {role}")
        for table, columns in (spec.update or {}).items():
            if table not in tables:
                continue
            cols = "" if columns is None else " (" + ", ".join(_ident(c) for c in columns) + ")"
            out.append(f"GRANT UPDATE{cols} ON {s}.{_ident(table)} TO {role}")
        for table in spec.delete:
            if table in tables:
                out.append(f"GRANT DELETE ON {s}.{_ident(table)} TO {role}")
        for sequence in spec.sequences():
            if sequence in sequences:
                out.append(f"GRANT USAGE ON SEQUENCE {s}.{_ident(sequence)} TO {role}")
        if spec.seal:
            out.append(f"GRANT EXECUTE ON FUNCTION {s}.{SEAL_FUNCTION}(text, bigint, text) TO {role}")
    out.append(_GUARD_SQL.format(schema=s))
    return out


def create_roles() -> dict:
    """Create or update the program roles on the connected PostgreSQL database (run as its owner)."""
    if not is_postgres():
        raise InvalidInput("Vai trò chỉ có trên PostgreSQL", "Roles exist only on PostgreSQL (SQLite is one PC)")
    db = database_proxy.obj
    schema, database = db.execute_sql("SELECT current_schema(), current_database()").fetchone()
    tables, sequences = _existing_tables(schema), _existing_sequences(schema)
    with db.atomic():
        for sql in statements(schema, database, tables, sequences):
            db.execute_sql(sql)
    known = {t for spec in GRANTS for t in (*spec.select, *spec.insert, *(spec.update or {}), *spec.delete)}
    owner_only = {"seal", "seal_head", "seal_key"}
    return {
        "database": database,
        "roles": [
            {"name": spec.name, "programs": spec.programs,
             "select": [t for t in spec.select if t in tables], "insert": [t for t in spec.insert if t in tables],
             "update": {t: (list(c) if c is not None else "all columns") for t, c in (spec.update or {}).items()
                        if t in tables},
             "delete": [t for t in spec.delete if t in tables], "seal": spec.seal,
             "url": f"postgresql://{spec.name}:PASSWORD@HOST/{database}?sslmode=verify-full"}
            for spec in GRANTS
        ],
        "owner_only": sorted(owner_only & tables),
        "ungranted": sorted(tables - known - owner_only),
        "set_passwords": {
            "psql": [f"\\password {spec.name}" for spec in GRANTS],
            "sql": [f"ALTER ROLE {spec.name} PASSWORD 'a long random password';" for spec in GRANTS],
            "note": "run as the owner in psql; \\password sends only the hash, so the password never "
                    "reaches the server log. Each PC then uses its own role's URL (docs/deployment.md).",
        },
    }
