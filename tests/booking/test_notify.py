"""Notifications: what is sent when, the log and webhook drivers, retries, and ``onestop notify``.

Real files, a real local HTTP server (failing twice, then accepting) and a
real ``onestop notify`` process; clock injected everywhere else.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from booking_site import AROUND_THE_CLOCK, write_site
from pg_server import free_port
from site_setup import connect_with_site

from db import bookings, notify, queue
from db.errors import ConfigError
from db.site_config import load_site_file
from services.notify import Notifier

ROOT = Path(__file__).parents[2]


def log_site(tmp_path: Path, **extra: str) -> tuple[Path, Path]:
    out = tmp_path / "messages.jsonl"
    lines = ['driver = "log"', f'path = "{out.as_posix()}"'] + [f"{k} = {v}" for k, v in extra.items()]
    return write_site(tmp_path, extra="[notify]\n" + "\n".join(lines)), out


@pytest.fixture
def log_db(db_url, tmp_path):
    from db.connection import close

    site, out = log_site(tmp_path)
    connect_with_site(db_url, str(site))
    yield out
    close()


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def test_booking_confirmed_is_sent_once_with_code_and_phone(log_db, clock):
    notifier = Notifier()
    notify.cursor_position()                      # the notifier starts before the booking
    made = bookings.book("TP", "2026-11-26T09:00", "Hoàng Văn Em", "+84912345678", now=clock(9, 0))
    assert notifier.step(now=clock(9, 0, 1)) == (1, 1, 0)
    assert notifier.step(now=clock(9, 0, 2)) == (0, 0, 0)
    (message,) = lines(log_db)
    assert message["kind"] == "booking_confirmed" and message["phone"] == "0912345678"
    assert message["booking"] == made.code and message["slot_start"] == "2026-11-26T09:00:00+07:00"
    assert made.code in message["text_vi"] and "09:00 ngày 26/11/2026" in message["text_vi"]


def test_a_first_start_does_not_replay_old_bookings(log_db, clock):
    bookings.book("TP", "2026-11-26T09:00", "Hoàng Văn Em", "0912345678", now=clock(9, 0))
    assert Notifier().step(now=clock(9, 1)) == (0, 0, 0)


def test_ahead_and_called_reach_the_booked_citizen_once_each(log_db, clock):
    notifier = Notifier()
    notify.cursor_position()
    walk_ins = [queue.issue_ticket("TP", now=clock(8, 30 + n)) for n in range(5)]
    made = bookings.book("TP", "2026-11-25T09:30", "Đỗ Thị Giang", "0987654321", now=clock(8, 40))
    ticket = bookings.check_in(made.code, now=clock(9, 0))          # before its slot: 5 walk-ins ahead
    notifier.step(now=clock(9, 0))
    assert [m["kind"] for m in lines(log_db)] == ["booking_confirmed"]
    queue.call_next(1, now=clock(9, 1))                             # 4 ahead: nothing yet
    queue.finish_service(1, now=clock(9, 2))
    notifier.step(now=clock(9, 2))
    assert [m["kind"] for m in lines(log_db)] == ["booking_confirmed"]
    queue.call_next(1, now=clock(9, 3))                             # 3 ahead: "get ready"
    notifier.step(now=clock(9, 3))
    queue.finish_service(1, now=clock(9, 4))
    queue.call_next(1, now=clock(9, 5))                             # 2 ahead: not told again
    notifier.step(now=clock(9, 5))
    kinds = [m["kind"] for m in lines(log_db)]
    assert kinds == ["booking_confirmed", "ahead"]
    assert lines(log_db)[1]["ahead"] == 3 and lines(log_db)[1]["ticket"] == ticket.code
    queue.finish_service(1, now=clock(9, 6))
    assert queue.call_next(1, now=clock(9, 30)).id == ticket.id     # its slot started: ahead of the rest
    notifier.step(now=clock(9, 30))
    called = lines(log_db)[-1]
    assert called["kind"] == "called" and called["counter"] == 1 and called["ticket"] == ticket.code
    assert "quầy số 1" in called["text_vi"]
    assert len(walk_ins) == 5 and [m["kind"] for m in lines(log_db)].count("called") == 1


def test_reminder_goes_out_from_reminder_at_on_the_day_before(log_db, clock):
    notifier = Notifier()
    notify.cursor_position()
    tomorrow = bookings.book("TP", "2026-11-26T09:00", "Vũ Văn Hải", "0912000001", now=clock(9, 0))
    later = bookings.book("TP", "2026-11-27T09:00", "Vũ Văn Hải", "0912000001", now=clock(9, 0))
    gone = bookings.book("KS", "2026-11-26T10:00", "Vũ Thị Hoa", "0912000002", now=clock(9, 0))
    bookings.cancel(gone.code, now=clock(9, 1))
    notifier.step(now=clock(16, 59))
    assert [m["kind"] for m in lines(log_db)].count("reminder") == 0
    notifier.step(now=clock(17, 0))
    notifier.step(now=clock(20, 0))
    reminders = [m for m in lines(log_db) if m["kind"] == "reminder"]
    assert [m["booking"] for m in reminders] == [tomorrow.code]
    assert later.code not in json.dumps(reminders)


class FlakyGateway(BaseHTTPRequestHandler):
    """Answers 500 to the first ``fail`` requests, then 200; keeps every body."""

    fail = 2
    bodies: list = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).bodies.append((body, self.headers["Authorization"]))
        self.send_response(500 if len(type(self).bodies) <= type(self).fail else 200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway():
    handler = type("Gateway", (FlakyGateway,), {"bodies": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, handler
    server.shutdown()
    server.server_close()


def test_webhook_retries_with_backoff_until_the_gateway_accepts(db_url, tmp_path, clock, gateway):
    from db.connection import close

    server, handler = gateway
    url = f"http://127.0.0.1:{server.server_address[1]}/sms"
    site = write_site(tmp_path, extra=f'[notify]\ndriver = "webhook"\nurl = "{url}"\n'
                                      'headers = { Authorization = "Bearer s3cret" }\nretry_s = 10\ntimeout_s = 2')
    connect_with_site(db_url, str(site))
    try:
        notifier = Notifier()
        notify.cursor_position()
        made = bookings.book("TP", "2026-11-26T09:00", "Ngô Văn Khoa", "0912345678", now=clock(9, 0))
        assert notifier.step(now=clock(9, 0)) == (1, 0, 1)          # 500: retry in 10 s
        assert notifier.step(now=clock(9, 0, 9)) == (0, 0, 0)       # not due yet: no request
        assert len(handler.bodies) == 1
        assert notifier.step(now=clock(9, 0, 10)) == (0, 0, 1)      # 500 again: retry in 20 s
        assert notifier.step(now=clock(9, 0, 29)) == (0, 0, 0)
        assert notifier.step(now=clock(9, 0, 30)) == (0, 1, 0)      # accepted
        assert notifier.step(now=clock(9, 5)) == (0, 0, 0)
        assert len(handler.bodies) == 3
        assert all(body == handler.bodies[0][0] and auth == "Bearer s3cret" for body, auth in handler.bodies)
        assert handler.bodies[0][0]["booking"] == made.code and handler.bodies[0][0]["phone"] == "0912345678"
        (row,) = notify.outbox()
        assert row["status"] == "sent" and row["attempts"] == 3
    finally:
        close()


def test_a_dead_gateway_never_blocks_booking_and_gives_up_after_max_attempts(db_url, tmp_path, clock):
    from db.connection import close

    site = write_site(tmp_path, extra=f'[notify]\ndriver = "webhook"\nurl = "http://127.0.0.1:{free_port()}/"\n'
                                      "retry_s = 1\nmax_attempts = 3")
    connect_with_site(db_url, str(site))
    try:
        notifier = Notifier()
        notify.cursor_position()
        bookings.book("TP", "2026-11-26T09:00", "Ngô Văn Khoa", "0912345678", now=clock(9, 0))
        for second in (0, 1, 3):
            assert notifier.step(now=clock(9, 0, second))[2] == 1
        assert notify.outbox()[0]["status"] == "failed" and notify.outbox()[0]["attempts"] == 3
        # the queue went on all along, and new bookings are still queued for sending
        assert queue.issue_ticket("TP", now=clock(9, 1)).status == "waiting"
        bookings.book("TP", "2026-11-26T09:15", "Ngô Văn Khoa", "0912345678", now=clock(9, 1))
        assert notifier.follow(now=clock(9, 1)) == 1
    finally:
        close()


def test_notify_settings_are_checked_with_file_line_and_field(tmp_path):
    bad = write_site(tmp_path, extra='[notify]\ndriver = "webhook"\n')
    with pytest.raises(ConfigError) as exc:
        load_site_file(bad)
    assert exc.value.field == "notify.url" and exc.value.line is not None
    with pytest.raises(ConfigError) as exc:
        load_site_file(write_site(tmp_path, extra='[notify]\ndriver = "sms"\n'))
    assert exc.value.field == "notify.driver"
    with pytest.raises(ConfigError) as exc:
        load_site_file(write_site(tmp_path, extra='[notify]\ndriver = "log"\npath = "x.jsonl"\nretries = 3\n'))
    assert exc.value.field == "notify.retries"


def test_onestop_notify_follows_until_sigterm_and_exits_0(sqlite_url, tmp_path):
    out = tmp_path / "messages.jsonl"
    site = write_site(tmp_path, AROUND_THE_CLOCK, extra=f'[notify]\ndriver = "log"\npath = "{out.as_posix()}"')
    env = {**os.environ, "ONESTOP_DB": sqlite_url}
    onestop = [sys.executable, "-m", "cli.main"]
    assert subprocess.run([*onestop, "init", "--site", str(site)], env=env, cwd=ROOT, capture_output=True).returncode == 0
    service = subprocess.Popen([*onestop, "notify"], env=env, cwd=ROOT, stderr=subprocess.PIPE, text=True)
    try:
        assert "notify: driver log" in service.stderr.readline()
        # three days ahead: the day-before reminder (17:00 site time) is not due yet, whatever the hour now
        slot = time.strftime("%Y-%m-%dT%H:00", time.localtime(time.time() + 3 * 86400))
        booked = subprocess.run([*onestop, "book", "TP", "--at", slot, "--name", "Lý Văn Minh", "--phone", "0912345678"],
                                env=env, cwd=ROOT, capture_output=True, text=True)
        assert booked.returncode == 0, booked.stderr
        code = json.loads(booked.stdout)["code"]
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not any(m.get("booking") == code for m in lines(out)):
            time.sleep(0.1)
        assert [m["kind"] for m in lines(out)] == ["booking_confirmed"]
        service.send_signal(signal.SIGTERM)
        assert service.wait(timeout=15) == 0
    finally:
        if service.poll() is None:
            service.kill()
