"""What a synced copy must keep: its tamper evidence, every booking change, every dossier removal.

The target is each engine (``db_url``: SQLite and a real PostgreSQL); the
source is a commune's SQLite file changed through the domain calls.
"""

from __future__ import annotations

from db import bookings, dossiers, integrity, queue
from db.connection import database_proxy
from db.models import Booking, Event, Rating, Ticket, TicketDossier
from tests.multisite import no_site_chosen  # noqa: F401 (autouse fixture)
from tests.site_clock import at
from tests.sync.communes import bound, make_commune, report, sync_in_process


def _verify(url: str) -> integrity.VerifyResult:
    with bound(url):
        return integrity.verify(record=False)


def _count(url: str, model) -> int:
    with bound(url):
        return model.select().count()


def test_verify_passes_on_the_target_after_sync_and_finds_a_changed_or_deleted_copy(tmp_path, db_url):
    source = make_commune(tmp_path / "XA-A.db", "XA-A", 12)
    sync_in_process(source, db_url, batch=7)          # several batches, each sealing its rows
    with bound(source):
        queue.issue_ticket("TP", now=at(10, 0))       # and a later pass adds to the same chains
    sync_in_process(source, db_url)

    clean = _verify(db_url)
    assert clean.ok, clean.problems
    with bound(db_url):
        events, ratings = Event.select().count(), Rating.select().count()
    assert clean.checked["event"]["sealed"] == events > 0 and clean.checked["event"]["unsealed"] == 0
    assert clean.checked["rating"]["sealed"] == ratings > 0 and clean.checked["rating"]["unsealed"] == 0

    with bound(db_url):   # someone with SQL access to the province's copy "improves" a rating, drops an event
        rating_id = Rating.select(Rating.id).where(Rating.value == 1).order_by(Rating.id).scalar()
        event_id = Event.select(Event.id).order_by(Event.id.desc()).scalar()
        sql = database_proxy.obj.execute_sql
        mark = "%s" if db_url.startswith("postgres") else "?"
        sql(f"UPDATE rating SET value = 3 WHERE id = {mark}", (rating_id,))
        sql(f"DELETE FROM event WHERE id = {mark}", (event_id,))
    found = _verify(db_url)
    assert not found.ok
    assert f"rating {rating_id}: value changed" in found.problems
    assert f"event {event_id} missing (deleted)" in found.problems


def test_a_changed_booking_arrives_and_unchanged_bookings_are_not_copied_again(tmp_path, db_url):
    source = make_commune(tmp_path / "XA-A.db", "XA-A", 6)
    with bound(source):
        kept = bookings.book("TP", "2026-11-25T10:00", "Trần Văn Bình", "0912000001", now=at(8, 0))
        gone = bookings.book("TP", "2026-11-25T10:00", "Lê Thị Cúc", "0912000002", now=at(8, 1))
        later = bookings.book("TP", "2026-11-25T11:00", "Phạm Văn Dũng", "0912000003", now=at(8, 2))
    sync_in_process(source, db_url)
    assert _count(db_url, Booking) == 3

    with bound(source):
        queue.issue_ticket("KS", now=at(9, 0))        # events that name no booking ...
    quiet = sync_in_process(source, db_url)
    assert quiet[0].rows["events"] == 1 and quiet[0].rows["bookings"] == 0   # ... copy no booking

    with bound(source):
        bookings.cancel(gone.code, now=at(9, 40))
        ticket = bookings.check_in(kept.code, now=at(9, 50))
    changed = sync_in_process(source, db_url)
    assert sum(r.rows["bookings"] for r in changed) == 2

    with bound(db_url):
        rows = {b.code: b for b in Booking.select()}
        assert rows[gone.code].status == "cancelled" and rows[gone.code].cancelled_at == at(9, 40)
        assert rows[later.code].status == "booked"
        checked = rows[kept.code]
        assert checked.status == "checked_in" and checked.ticket_id is not None
        assert Ticket.get_by_id(checked.ticket_id).code == ticket.code
    assert report(db_url, "XA-A")["totals"]["bookings"] == report(source, "XA-A")["totals"]["bookings"]


def _codes(url: str) -> set[tuple[str, str]]:
    with bound(url):
        return {(t, c) for t, c in TicketDossier.select(Ticket.code, TicketDossier.code).join(Ticket).tuples()}


def test_a_detached_dossier_leaves_the_target_too(tmp_path, db_url):
    source = make_commune(tmp_path / "XA-A.db", "XA-A", 6)
    with bound(source):
        served = queue.issue_ticket("TP", now=at(10, 0))
        while queue.call_next(1, now=at(10, 1)).id != served.id:   # the morning's last waiting tickets first
            queue.mark_no_show(1, now=at(10, 1))
        queue.start_service(1, now=at(10, 2))
        dossiers.attach(1, "H26.99-0001", now=at(10, 3))
        dossiers.attach(1, "H26.99-0002", now=at(10, 4))
    sync_in_process(source, db_url)
    assert _codes(db_url) == {(served.code, "H26.99-0001"), (served.code, "H26.99-0002")}

    with bound(source):
        dossiers.detach(1, "H26.99-0002", now=at(10, 5))      # a mistyped code taken off again
    sync_in_process(source, db_url)
    assert _codes(db_url) == _codes(source) == {(served.code, "H26.99-0001")}

    with bound(source):   # detach and attach again within one batch: the target ends with the source's set
        dossiers.detach(1, "H26.99-0001", now=at(10, 6))
        dossiers.attach(1, "H26.99-0003", now=at(10, 7))
        dossiers.attach(1, "H26.99-0001", now=at(10, 8))
        queue.finish_service(1, now=at(10, 9))
    sync_in_process(source, db_url, batch=2)
    assert _codes(db_url) == _codes(source) == {(served.code, "H26.99-0001"), (served.code, "H26.99-0003")}
    assert report(db_url, "XA-A") == report(source, "XA-A")


def test_a_sync_role_that_cannot_read_the_seal_key_still_seals_its_copies(tmp_path, pg_server):
    """Least privilege in the province: a role with table rights and ``onestop_seal()``, no key, no seal tables."""
    import uuid

    import psycopg

    source = make_commune(tmp_path / "XA-A.db", "XA-A", 8)
    owner = pg_server.create_database()
    sync_in_process(source, owner, batch=5)          # the owner creates the province's schema
    role = "sync_" + uuid.uuid4().hex[:8]
    with psycopg.connect(owner, autocommit=True) as conn:
        for statement in (
                f"CREATE ROLE {role} LOGIN",
                f"GRANT USAGE ON SCHEMA public TO {role}",
                f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
                f"REVOKE ALL ON seal, seal_head, seal_key FROM {role}",
                f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {role}",
                f"GRANT EXECUTE ON FUNCTION onestop_seal(text, bigint, text) TO {role}"):
            conn.execute(statement)
    with bound(source):
        for i in range(3):
            queue.issue_ticket("TP", now=at(10, 0) + i)
        queue.call_next(1, now=at(10, 5))
    as_role = owner.replace("postgres@", f"{role}@", 1)
    results = sync_in_process(source, as_role, batch=2)
    assert sum(r.rows["events"] for r in results) == 4
    clean = _verify(owner)
    assert clean.ok, clean.problems
    assert clean.checked["event"]["unsealed"] == 0 and clean.checked["event"]["sealed"] == _count(owner, Event)
