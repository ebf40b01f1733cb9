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

import glob
import shutil
import socket
import subprocess
import tempfile
import uuid
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _pg_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise RuntimeError("PostgreSQL server binaries not found: run scripts/setup.sh")


class PostgresServer:
    """A throwaway PostgreSQL cluster on loopback for one test session."""

    def __init__(self) -> None:
        self.bin = _pg_bin()
        self.root = Path(tempfile.mkdtemp(prefix="onestop-pg-"))
        self.data = self.root / "data"
        self.sock = self.root / "sock"
        self.sock.mkdir()
        self.port = free_port()
        self.as_root = os.geteuid() == 0 if hasattr(os, "geteuid") else False

    def _run(self, *args: str) -> None:
        cmd = list(args)
        if self.as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def start(self) -> None:
        if self.as_root:
            shutil.chown(self.root, "postgres")
            shutil.chown(self.sock, "postgres")
        if not self.data.exists():
            self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
                      "-E", "UTF8", "--locale=C.UTF-8")
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "log"), "-w",
                  "-o", f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.sock} -c fsync=off "
                        f"-c max_connections=200", "start")

    def stop(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{dbname}"

    def create_database(self) -> str:
        import psycopg

        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def cleanup(self) -> None:
        try:
            self.stop()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_server():
    server = PostgresServer()
    try:
        server.start()
    except (subprocess.CalledProcessError, RuntimeError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        pytest.fail(f"could not start the test PostgreSQL server: {exc} {detail.decode(errors='replace')}")
    yield server
    server.cleanup()


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request, tmp_path):
    """A fresh, empty database URL on each engine."""
    if request.param == "sqlite":
        return f"sqlite:///{(tmp_path / 'onestop.db').as_posix()}"
    return request.getfixturevalue("pg_server").create_database()


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{(tmp_path / 'onestop.db').as_posix()}"


def _connect_with_site(url: str, site_file: str | None = None) -> str:
    from db.connection import close, connect
    from db.site import import_site
    from db.site_config import load_site_file

    close()
    connect(url)
    import_site(load_site_file(site_file))
    return url


@pytest.fixture
def site_db(db_url):
    """The built-in commune site on each engine, models bound to it."""
    from db.connection import close

    yield _connect_with_site(db_url)
    close()


@pytest.fixture
def sqlite_site_db(sqlite_url):
    """The built-in site on SQLite only (for UI and hardware tests)."""
    from db.connection import close

    yield _connect_with_site(sqlite_url)
    close()


def at(hour: int, minute: int = 0, second: float = 0, *, day: int = 25, month: int = 11, year: int = 2026) -> float:
    """Epoch seconds of a site-local moment; 2026-11-25 is a Wednesday."""
    return datetime(year, month, day, hour, minute, int(second), int((second % 1) * 1e6), tzinfo=TZ).timestamp()


@pytest.fixture
def clock():
    """``clock(9, 30)`` -> epoch of 09:30 site time on Wednesday 2026-11-25."""
    return at
