"""Opening the one database every program shares (docs/interfaces.md §1).

The URL picks the engine: ``sqlite:///ABSOLUTE/PATH.db`` for the embedded
one-PC setup, ``postgresql://`` for a hall with several PCs.  All models are
bound to ``database_proxy`` so the same code runs on both.

Write transactions go through ``write_transaction()``: on SQLite it starts
``BEGIN IMMEDIATE`` (a read transaction cannot be upgraded to a write one in
WAL mode, which is what makes ``max+1`` allocators fail), on PostgreSQL a plain
transaction whose queries take row locks themselves.
"""

from __future__ import annotations

import logging
import os
import re
import sqlite3
import stat
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar
from urllib.parse import parse_qs, unquote, urlparse

import peewee
from platformdirs import user_data_dir

from db import clock
from db.errors import DatabaseAuthFailed, DatabaseUnavailable, InvalidInput, is_auth_failure

log = logging.getLogger(__name__)

database_proxy = peewee.DatabaseProxy()

ENV_VAR = "ONESTOP_DB"
BUSY_TIMEOUT_S = 10.0
T = TypeVar("T")


def default_url() -> str:
    data_dir = Path(user_data_dir("onestop-queue", appauthor=False))
    return f"sqlite:///{(data_dir / 'onestop.db').as_posix()}"


def resolve_url(url: str | None = None) -> str:
    """``--db`` wins, then ``$ONESTOP_DB``, then the embedded default."""
    return url or os.environ.get(ENV_VAR) or default_url()


def is_postgres(db: peewee.Database | None = None) -> bool:
    target = db or database_proxy.obj
    return isinstance(target, peewee.PostgresqlDatabase)


#: URL query parameters passed through to libpq (``?sslmode=verify-full&sslrootcert=/etc/onestop/ca.pem``).
LIBPQ_PARAMS = frozenset({
    "sslmode", "sslrootcert", "sslcert", "sslkey", "sslcrl", "sslpassword", "channel_binding",
    "gssencmode", "application_name", "connect_timeout", "target_session_attrs", "options",
    "keepalives", "keepalives_idle", "keepalives_interval", "keepalives_count", "tcp_user_timeout",
})
_POSTGRES_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg", "postgresql+psycopg2")
_CREDENTIALS = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.-]*://[^:/@\s]*:)(?P<secret>[^@\s]*)(?P<tail>@)")
_SECRET_PARAMS = re.compile(r"(?P<head>\b(?:password|sslpassword)=)(?P<secret>[^&\s]+)", re.IGNORECASE)


def mask_url(text: str) -> str:
    """``text`` with every password in a URL (or a ``password=`` parameter) replaced by ``***``.

    Applied to every message that may carry a database URL: a mistyped URL is
    echoed back so the user can see the typo, but never its password.
    """
    masked = _CREDENTIALS.sub(lambda m: m.group("head") + "***" + m.group("tail"), str(text))
    return _SECRET_PARAMS.sub(lambda m: m.group("head") + "***", masked)


def make_database(url: str) -> peewee.Database:
    """Build (but do not connect) the peewee database for a URL."""
    shown = mask_url(url)
    try:
        parsed = urlparse(url)
        port = parsed.port if parsed.scheme in _POSTGRES_SCHEMES else None
    except ValueError as exc:  # e.g. a non-numeric port; the message never carries the URL
        raise InvalidInput(f"URL cơ sở dữ liệu sai: {shown}", f"Bad database URL: {shown} ({exc})") from None
    if parsed.scheme == "sqlite":
        raw_path = unquote(url[len("sqlite:///"):]) if url.startswith("sqlite:///") else ""
        if not raw_path:
            raise InvalidInput(f"URL SQLite sai: {shown}", f"Bad SQLite URL: {shown} (use sqlite:///ABSOLUTE/PATH.db)")
        if raw_path == ":memory:":
            path = ":memory:"
        else:
            # sqlite:////abs/path and sqlite:///C:/path both arrive here.
            path_obj = Path(raw_path if Path(raw_path).is_absolute() else "/" + raw_path)
            if os.name == "nt" and raw_path[1:2] == ":":
                path_obj = Path(raw_path)
            _refuse_non_file(path_obj, shown)
            path_obj.parent.mkdir(parents=True, exist_ok=True)
            path = str(path_obj)
            if path_obj.exists() and not _writable(path_obj):
                return ReadOnlySqliteDatabase(path, timeout=BUSY_TIMEOUT_S, pragmas=_READ_PRAGMAS)
        return peewee.SqliteDatabase(path, timeout=BUSY_TIMEOUT_S, pragmas={"journal_mode": "wal", **_READ_PRAGMAS})
    if parsed.scheme in _POSTGRES_SCHEMES:
        if not parsed.path.strip("/"):
            raise InvalidInput(f"URL PostgreSQL thiếu tên CSDL: {shown}",
                               f"PostgreSQL URL lacks a database name: {shown}")
        options: dict[str, str] = {"connect_timeout": "3"}
        for key, values in parse_qs(parsed.query, keep_blank_values=True).items():
            if key not in LIBPQ_PARAMS:
                raise InvalidInput(
                    f"Tham số URL không hỗ trợ: {key} ({shown})",
                    f"Unsupported PostgreSQL URL parameter {key!r} in {shown} "
                    f"(allowed: {', '.join(sorted(LIBPQ_PARAMS))})",
                )
            options[key] = values[-1]
        return peewee.PostgresqlDatabase(
            unquote(parsed.path.lstrip("/")),
            user=unquote(parsed.username) if parsed.username else None,
            password=unquote(parsed.password) if parsed.password else None,
            host=unquote(parsed.hostname) if parsed.hostname else None,
            port=port or 5432,
            prefer_psycopg3=True,
            **options,
        )
    raise InvalidInput(
        f"Không hiểu URL cơ sở dữ liệu: {shown}",
        f"Unsupported database URL: {shown} (use sqlite:///... or postgresql://...)",
    )


_READ_PRAGMAS = {"synchronous": "normal", "busy_timeout": int(BUSY_TIMEOUT_S * 1000), "foreign_keys": 1,
                 "cache_size": -16000}


def _refuse_non_file(path: Path, shown: str) -> None:
    """``--db sqlite:////dev/null`` or a directory: say so, instead of SQLite's "disk I/O error" later."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return   # missing (created on first use) or unreadable (reported when opened)
    if not stat.S_ISREG(mode):
        kind = "a directory" if stat.S_ISDIR(mode) else "not a regular file"
        raise InvalidInput(f"Đường dẫn CSDL không phải tệp thường: {shown}",
                           f"The database path is {kind}: {shown} (give an .db file)")


def _writable(path: Path) -> bool:
    """May this process write the SQLite file (and the file system it is on)?"""
    try:
        if os.statvfs(path).f_flag & os.ST_RDONLY:
            return False
    except (OSError, AttributeError):   # no statvfs on Windows
        pass
    return os.access(path, os.W_OK)


class ReadOnlySqliteDatabase(peewee.SqliteDatabase):
    """A SQLite file this process may not write, opened read-only: reads work, a write says "read-only".

    Opening it normally fails with "unable to open database file" even for
    a read, because WAL mode wants to create the ``-shm`` file.  ``mode=ro``
    reads it while writers elsewhere may continue; when the directory cannot
    hold a ``-shm`` file either and there is no ``-wal`` file (all data is in
    the main file), ``immutable=1`` lets SQLite read it without one.
    """

    def _connect(self):
        path = Path(self.database)
        query = "mode=ro"
        if not Path(f"{path}-wal").exists() and not _writable(path.parent):
            query += "&immutable=1"
        conn = sqlite3.connect(f"{path.as_uri()}?{query}", uri=True, timeout=self._timeout, isolation_level=None,
                               **self.connect_params)
        try:
            self._add_conn_hooks(conn)
        except Exception:
            conn.close()
            raise
        return conn


def is_read_only(db: peewee.Database | None = None) -> bool:
    """True when the bound database was opened read-only (its file may not be written)."""
    return isinstance(db or database_proxy.obj, ReadOnlySqliteDatabase)


_current_url: str | None = None
_generation = 0
#: Bumped whenever a thread finds its connection dead.  peewee keeps one
#: connection per thread, so when the server went away every thread's
#: connection is dead, not only the one that noticed: each thread compares
#: this with the value it last saw and drops its own before the next use.
_lost = 0
_seen = threading.local()


def generation() -> int:
    """Bumped at every (re)binding, so per-process caches know the database changed."""
    return _generation


def connect(url: str | None = None, *, create: bool = True) -> peewee.Database:
    """Bind the models to the database at ``url`` and make sure the schema is current."""
    global _current_url, _generation
    resolved = resolve_url(url)
    if database_proxy.obj is not None and _current_url == resolved:
        return database_proxy.obj
    close()
    db = make_database(resolved)
    database_proxy.initialize(db)
    _current_url = resolved
    _generation += 1
    clock.forget_server_clock()
    if is_postgres(db):
        with_retry(measure_clock_skew)
    if create:
        from db.schema import ensure_schema, refresh_planner_statistics  # local: schema imports models

        with_retry(ensure_schema)
        if not is_read_only(db):   # ANALYZE writes; a read-only file is read with the statistics it has
            with_retry(refresh_planner_statistics)
    return db


def current_url() -> str | None:
    return _current_url


def close() -> None:
    global _current_url
    db = database_proxy.obj
    if db is not None and not db.is_closed():
        try:
            db.close()
        except Exception:  # a dead connection may fail to close; we drop it anyway
            pass
    _current_url = None


def _is_connection_failure(exc: Exception) -> bool:
    text = str(exc).lower()
    if isinstance(exc, peewee.InterfaceError):
        return True
    if isinstance(exc, peewee.OperationalError):
        lost = ("server closed", "connection", "terminating", "could not", "unable to open", "disk i/o",
                "no such table", "locked", "busy")
        return any(word in text for word in lost)
    return False


def _drop_if_lost_elsewhere() -> None:
    """Another thread lost the connection since this one last looked: drop this thread's too."""
    seen = getattr(_seen, "lost", None)
    if seen != _lost:
        db = database_proxy.obj
        if db is not None and not db.is_closed() and db.in_transaction():
            return   # a call nested in an open transaction: the outer call decides
        if seen is not None:
            _forget_connection()
        _seen.lost = _lost


def _refuse_missing_sqlite_file() -> None:
    """A thread whose SQLite connection is open while the file was moved away: refuse and drop it.

    Otherwise that thread keeps reading the moved file as if nothing happened
    (one ``stat`` per operation; a thread without an open connection is left
    to opening one, as before).
    """
    db = database_proxy.obj
    if db is None or db.is_closed():
        return
    try:
        require_sqlite_file(db)
    except DatabaseUnavailable:
        if not db.in_transaction():
            _forget_connection()
        raise


def _reset_connection() -> None:
    global _lost
    _lost += 1
    _seen.lost = _lost
    _forget_connection()


def _forget_connection() -> None:
    db = database_proxy.obj
    if db is None:
        return
    try:
        if not db.is_closed():
            db.close()
    except Exception:
        pass
    # peewee keeps the dead connection in thread-local state; forget it.
    try:
        db._state.reset()
    except Exception:
        pass


def with_retry(operation: Callable[[], T], *, attempts: int = 3, pause_s: float = 0.2) -> T:
    """Run ``operation``; reconnect and retry when the connection itself failed.

    An operation is one transaction, but a lost connection leaves its outcome
    unknown: the server may have committed a COMMIT whose answer never
    arrived.  So every state-changing operation claims a request id first
    (:mod:`db.requests`) and a retry that finds its id taken returns the
    first outcome instead of acting again.  Once retries are used up the failure becomes ``DatabaseUnavailable`` so
    screens show a banner instead of a traceback.
    """
    last: Exception | None = None
    for attempt in range(attempts):
        _drop_if_lost_elsewhere()
        _refuse_missing_sqlite_file()
        try:
            _remeasure_if_stale()
            return operation()
        except (peewee.OperationalError, peewee.InterfaceError) as exc:
            if is_auth_failure(exc):   # a wrong password does not heal by retrying
                lines = str(exc).strip().splitlines()
                raise DatabaseAuthFailed(mask_url(lines[-1]) if lines else "") from exc
            if not _is_connection_failure(exc):
                raise
            last = exc
            log.warning("database operation failed (%s), attempt %d/%d", mask_url(str(exc)), attempt + 1, attempts)
            _reset_connection()
            time.sleep(pause_s * (attempt + 1))
    raise DatabaseUnavailable(mask_url(str(last).splitlines()[0]) if last else "")


def sqlite_path(db: peewee.Database | None = None) -> str | None:
    """The file behind the bound SQLite database, or None (PostgreSQL, in-memory)."""
    target = db or database_proxy.obj
    if not isinstance(target, peewee.SqliteDatabase) or target.database in (":memory:", ""):
        return None
    return str(target.database)


def require_sqlite_file(db: peewee.Database | None = None) -> None:
    """Refuse to read when the SQLite file is missing (moved away, share unmounted).

    Opening a missing path would make SQLite create an empty database there,
    which would then stand in the way of the real file when it comes back.
    """
    path = sqlite_path(db)
    if path is not None and not os.path.exists(path):
        raise DatabaseUnavailable(f"database file missing: {path}")


class SqliteFileIdentity:
    """Notices that the SQLite file was replaced or removed under an open connection.

    An open SQLite connection keeps reading the file it opened even after that
    file was renamed away or replaced (restored from a backup), which would
    freeze a screen on a stale copy without any error.  ``changed()`` compares
    the path's (device, inode) with the one seen last time: one ``stat``,
    about a microsecond, so followers call it before every read.
    """

    def __init__(self, path: str | None) -> None:
        self.path = path
        self._seen: tuple[int, int] | None = None

    def changed(self) -> bool:
        """True when the path now names another file than last time.

        Raises ``DatabaseUnavailable`` when the file is missing.
        """
        if self.path is None:
            return False
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            raise DatabaseUnavailable(f"database file missing: {self.path}") from None
        identity = (st.st_dev, st.st_ino)
        replaced = self._seen is not None and identity != self._seen
        self._seen = identity
        return replaced


# ---------------------------------------------------------------- server time

#: re-read the server's clock when the last reading is older than this (read-only programs)
SKEW_REFRESH_S = 60.0
_SERVER_TIME_SQL = "SELECT extract(epoch from clock_timestamp())::float8"
_warned_skew: float | None = None


def _read_server_time(db: peewee.Database) -> float:
    """One round trip: the server's clock; also refreshes the PC-to-server skew."""
    before = time.time()
    server = float(db.execute_sql(_SERVER_TIME_SQL).fetchone()[0])
    _warn_on_skew(clock.note_server_time(server, before, time.time()))
    return server


def measure_clock_skew() -> float | None:
    """Server clock minus this PC's, measured now (PostgreSQL); None on SQLite."""
    db = database_proxy.obj
    if db is None or not is_postgres(db):
        return None
    _read_server_time(db)
    return clock.clock_skew_s()


def _remeasure_if_stale() -> None:
    """A program that only reads still notices when its PC's clock drifts."""
    db = database_proxy.obj
    if db is None or not is_postgres(db) or db.in_transaction():
        return
    age = clock.skew_age_s()
    if age is None or age > SKEW_REFRESH_S:
        _read_server_time(db)


def _warn_on_skew(skew: float) -> None:
    """A log line when the PC's clock first drifts past the threshold (and when it is back)."""
    global _warned_skew
    large = clock.skew_is_large(skew)
    if large and (_warned_skew is None or abs(skew - _warned_skew) > clock.SKEW_WARN_S):
        log.warning("this PC's clock is %+.0f s off the database server's; stored times come from the server "
                    "(fix the PC's time synchronisation)", -skew)
        _warned_skew = skew
    elif not large and _warned_skew is not None:
        log.warning("this PC's clock is back within %.0f s of the server's (%+.1f s)", clock.SKEW_WARN_S, -skew)
        _warned_skew = None


@contextmanager
def write_transaction() -> Iterator[peewee.Database]:
    """One write transaction: ``BEGIN IMMEDIATE`` on SQLite, plain on PostgreSQL.

    On PostgreSQL its first statement reads the server's clock: for the rest
    of the transaction ``clock.now_epoch()`` is that moment (one server time
    per transaction, whatever the PC's clock says).
    """
    db = database_proxy.obj
    if db is None:
        raise RuntimeError("db.connection.connect() was not called")
    if isinstance(db, peewee.SqliteDatabase):
        with db.atomic("IMMEDIATE"):
            yield db
        return
    outermost = not db.in_transaction()
    with db.atomic():
        if not outermost:
            yield db
            return
        clock.enter_server_time(_read_server_time(db))
        try:
            yield db
        finally:
            clock.leave_server_time()


@contextmanager
def read_transaction() -> Iterator[peewee.Database]:
    """A consistent snapshot for multi-query reads."""
    db = database_proxy.obj
    with db.atomic():
        yield db
