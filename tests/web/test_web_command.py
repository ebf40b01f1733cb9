"""``onestop web``: stops cleanly on SIGINT/SIGTERM with open streams; several processes on one database."""

from __future__ import annotations

import signal
import threading

import httpx
import pytest
from pg_server import free_port
from web_helpers import run_onestop, start_web

from db import queue


def _open_stream(url: str, first: threading.Event) -> threading.Thread:
    def read() -> None:
        try:
            with httpx.stream("GET", url, timeout=30) as answer:
                for line in answer.iter_lines():
                    if line.startswith("event: state"):
                        first.set()
        except httpx.HTTPError:
            pass

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_signal_stops_the_server_with_exit_0_even_with_open_streams(web_db, sig):
    db_url, port = web_db
    server = start_web(db_url, port)
    ticket = queue.issue_ticket("TP")
    opened = threading.Event()
    reader = _open_stream(ticket.track_url + "/events", opened)
    assert opened.wait(10)
    assert server.stop(sig) == 0
    reader.join(10)
    assert not reader.is_alive()
    assert "Traceback" not in server.process.stderr.read()


def test_two_processes_on_one_database_both_follow_the_queue(web_server, web_db):
    db_url, _ = web_db
    other = start_web(db_url, free_port())
    try:
        queue.issue_ticket("TP")
        mine = queue.issue_ticket("TP")
        path = mine.track_url.removeprefix(web_server.url)
        run_onestop(db_url, "call", "--counter", "1")
        for base in (web_server.url, other.url):
            assert httpx.get(base + path, headers={"Accept": "application/json"}).json()["ahead"] == 0
    finally:
        assert other.stop() == 0


def test_bad_listen_address_is_refused_with_exit_2(web_db):
    db_url, _ = web_db
    result = run_onestop(db_url, "web", "--listen", "localhost", check=False)
    assert result.returncode == 2 and "HOST:PORT" in result.stderr and "Traceback" not in result.stderr
    result = run_onestop(db_url, "web", "--rate-limit", "lots", check=False)
    assert result.returncode == 2 and "Traceback" not in result.stderr
