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


def backup_database(target: str | Path) -> BackupResult:
    """Copy the open database to ``target``; raises ``BackupNotSupported`` on PostgreSQL."""
    db = database_proxy.obj
    if db is None:
        raise RuntimeError("db.connection.connect() was not called")
    destination = Path(target).expanduser().resolve()
    if isinstance(db, peewee.PostgresqlDatabase):
        raise BackupNotSupported(pg_dump_command(current_url() or "", destination))
    source_path = Path(db.database).resolve()
    if destination == source_path:
        raise InvalidInput("Không thể sao lưu đè lên chính CSDL", "The backup target is the database itself")
    if destination.is_dir():
        raise InvalidInput(f"{destination} là thư mục", f"{destination} is a directory: give a file name")
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".partial")
    started = time.perf_counter()
    source = sqlite3.connect(str(source_path), timeout=10)
    try:
        copy = sqlite3.connect(str(partial))
        try:
            source.backup(copy)  # pages=-1: one step, one consistent snapshot
            # A self-contained file: no -wal/-shm beside it, opens read-only anywhere.
            copy.execute("PRAGMA journal_mode=DELETE")
        finally:
            copy.close()
    finally:
        source.close()
    os.replace(partial, destination)
    return BackupResult(str(destination), destination.stat().st_size, time.perf_counter() - started)
