"""``FeedWatcher``: follows the event log and tells screens what changed.

The database is read in a background thread so that a locked or vanished
database can never freeze a screen.  On SQLite the thread polls "events after
my last id" every ``poll_s`` (an indexed primary-key range read, ~0.1 ms).  On
PostgreSQL it also LISTENs on ``onestop_events`` (sent by the engine at
commit), so it wakes at once and the poll is only a fallback.

When the database goes away the watcher emits ``online_changed(False)``, keeps
retrying, and on return emits ``online_changed(True)`` followed by every event
it missed: the event log is complete, so nothing is lost.

On SQLite an open connection keeps reading the file it opened even after
that file was renamed away or replaced (restored from a backup), which would
freeze a screen on a stale copy without any error.  So each poll also checks
that the database path still names the same file: a missing file means
offline, a different file means reopen.
"""

from __future__ import annotations

import logging
import os
import select
import threading
from urllib.parse import urlparse

import peewee
from PySide6.QtCore import QObject, Signal

from db.connection import current_url, database_proxy, is_postgres
from db.errors import DatabaseUnavailable
from db.events import NOTIFY_CHANNEL, events_after, last_event_id

log = logging.getLogger(__name__)


class FeedWatcher(QObject):
    """Emits ``events(list[EventInfo])`` in order, and ``online_changed(bool)``."""

    events = Signal(list)
    online_changed = Signal(bool)

    def __init__(self, *, poll_s: float = 0.2, start_at: int | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.poll_s = poll_s
        self._start_at = start_at
        self.last_id = 0
        self.online = True
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._listen_conn = None
        self._db_file: tuple[int, int] | None = None

    # -- lifecycle
    def start(self) -> None:
        """Begin following; by default from the current end of the log."""
        if self._thread is not None:
            return
        if self._start_at is not None:
            self.last_id = self._start_at
        else:
            try:
                self.last_id = last_event_id()
            except (DatabaseUnavailable, Exception) as exc:  # offline at start: catch up from 0 later
                log.warning("feed: database not reachable at start (%s)", exc)
                self.last_id = 0
                self._set_online(False)
        self._thread = threading.Thread(target=self._run, name="onestop-feed", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        self._close_listener()

    # -- worker thread
    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._check_sqlite_file()
                batch = events_after(self.last_id)
            except Exception as exc:  # any failure means "offline"; keep the last good state
                if self.online:
                    log.warning("feed: database unreachable (%s)", str(exc).splitlines()[0] if str(exc) else exc)
                self._set_online(False)
                self._close_listener()
                self._stop.wait(1.0)
                continue
            self._set_online(True)
            if batch:
                self.last_id = batch[-1].id
                self.events.emit(batch)
                if len(batch) >= 500:
                    continue  # more to catch up on
            self._wait()

    def _check_sqlite_file(self) -> None:
        """Raise ``DatabaseUnavailable`` if the SQLite file is gone; reopen if it was replaced."""
        db = database_proxy.obj
        if not isinstance(db, peewee.SqliteDatabase) or db.database in (":memory:", ""):
            return
        try:
            st = os.stat(db.database)
        except FileNotFoundError:
            raise DatabaseUnavailable(f"database file missing: {db.database}") from None
        identity = (st.st_dev, st.st_ino)
        if self._db_file is not None and identity != self._db_file:
            log.info("feed: %s was replaced; reopening it", db.database)
            db.close()  # this thread's connection; the next read opens the new file
        self._db_file = identity

    def _wait(self) -> None:
        """Sleep until the next poll, or until PostgreSQL notifies a commit."""
        if not is_postgres():
            self._stop.wait(self.poll_s)
            return
        conn = self._listener()
        if conn is None:
            self._stop.wait(self.poll_s)
            return
        try:
            ready, _, _ = select.select([conn.fileno()], [], [], self.poll_s)
            if ready:
                for _ in conn.notifies(timeout=0):
                    pass
        except Exception:
            self._close_listener()

    def _listener(self):
        if self._listen_conn is not None:
            return self._listen_conn
        url = current_url()
        if not url or urlparse(url).scheme not in ("postgresql", "postgres"):
            return None
        try:
            import psycopg

            conn = psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True, connect_timeout=3)
            conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
            self._listen_conn = conn
        except Exception as exc:
            log.info("feed: LISTEN not available (%s); polling", exc)
            self._listen_conn = None
        return self._listen_conn

    def _close_listener(self) -> None:
        if self._listen_conn is not None:
            try:
                self._listen_conn.close()
            except Exception:
                pass
            self._listen_conn = None

    def _set_online(self, online: bool) -> None:
        if online != self.online:
            self.online = online
            self.online_changed.emit(online)
