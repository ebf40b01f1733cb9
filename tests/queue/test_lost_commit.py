"""A COMMIT whose answer is lost must not make a retry act twice.

A TCP proxy on loopback stands between the program and the test PostgreSQL
server.  Armed, it forwards the client's COMMIT, waits for the server's answer
(so the transaction really committed), throws that answer away and drops both
connections: the client sees a dead connection with the outcome unknown, which
is what a cable pulled at the wrong moment looks like.  ``with_retry``
reconnects and runs the operation again; its request id must make it return
the first outcome.
"""

from __future__ import annotations

import socket
import threading
from urllib.parse import urlparse

import pytest
from site_setup import connect_with_site

from db import queue
from db.connection import close, connect
from db.models import Event, Rating, Request, Ticket
from db.ratings import record_press

#: a simple-protocol Query message carrying COMMIT, as psycopg sends it
COMMIT_MESSAGE = b"Q\x00\x00\x00\x0bCOMMIT\x00"


class CommitDroppingProxy:
    """Forwards bytes both ways; ``arm()`` makes it cut the next COMMIT's answer."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.armed = threading.Event()
        self.dropped = threading.Event()
        self._stop = False
        self.countdown: int | None = None
        threading.Thread(target=self._accept, daemon=True).start()

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def arm(self, *, after_writes: int | None = None) -> None:
        """Cut the next COMMIT's answer, or (``after_writes``) the answer to the N-th write."""
        self.dropped.clear()
        self.countdown = after_writes
        self.armed.set()

    def close(self) -> None:
        self._stop = True
        self.listener.close()

    def _accept(self) -> None:
        while not self._stop:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            link = {"commit_sent": threading.Event(), "sockets": (client, server)}
            threading.Thread(target=self._upstream, args=(client, server, link), daemon=True).start()
            threading.Thread(target=self._downstream, args=(server, client, link), daemon=True).start()

    def _upstream(self, client: socket.socket, server: socket.socket, link: dict) -> None:
        try:
            while data := client.recv(65536):
                # Decide before forwarding: the server may answer before the next line of
                # this thread runs, and that answer must already be the one thrown away.
                if self.armed.is_set():
                    if self.countdown is not None:
                        self.countdown -= 1
                        if self.countdown == 0:
                            self.armed.clear()
                            link["commit_sent"].set()
                    elif COMMIT_MESSAGE in data:
                        self.armed.clear()
                        link["commit_sent"].set()
                server.sendall(data)
        except OSError:
            pass
        self._shut(link)

    def _downstream(self, server: socket.socket, client: socket.socket, link: dict) -> None:
        try:
            while data := server.recv(65536):
                if link["commit_sent"].is_set():
                    # the server answered the COMMIT: it is durable; the client never hears it
                    self.dropped.set()
                    break
                client.sendall(data)
        except OSError:
            pass
        self._shut(link)

    @staticmethod
    def _shut(link: dict) -> None:
        for sock in link["sockets"]:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()


@pytest.fixture
def through_proxy(pg_server):
    """The site on a fresh PostgreSQL database, the program connected through the proxy."""
    direct = connect_with_site(pg_server.create_database())
    parsed = urlparse(direct)
    proxy = CommitDroppingProxy((parsed.hostname, parsed.port))
    close()
    connect(proxy.url(parsed.path.lstrip("/")))
    yield proxy
    close()
    proxy.close()


def test_issue_whose_commit_answer_was_lost_leaves_one_ticket_and_returns_it(through_proxy):
    through_proxy.arm()
    ticket = queue.issue_ticket("TP")
    assert through_proxy.dropped.is_set()            # the connection really died after COMMIT
    tickets = list(Ticket.select())
    assert [t.id for t in tickets] == [ticket.id]
    assert ticket.code == "A001" and ticket.status == "waiting"
    assert Event.select().where(Event.kind == "issued").count() == 1
    assert Request.select().where(Request.operation == "issue").count() == 1
    assert queue.issue_ticket("TP").code == "A002"     # the next tap is a new ticket


def test_call_whose_commit_answer_was_lost_calls_once_and_returns_the_ticket(through_proxy):
    waiting = queue.issue_ticket("TP")
    queue.issue_ticket("TP")
    through_proxy.arm()
    called = queue.call_next(1)
    assert through_proxy.dropped.is_set()
    assert called is not None and called.id == waiting.id and called.status == "called"
    assert Event.select().where(Event.kind == "called").count() == 1
    assert Ticket.select().where(Ticket.status == "called").count() == 1
    assert queue.current_ticket(1).id == waiting.id


def test_done_whose_commit_answer_was_lost_is_not_refused_on_retry(through_proxy):
    queue.issue_ticket("TP")
    queue.call_next(1)
    through_proxy.arm()
    finished = queue.finish_service(1)  # without a request id the retry finds nothing to finish
    assert through_proxy.dropped.is_set()
    assert finished.status == "done"
    assert Event.select().where(Event.kind == "done").count() == 1


def test_rating_whose_commit_answer_was_lost_is_stored_once_and_returned(through_proxy):
    queue.issue_ticket("TP")
    queue.call_next(1)
    queue.start_service(1)
    through_proxy.arm()
    press = record_press(1, 3, source="keypad")
    assert through_proxy.dropped.is_set()
    ratings = list(Rating.select())
    assert [r.id for r in ratings] == [press.id]
    assert press.counted and press.ticket_code == "A001"
    assert Event.select().where(Event.kind == "rated").count() == 1


def test_a_request_id_repeated_by_the_caller_returns_the_first_ticket(through_proxy):
    first = queue.issue_ticket("TP", request_id="tap-1")
    again = queue.issue_ticket("TP", request_id="tap-1")
    assert again.id == first.id and Ticket.select().count() == 1


def test_a_connection_dropped_at_any_moment_of_an_issue_leaves_exactly_one_ticket(through_proxy):
    """Cut the answer to the 1st, 2nd, ... statement of ``issue_ticket`` in turn (BEGIN, the claim,
    the reads, the number, the ticket, the event, COMMIT, the description after it)."""
    cut = 0
    for writes in range(1, 25):
        before = Ticket.select().count()
        through_proxy.arm(after_writes=writes)
        ticket = queue.issue_ticket("TP")
        through_proxy.armed.clear()
        cut += through_proxy.dropped.is_set()
        assert Ticket.select().count() == before + 1, f"cut after write {writes}"
        assert Ticket.get_by_id(ticket.id).code == ticket.code
    assert Event.select().where(Event.kind == "issued").count() == 24
    print(f"connections cut: {cut} of 24 issues")
    assert cut >= 8  # every statement of an issue, and then some, was cut at least once
