"""Backing up the database while the hall keeps working.

SQLite: the online backup API (``sqlite3.Connection.backup``) copies the
database page by page from a read snapshot, so kiosks and counters keep
writing during the copy and the copy is consistent (a plain file copy of a WAL
database can miss the last commits or tear a page).  It is written next to the
target first and renamed into place, so a half-written backup never carries
the final name.

PostgreSQL: the server's own ``pg_dump`` is the right tool (consistent
snapshot, portable format, restorable with ``pg_restore``); we do not shell out
to it because the server often runs on another machine with its own
credentials.  ``BackupNotSupported`` carries the command to run.
"""

from __future__ import annotations

import os
import shlex
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

import peewee

from db.connection import current_url, database_proxy
from db.errors import InvalidInput, NotAllowed


@dataclass(frozen=True)
class BackupResult:
    path: str
    size_bytes: int
    seconds: float


class BackupNotSupported(NotAllowed):
    """The engine is backed up by its own tool; ``command`` says how (exit code 3)."""

    def __init__(self, command: str) -> None:
        super().__init__(
            "CSDL PostgreSQL: hãy sao lưu bằng pg_dump trên máy chủ (lệnh in ở trên)",
            "PostgreSQL database: back it up with pg_dump (command printed above)",
        )
        self.command = command


def pg_dump_command(url: str, target: str | Path) -> str:
    """The ``pg_dump`` command line for a PostgreSQL URL (the password is never printed)."""
    parsed = urlparse(url)
    parts = ["pg_dump", "--format=custom", f"--file={target}"]
    if parsed.hostname:
        parts.append(f"--host={parsed.hostname}")
    if parsed.port:
        parts.append(f"--port={parsed.port}")
    if parsed.username:
        parts.append(f"--username={unquote(parsed.username)}")
    parts.append(parsed.path.lstrip("/"))
    return " ".join(shlex.quote(p) for p in parts)


#: Files SQLite keeps beside a database: overwriting one of them corrupts or loses the live data.
LIVE_SUFFIXES = ("", "-wal", "-shm", "-journal")


def refuse_live_target(target: Path, source: Path) -> None:
    """Refuse a target that is the live database or one of its companion files (by name or by inode).

    ``backup live.db-wal`` once overwrote the live write-ahead log: after the
    next crash the day's tickets were gone.  A hard link or a symlink to
    one of these files is caught by comparing the files themselves.
    """
    for suffix in LIVE_SUFFIXES:
        live = Path(f"{source}{suffix}")
        same = target == live
        if not same and target.exists() and live.exists():
            try:
                same = os.path.samefile(target, live)
            except OSError:
                same = False
        if same:
            what = "chính tệp CSDL" if not suffix else f"tệp {suffix} của CSDL"
            what_en = "the live database itself" if not suffix else f"the live database's {suffix} file"
            raise InvalidInput(f"Không thể sao lưu đè lên {what}: {target}",
                               f"The backup target is {what_en}: {target}; choose another file name")


def _fsync(path: Path) -> None:
    """Flush a file (or a directory entry) to the disk, where the platform allows it."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def backup_database(target: str | Path) -> BackupResult:
    """Copy the open database to ``target``; raises ``BackupNotSupported`` on PostgreSQL."""
    db = database_proxy.obj
    if db is None:
        raise RuntimeError("db.connection.connect() was not called")
    destination = Path(target).expanduser().resolve()
    if isinstance(db, peewee.PostgresqlDatabase):
        raise BackupNotSupported(pg_dump_command(current_url() or "", destination))
    source_path = Path(db.database).resolve()
    partial = destination.with_name(destination.name + ".partial")
    refuse_live_target(destination, source_path)
    refuse_live_target(partial, source_path)
    if destination.is_dir():
        raise InvalidInput(f"{destination} là thư mục", f"{destination} is a directory: give a file name")
    if destination.exists() and not destination.is_file():
        raise InvalidInput(f"{destination} không phải tệp thường", f"{destination} is not a regular file")
    destination.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    source = sqlite3.connect(str(source_path), timeout=10)
    try:
        partial.unlink(missing_ok=True)   # a left-over of an interrupted backup
        copy = sqlite3.connect(str(partial))
        try:
            source.backup(copy)  # pages=-1: one step, one consistent snapshot
            # A self-contained file: no -wal/-shm beside it, opens read-only anywhere.
            copy.execute("PRAGMA journal_mode=DELETE")
        finally:
            copy.close()
        _fsync(partial)
    except BaseException:
        partial.unlink(missing_ok=True)   # a full disk leaves no half-written file behind
        raise
    finally:
        source.close()
    os.replace(partial, destination)   # atomic: the final name only ever holds a whole backup
    _fsync(destination.parent)
    return BackupResult(str(destination), destination.stat().st_size, time.perf_counter() - started)
