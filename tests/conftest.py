"""Shared fixtures: a real database on each engine, a fixed site clock.

``db_url`` is parametrized over SQLite and PostgreSQL, so every test that
uses it proves its rule on both engines.  The PostgreSQL server is a real one,
started by this test session on 127.0.0.1 (initdb + pg_ctl in a temporary
directory, as the ``postgres`` user when running as root) and stopped at the
end.  If it cannot be started the PostgreSQL tests fail instead of skipping,
so CI cannot silently stop testing the multi-PC engine.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import subprocess
import sys

import pytest
from pg_server import PostgresServer, free_port
from site_clock import at
from site_setup import connect_with_site

from ui_common.pyside_workarounds import keep_singletons_alive

# qtbot's waits and the programs' timers call void Qt methods thousands of times:
# on PySide6 6.12 + CPython 3.11 each drops a reference to None (see the module).
keep_singletons_alive()


@pytest.fixture(autouse=True)
def _programs_back_in_vietnamese():
    """A test that switched a Qt program's language (``ui_common.i18n``) leaves Vietnamese behind for the next."""
    yield
    i18n = sys.modules.get("ui_common.i18n")
    if i18n is not None and i18n.language() != "vi":
        i18n.set_language("vi")



def _started_server() -> PostgresServer:
    server = PostgresServer()
    try:
        server.start()
    except (subprocess.CalledProcessError, RuntimeError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        pytest.fail(f"could not start the test PostgreSQL server: {exc} {detail.decode(errors='replace')}")
    return server


@pytest.fixture(scope="session")
def pg_server():
    """The session's PostgreSQL server: never stop it in a test (use ``own_pg_server``)."""
    server = _started_server()
    yield server
    server.cleanup()


@pytest.fixture
def own_pg_server():
    """A PostgreSQL server for this test alone, which it may stop and start (the outage tests).

    Stopping the session's server would break whichever test runs next; this one
    is thrown away when the test ends, running or not, so test order does not matter.
    """
    server = _started_server()
    yield server
    server.cleanup()


@pytest.fixture
def unused_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    return free_port()


@pytest.fixture
def simulator(tmp_path):
    """A network ESC/POS printer simulator on 127.0.0.1 (this process, its own threads), saving under tmp_path."""
    from hardware.printing.simulator import PrinterSimulator, SimulatedState

    with PrinterSimulator(out_dir=tmp_path / "printed", state=SimulatedState()) as sim:
        yield sim


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request, tmp_path):
    """A fresh, empty database URL on each engine."""
    if request.param == "sqlite":
        return f"sqlite:///{(tmp_path / 'onestop.db').as_posix()}"
    return request.getfixturevalue("pg_server").create_database()


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{(tmp_path / 'onestop.db').as_posix()}"


@pytest.fixture
def site_db(db_url):
    """The built-in commune site on each engine, models bound to it."""
    from db.connection import close

    yield connect_with_site(db_url)
    close()


@pytest.fixture
def sqlite_site_db(sqlite_url):
    """The built-in site on SQLite only (for UI and hardware tests)."""
    from db.connection import close

    yield connect_with_site(sqlite_url)
    close()


@pytest.fixture
def clock():
    """``clock(9, 30)`` -> epoch of 09:30 site time on Wednesday 2026-11-25."""
    return at
