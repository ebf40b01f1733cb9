"""Creating and upgrading the schema, keeping every existing row.

``SCHEMA_VERSION`` is the version the code expects.  A new database gets all
tables at once; an older one runs each step of ``UPGRADES`` in order inside a
write transaction (``playhouse.migrate`` for column changes), then records the
version.  Every command calls ``ensure_schema()`` through ``connect()``.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import peewee
from playhouse.migrate import PostgresqlMigrator, SchemaMigrator, SqliteMigrator

from db.connection import database_proxy, write_transaction
from db.errors import Forbidden
from db.models import (
    ALL_MODELS,
    BOOKING_MODELS,
    ROLLUP_MODELS,
    ApiKey,
    Counter,
    Event,
    Officer,
    SchemaVersion,
    Service,
    Setting,
    Site,
    Ticket,
)

SCHEMA_VERSION = 14


def _v2_ticket_note(migrator: SchemaMigrator) -> list:
    """Version 2: tickets carry the officer's note written on a transfer."""
    columns = {c.name for c in database_proxy.obj.get_columns("ticket")}
    if "note" in columns:
        return []
    return [migrator.add_column("ticket", "note", Ticket.note)]


def _v3_report_indexes(migrator: SchemaMigrator) -> list:
    """Version 3: the ``ticket (status, service_day)`` index the reports need.

    Indexes (and tables) added to the models are created by the
    ``create_tables(safe=True)`` pass that follows every upgrade.
    """
    return []


def _v4_event_order_and_requests(migrator: SchemaMigrator) -> list:
    """Version 4: events get their ids in commit order; operations carry a request id.

    * PostgreSQL: the commit-order trigger on ``event`` (``db.events.install_commit_order``),
      so a follower reading "ids after N" can never skip an event whose
      transaction committed late.  Existing rows and ids are kept.
    * the ``request`` table (idempotent retries) is created by the
      ``create_tables(safe=True)`` pass that follows every upgrade.
    """
    from db.events import install_commit_order

    install_commit_order(database_proxy.obj)
    return []


def _v5_ticket_dossiers(migrator: SchemaMigrator) -> list:
    """Version 5: the ``ticket_dossier`` table (created by the pass that follows)."""
    return []


def _v6_web_tables(migrator: SchemaMigrator) -> list:
    """Version 6: ``setting`` (the tracking-link secret) and ``api_key`` for the web service."""
    database_proxy.obj.create_tables([Setting, ApiKey], safe=True)
    return []


def _v7_audit_and_seals(migrator: SchemaMigrator) -> list:
    """Version 7: the ``audit`` log and the tamper-evidence tables (``seal``, ``seal_head``,
    ``seal_key``, ``verification``), created by the ``create_tables`` pass; the chains
    start after the rows already there (``db.integrity.install``, run after every upgrade)."""
    return []


def _v8_bookings(migrator: SchemaMigrator) -> list:
    """Version 8: appointments (bookings, slot and quota counters, notification outbox).

    Adds ``ticket.slot_at`` and the services' ``booking_slot_min`` /
    ``booking_per_slot``, and creates the booking tables.
    """
    database_proxy.obj.create_tables(BOOKING_MODELS, safe=True)
    operations = []
    tickets = {c.name for c in database_proxy.obj.get_columns("ticket")}
    if "slot_at" not in tickets:
        operations.append(migrator.add_column("ticket", "slot_at", Ticket.slot_at))
    services = {c.name for c in database_proxy.obj.get_columns("service")}
    for name in ("booking_slot_min", "booking_per_slot"):
        if name not in services:
            operations.append(migrator.add_column("service", name, getattr(Service, name)))
    return operations


def _v9_api_key_scopes(migrator: SchemaMigrator) -> list:
    """Version 9: ``api_key.scopes`` (what a key may do); existing keys keep all they could do."""
    columns = {c.name for c in database_proxy.obj.get_columns("api_key")}
    return [] if "scopes" in columns else [migrator.add_column("api_key", "scopes", ApiKey.scopes)]


def _v10_sites(migrator: SchemaMigrator) -> list:
    """Version 10: one database, several sites (docs/schema.md "Sites").

    * ``site.code`` (the one existing site becomes ``MAIN``; ``onestop init --site`` with a
      ``[site] code`` renames it);
    * ``site_id`` on ``service``, ``counter``, ``officer`` (the configuration) and ``event``
      (the feed a display follows), filled with the existing site's id;
    * uniqueness per site: the single-column unique indexes on service code, counter number
      and officer username are replaced by ``(site_id, ...)`` ones (created by the
      ``create_tables`` pass that follows).

    Tickets, numbering, ratings, bookings and dossiers reach their site through their service
    or counter, so their rows are untouched.  Runs its own operations (the columns must exist
    before they are filled) and returns none.
    """
    from playhouse.migrate import migrate

    db = database_proxy.obj

    def columns(table: str) -> set[str]:
        return {c.name for c in db.get_columns(table)}

    def indexes(table: str) -> set[str]:
        return {i.name for i in db.get_indexes(table)}

    if "code" not in columns("site"):
        migrate(migrator.add_column("site", "code", Site.code))
    for model in (Service, Counter, Officer):
        table = model._meta.table_name
        if "site_id" not in columns(table):
            migrate(migrator.add_column(table, "site_id", model.site))
    if "site_id" not in columns("event"):
        migrate(migrator.add_column("event", "site_id", Event.site_id))
    only = Site.select(Site.id).order_by(Site.id).first()
    if only is not None:
        for model in (Service, Counter, Officer):
            model.update(site=only.id).where(model.site.is_null()).execute()
        Event.update(site_id=only.id).where(Event.site_id.is_null()).execute()
    for table, old in (("service", "service_code"), ("counter", "counter_number"), ("officer", "officer_username")):
        if old in indexes(table):
            migrate(migrator.drop_index(table, old))
    return []


def _v11_report_rollup(migrator: SchemaMigrator) -> list:
    """Version 11: the daily report rollup (docs/rollup.md): ``report_day*``, ``report_hist``, ``report_state``.

    Only new tables; they start empty, so reports read the ticket history until days are rolled
    (``onestop rollup`` once after the upgrade; then as days close).
    """
    database_proxy.obj.create_tables(ROLLUP_MODELS, safe=True)
    return []


def _v12_covering_day_indexes(migrator: SchemaMigrator) -> list:
    """Version 12: covering indexes for a day's served tickets and presses (the province view).

    ``ticket (status, service_day)`` becomes ``ticket (status, service_day, service_id)`` and
    ``rating (service_day)`` becomes ``rating (service_day, counter_id, counted, value)``: the
    province view counts a whole province's day (~240,000 tickets) from the indexes alone,
    and every query that used the old ones uses their prefix.  The old indexes are dropped
    here; the new ones are built by the ``create_tables`` pass that follows (on a province's
    7 M tickets that takes tens of seconds, once).
    """
    existing = {"ticket": {i.name for i in database_proxy.obj.get_indexes("ticket")},
                "rating": {i.name for i in database_proxy.obj.get_indexes("rating")}}
    return [migrator.drop_index(table, name) for table, name in
            (("ticket", "ticket_status_service_day"), ("rating", "rating_service_day")) if name in existing[table]]


def _v13_site_day_index(migrator: SchemaMigrator) -> list:
    """Version 13: ``ticket (service_id, service_day)`` instead of ``ticket (service_day)``.

    A report of one site in a province database asks for its services' tickets of a date range;
    through ``(service_day)`` that read every site's tickets of the range (PostgreSQL chose a
    sequential scan of the whole table: 16 s for one site's month of a 7.2 M-ticket province).
    ``(service_day)`` alone is the prefix of the unique ``(service_day, issued_service_id, number)``,
    so it is dropped (one index less to write per ticket); the new one is built by the
    ``create_tables`` pass that follows.
    """
    existing = {i.name for i in database_proxy.obj.get_indexes("ticket")}
    return [migrator.drop_index("ticket", "ticket_service_day")] if "ticket_service_day" in existing else []


def _v14_histogram_index(migrator: SchemaMigrator) -> list:
    """Version 14: ``report_hist (site_id, month, measure, dim)`` instead of ``(site_id, month)``.

    Since the rollup's histogram layout 2 a month also holds a per-day breakdown (the all-sites
    report's ``by_day``), as many rows again as the others; one site's long report reads only its
    totals, services, counters and officers of one measure at a time, and through ``(site_id, month)``
    it read and skipped the day rows (a five-year report 543 -> 782 ms on 3 M tickets). The new index
    is built by the ``create_tables`` pass that follows. No row changes.
    """
    existing = {i.name for i in database_proxy.obj.get_indexes("report_hist")}
    old = "report_hist_site_id_month"
    return [migrator.drop_index("report_hist", old)] if old in existing else []


#: version reached -> step that brings the previous version to it.
UPGRADES: dict[int, Callable[[SchemaMigrator], list]] = {
    2: _v2_ticket_note, 3: _v3_report_indexes, 4: _v4_event_order_and_requests, 5: _v5_ticket_dossiers,
    6: _v6_web_tables, 7: _v7_audit_and_seals, 8: _v8_bookings, 9: _v9_api_key_scopes,
    10: _v10_sites, 11: _v11_report_rollup, 12: _v12_covering_day_indexes,
    13: _v13_site_day_index, 14: _v14_histogram_index,
}


def _migrator() -> SchemaMigrator:
    db = database_proxy.obj
    return PostgresqlMigrator(db) if isinstance(db, peewee.PostgresqlDatabase) else SqliteMigrator(db)


def _after_create() -> None:
    """What a new database needs beyond the model tables (triggers, defaults)."""
    from db.events import install_commit_order

    install_commit_order(database_proxy.obj)


def current_version() -> int:
    db = database_proxy.obj
    if not db.table_exists("schema_version"):
        return 0
    row = SchemaVersion.select(peewee.fn.MAX(SchemaVersion.version)).scalar()
    return int(row or 0)


def ensure_schema() -> int:
    """Create or upgrade the schema; returns the version now in force.

    A current schema costs one read and no DDL, so program roles that may
    not create tables (docs/security.md) connect normally; when an upgrade
    is due and the role lacks the rights, the refusal says what to run.
    """
    db = database_proxy.obj
    version = current_version()
    if version >= SCHEMA_VERSION:
        return version
    try:
        return _create_or_upgrade(db)
    except peewee.ProgrammingError as exc:
        if "permission denied" not in str(exc).lower() and "must be owner" not in str(exc).lower():
            raise
        raise Forbidden(
            f"CSDL cần nâng cấp lên phiên bản {SCHEMA_VERSION} nhưng tài khoản này không có quyền: "
            "hãy chạy `onestop init --db URL_CHU_SO_HUU` một lần",
            f"The database schema must be upgraded to version {SCHEMA_VERSION} and this role may not do it: "
            "run `onestop init --db OWNER_URL` once (docs/security.md)",
        ) from None


def _create_or_upgrade(db: peewee.Database) -> int:
    from db import integrity  # local: integrity imports the models' users

    with write_transaction():
        version = current_version()  # another process may have done it meanwhile
        if version == 0:
            db.create_tables(ALL_MODELS, safe=True)
            _after_create()
            SchemaVersion.create(version=SCHEMA_VERSION, applied_at=time.time())
            integrity.install()
            return SCHEMA_VERSION
        from playhouse.migrate import migrate

        for target in range(version + 1, SCHEMA_VERSION + 1):
            operations = UPGRADES[target](_migrator())
            if operations:
                migrate(*operations)
            SchemaVersion.create(version=target, applied_at=time.time())
        # New tables and indexes of the models (IF NOT EXISTS: existing ones are kept).
        db.create_tables(ALL_MODELS, safe=True)
        integrity.install()
    return SCHEMA_VERSION


def refresh_planner_statistics(*, force: bool = False) -> None:
    """Let SQLite's query planner know how big the history is.

    Without statistics SQLite guesses, and with years of tickets it may pick
    ``ticket(service_id)`` for "waiting tickets of this service today" and
    read the service's whole history (160 ms per issue at 3M tickets instead
    of 1 ms).  ``ANALYZE`` with ``analysis_limit`` samples each index (a few
    ms); it runs only when the statistics are missing or the ticket table
    has more than doubled since they were taken, so most starts cost one
    small read.  PostgreSQL's autovacuum keeps its own statistics.
    """
    db = database_proxy.obj
    if not isinstance(db, peewee.SqliteDatabase):
        return
    if not force and not _statistics_stale(db):
        return
    db.execute_sql("PRAGMA analysis_limit = 1000")
    db.execute_sql("ANALYZE")


def _statistics_stale(db: peewee.SqliteDatabase) -> bool:
    if not db.table_exists("sqlite_stat1"):
        return True
    row = db.execute_sql("SELECT stat FROM sqlite_stat1 WHERE tbl = 'ticket' LIMIT 1").fetchone()
    counted = int(row[0].split()[0]) if row and row[0] else 0
    tickets = db.execute_sql("SELECT COALESCE(MAX(id), 0) FROM ticket").fetchone()[0]
    return tickets > 2 * counted + 1000
