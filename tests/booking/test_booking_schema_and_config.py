"""Schema step 8 (appointment tables) upgrades an older database in place; the TOML keys are checked.

Config errors name the file, the line and the field, like every other key of the site file.
"""

from __future__ import annotations

import sqlite3

import pytest
from booking_site import OFFICE_HOURS, write_site

from db.connection import close, connect
from db.errors import ConfigError
from db.models import Booking, SchemaVersion, Service, Ticket
from db.schema import SCHEMA_VERSION
from db.site_config import load_site_file, parse_site_text


def test_upgrade_from_version_7_adds_the_booking_tables_and_keeps_tickets(sqlite_site_db, clock):
    from db import queue

    ticket = queue.issue_ticket("TP", now=clock(9, 0))
    path = sqlite_site_db[len("sqlite:///"):]
    close()
    with sqlite3.connect(path) as raw:       # make it look like a version-7 database (before bookings)
        raw.execute("ALTER TABLE ticket DROP COLUMN slot_at")
        raw.execute("ALTER TABLE service DROP COLUMN booking_slot_min")
        raw.execute("ALTER TABLE service DROP COLUMN booking_per_slot")
        for table in ("notification", "notify_cursor", "booking", "booking_slot", "booking_quota"):
            raw.execute(f"DROP TABLE {table}")
        raw.execute("DELETE FROM schema_version")
        raw.execute("INSERT INTO schema_version (version, applied_at) VALUES (7, 0)")
    connect(sqlite_site_db)
    assert SchemaVersion.select().order_by(SchemaVersion.version.desc()).first().version == SCHEMA_VERSION
    row = Ticket.get_by_id(ticket.id)
    assert row.code == "A001" and row.slot_at is None
    assert Service.get(Service.code == "TP").booking_slot_min is None
    assert Booking.select().count() == 0
    assert queue.find_ticket(ticket.id, now=clock(9, 1)).to_json()["appointment"] is False


def test_service_booking_table_and_booking_section_are_read(tmp_path):
    config = load_site_file(write_site(tmp_path))
    tp = next(s for s in config.services if s["code"] == "TP")
    assert tp["booking"] == {"slot_min": 15, "per_slot": 2}
    assert config.booking == {"days_ahead": 7, "grace_min": 15, "early_min": 30, "max_per_phone_per_day": 2,
                              "max_per_client_per_day": 3}
    assert config.notify == {"driver": "none"}


def test_booking_defaults_without_a_booking_section():
    config = parse_site_text('[site]\nname = "X"\n')
    assert config.booking == {"days_ahead": 7, "grace_min": 15, "early_min": 30, "max_per_phone_per_day": 2,
                              "max_per_client_per_day": 10}


@pytest.mark.parametrize("old, new, field", [
    ("booking = { slot_min = 15, per_slot = 2 }", "booking = { slot_min = 15, per_slot = 0 }", "services[0].booking.per_slot"),
    ("booking = { slot_min = 15, per_slot = 2 }", "booking = { slot_min = 15 }", "services[0].booking.per_slot"),
    ("booking = { slot_min = 15, per_slot = 2 }", "booking = { slot_min = 15, per_slot = 2, seats = 3 }",
     "services[0].booking.seats"),
    ("booking = { slot_min = 15, per_slot = 2 }", "booking = { slot_min = 300, per_slot = 2 }",
     "services[0].booking.slot_min"),
    ("booking = { slot_min = 15, per_slot = 2 }", 'booking = "yes"', "services[0].booking"),
    ("days_ahead = 7", "days_ahead = 400", "booking.days_ahead"),
    ("grace_min = 15", 'grace_min = "15"', "booking.grace_min"),
    ("max_per_phone_per_day = 2", "max_per_phone = 2", "booking.max_per_phone"),
])
def test_bad_booking_keys_are_refused_with_file_line_and_field(tmp_path, old, new, field):
    text = OFFICE_HOURS.replace(old, new, 1)
    path = write_site(tmp_path, text)
    with pytest.raises(ConfigError) as exc:
        load_site_file(path)
    assert exc.value.field == field and exc.value.path == str(path)
    line = text.replace("{extra}", "").splitlines()[exc.value.line - 1]
    assert new.split("=")[0].strip() in line


def test_a_slot_longer_than_every_opening_span_is_refused(tmp_path):
    text = OFFICE_HOURS.replace('["07:30-11:30", "13:30-17:00"]', '["07:30-08:00"]').replace(
        "slot_min = 15, per_slot = 2", "slot_min = 45, per_slot = 2")
    with pytest.raises(ConfigError) as exc:
        load_site_file(write_site(tmp_path, text))
    assert exc.value.field == "services[0].booking.slot_min" and "long enough" in exc.value.problem


def test_import_stores_slots_and_reimport_without_booking_switches_bookings_off(sqlite_url, tmp_path):
    from site_setup import connect_with_site

    from db import bookings
    from db.site import import_site

    connect_with_site(sqlite_url, str(write_site(tmp_path)))
    try:
        assert [s.code for s in bookings.bookable_services()] == ["TP", "KS"]
        import_site(load_site_file(write_site(tmp_path, OFFICE_HOURS.replace(
            "booking = { slot_min = 15, per_slot = 2 }\n", ""), name="second.toml")))
        assert [s.code for s in bookings.bookable_services()] == ["KS"]
        assert bookings.policy().max_per_client_per_day == 3
    finally:
        close()


def test_exported_site_file_keeps_the_booking_settings(sqlite_url, tmp_path):
    from site_setup import connect_with_site

    from db.site_export import export_site_toml

    connect_with_site(sqlite_url, str(write_site(tmp_path)))
    try:
        again = parse_site_text(export_site_toml())
        assert next(s for s in again.services if s["code"] == "TP")["booking"] == {"slot_min": 15, "per_slot": 2}
        assert again.booking["max_per_client_per_day"] == 3
    finally:
        close()
