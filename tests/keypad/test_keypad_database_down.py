"""A press while the database is locked or down is kept, retried and recorded, never lost."""

from __future__ import annotations

import logging
import sqlite3
import threading
import time

import pytest
from keypad_helpers import wait_for

from db.connection import close, connect, with_retry
from db.errors import DatabaseUnavailable
from db.models import Rating
from db.ratings import record_press
from errors import Kind, OnestopError
from hardware.keypad import CONNECTED, KeypadReader, StaticDirectory, is_retryable
from services.keypad_ratings import rating_reader


def sqlite_path(url: str) -> str:
    return url[len("sqlite:///"):]


def hold_write_lock(url: str, seconds: float) -> threading.Thread:
    """Another program holding SQLite's write lock (``BEGIN IMMEDIATE``) for ``seconds``."""
    locked = threading.Event()

    def run() -> None:
        other = sqlite3.connect(sqlite_path(url), isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        locked.set()
        time.sleep(seconds)
        other.execute("COMMIT")
        other.close()

    thread = threading.Thread(target=run)
    thread.start()
    locked.wait(5)
    return thread


def test_record_press_waits_for_a_locked_sqlite_database(sqlite_site_db):
    locker = hold_write_lock(sqlite_site_db, 1.0)
    started = time.time()
    info = record_press(1, 3, now=started)
    waited = time.time() - started
    locker.join()
    assert 0.8 < waited < 5
    assert info.pressed_at.timestamp() == pytest.approx(started)
    assert Rating.select().count() == 1


def test_keypad_press_while_sqlite_is_locked_is_recorded_with_its_press_time(sqlite_site_db, keypad):
    reader = rating_reader(keypad.path, protocol="ascii", counter=1).start()
    try:
        wait_for(lambda: reader.state == CONNECTED)
        keypad.send(b"2")                                 # warm up: directory loaded, connection open
        wait_for(lambda: Rating.select().count() == 1)
        locker = hold_write_lock(sqlite_site_db, 1.0)
        sent = time.time()
        keypad.send(b"3")
        wait_for(lambda: reader.stats()["presses"] == 2)  # decoded: the reader is trying to record it
        assert Rating.select().count() == 1               # still waiting for the lock ...
        locker.join()
        wait_for(lambda: Rating.select().count() == 2)    # ... and recorded once it is free
        last = Rating.select().order_by(Rating.id.desc()).first()
        assert last.value == 3 and last.pressed_at == pytest.approx(sent, abs=0.3)
    finally:
        reader.stop()


def test_presses_while_postgresql_is_down_are_recorded_in_order_when_it_is_back(own_pg_server, keypad, caplog):
    from db.site import import_site
    from db.site_config import load_site_file

    server = own_pg_server              # a server of our own, so we may stop it
    try:
        close()
        connect(server.create_database())
        import_site(load_site_file(None))

        def count() -> int:
            return with_retry(lambda: Rating.select().count())

        reader = rating_reader(keypad.path, protocol="ascii", counter=1, retry_s=0.2).start()
        try:
            wait_for(lambda: reader.state == CONNECTED)
            keypad.send(b"3")
            wait_for(lambda: count() == 1)
            server.stop()
            sent = time.time()
            keypad.send(b"2")
            keypad.send(b"1")
            wait_for(lambda: reader.stats()["retries"] >= 2, timeout=20)
            assert reader.stats()["backlog"] == 2
            time.sleep(1.0)
            server.start()
            wait_for(lambda: reader.stats()["backlog"] == 0, timeout=30)
            rows = with_retry(lambda: [(r.value, r.pressed_at) for r in Rating.select().order_by(Rating.id)])
            assert [value for value, _ in rows] == [3, 2, 1]
            assert all(abs(pressed - sent) < 0.5 for _, pressed in rows[1:])   # when pressed, not when stored
            assert reader.stats()["lost"] == 0
        finally:
            reader.stop()
    finally:
        close()


class Flaky:
    """A sink whose database is unavailable for the first ``failures`` calls."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.recorded: list[tuple[int, int, float]] = []

    def __call__(self, counter: int, value: int, pressed_at: float):
        if self.failures > 0:
            self.failures -= 1
            raise DatabaseUnavailable("test")
        self.recorded.append((counter, value, pressed_at))
        return value


def test_backlog_keeps_press_order_across_retries(keypad):
    flaky = Flaky(failures=3)
    reader = KeypadReader(keypad.path, protocol="ascii", counter=4, on_press=flaky,
                          directory=StaticDirectory({1, 2, 3}), retry_s=0.05).start()
    try:
        wait_for(lambda: reader.state == CONNECTED)
        keypad.send(b"1")
        keypad.send(b"2")
        keypad.send(b"3")
        wait_for(lambda: len(flaky.recorded) == 3)
        assert [v for _, v, _ in flaky.recorded] == [1, 2, 3]
        assert reader.stats()["retries"] == 3
    finally:
        reader.stop()


def test_presses_still_unrecorded_at_stop_are_counted_and_logged_as_lost(keypad, caplog):
    flaky = Flaky(failures=10**6)
    reader = KeypadReader(keypad.path, protocol="ascii", counter=4, on_press=flaky,
                          directory=StaticDirectory({1, 2, 3}), retry_s=0.05, drain_s=0.3).start()
    wait_for(lambda: reader.state == CONNECTED)
    keypad.send(b"12")
    wait_for(lambda: reader.stats()["presses"] == 2)
    with caplog.at_level(logging.ERROR, logger="hardware.keypad.reader"):
        reader.stop()
    assert reader.stats()["lost"] == 2
    assert sum("NOT recorded" in r.getMessage() for r in caplog.records) == 2


def test_full_backlog_drops_new_presses_and_counts_them(keypad):
    flaky = Flaky(failures=10**6)
    reader = KeypadReader(keypad.path, protocol="ascii", counter=4, on_press=flaky,
                          directory=StaticDirectory({1, 2, 3}), retry_s=0.05, drain_s=0.1, max_backlog=3).start()
    try:
        wait_for(lambda: reader.state == CONNECTED)
        keypad.send(b"12312")
        wait_for(lambda: reader.stats()["presses"] == 5)
        assert reader.stats()["lost"] == 2 and reader.stats()["backlog"] == 3
        flaky.failures = 0                                  # the database is back
        wait_for(lambda: reader.stats()["backlog"] == 0)
        assert [v for _, v, _ in flaky.recorded] == [1, 2, 3]
    finally:
        reader.stop()


class DeviceSink:
    """A sink outside the database: it speaks only the bottom-layer error vocabulary."""

    def __init__(self, fail_with: list[OnestopError]) -> None:
        self.fail_with = fail_with
        self.recorded: list[tuple[int, int]] = []

    def __call__(self, counter: int, value: int, pressed_at: float):
        if self.fail_with:
            raise self.fail_with.pop(0)
        self.recorded.append((counter, value))
        return value


def test_any_sink_error_of_kind_database_unavailable_is_retried_and_other_kinds_are_refusals(keypad):
    away = OnestopError("kho tạm vắng", "store away", kind=Kind.DATABASE_UNAVAILABLE)
    refused = OnestopError("không có quầy", "no such counter", kind=Kind.NOT_FOUND)
    sink = DeviceSink([away, away, refused])
    reader = KeypadReader(keypad.path, protocol="ascii", counter=4, on_press=sink,
                          directory=StaticDirectory({1, 2, 3}), retry_s=0.05).start()
    try:
        wait_for(lambda: reader.state == CONNECTED)
        keypad.send(b"1")                    # unavailable twice, then refused: not retried again
        keypad.send(b"2")                    # recorded
        wait_for(lambda: sink.recorded == [(4, 2)])
        stats = reader.stats()
        assert (stats["retries"], stats["rejected"], stats["recorded"], stats["lost"]) == (2, 1, 1, 0)
        assert is_retryable(away) and not is_retryable(refused) and is_retryable(DatabaseUnavailable())
    finally:
        reader.stop()


def test_rating_reader_records_presses_with_their_press_time_and_source(site_db, keypad):
    recorded = []
    reader = rating_reader(keypad.path, protocol="ascii", counter=1, source="test-source",
                           on_recorded=recorded.append).start()
    try:
        wait_for(lambda: reader.state == CONNECTED)
        sent = time.time()
        keypad.send(b"3")
        wait_for(lambda: len(recorded) == 1)
        row = with_retry(Rating.get)
        assert (recorded[0].value, row.value, row.source) == (3, 3, "test-source")
        assert row.pressed_at == pytest.approx(sent, abs=0.3)
    finally:
        reader.stop()


def test_a_press_handed_over_again_after_a_lost_answer_is_recorded_once(site_db):
    """The reader replays its backlog when recording 'failed'; a commit whose answer was lost
    must not become a second rating."""
    from services.keypad_ratings import RatingSink

    sink = RatingSink()
    pressed_at = time.time()
    first = sink(1, 3, pressed_at)
    again = sink(1, 3, pressed_at)          # the same press, replayed
    later = sink(1, 3, pressed_at + 0.25)   # a new press of the same key
    assert again.id == first.id != later.id
    assert Rating.select().count() == 2
