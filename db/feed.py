"""``EventFollower``: every committed event exactly once, in id order, with a fast wake-up.

The one way to follow the event log, without Qt: ``ui_common.feed.FeedWatcher``
(the screens), the web service and ``onestop events --follow`` all wrap it.

Reading "events after my position" is gap-free because an event's id becomes
visible only after every smaller id did (see :mod:`db.events` and
docs/events.md), so ``position`` is a single integer a caller can persist and
resume from: everything up to it was delivered, nothing after it was.

Waking up without polling every 200 ms:

* PostgreSQL: a dedicated autocommit connection ``LISTEN``s on the channel the
  writers ``NOTIFY`` at commit; ``wait`` sleeps in ``select`` on its socket.
* SQLite: a commit appends to the ``-wal`` file; a file watcher
  (``watchdog``: inotify on Linux, ReadDirectoryChangesW on Windows) wakes the
  follower at once, and a ``stat`` of that file plus ``PRAGMA data_version``
  on a connection of its own that never writes run every 200 ms as a safety
  net.  Without a watcher the ``stat`` runs every ``check_interval_s``
  (10 ms).  Measured cost in docs/performance.md.

Both wake-ups only shorten the sleep: correctness comes from the position,
so a lost notification costs at most ``QUIET_READ_S`` of delay, never an event
(and the LISTEN connection that lost it is opened again).
On SQLite each read first checks that the database path still names the same
file (:class:`db.connection.SqliteFileIdentity`): a file replaced under an open
connection (a restored backup) is reopened, a missing one is an outage.
"""

from __future__ import annotations

import logging
import os
import select
import socket
import sqlite3
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

from db.connection import SqliteFileIdentity, current_url, database_proxy, sqlite_path
from db.errors import DatabaseUnavailable
from db.events import NOTIFY_CHANNEL, events_after, last_event_id
from db.values import EventInfo

log = logging.getLogger(__name__)

#: how often the SQLite wake-up looks for another connection's commit
SQLITE_CHECK_S = 0.01
#: events per read; a follower that is further behind reads again at once
BATCH = 500
#: after the LISTEN connection failed, how long to sleep-poll before trying again
LISTEN_RETRY_S = 5.0
#: with a wake-up that proves "nothing was committed", the longest time between two reads
QUIET_READ_S = 5.0


class EventFollower:
    """Follows the event log from ``after`` (None: from the current end of the log).

    Use it from one thread (each thread has its own database connection);
    ``interrupt()`` may be called from any thread to end a ``wait`` early.
    """

    def __init__(self, after: int | None = None, *, batch: int = BATCH,
                 check_interval_s: float = SQLITE_CHECK_S) -> None:
        self._batch = batch
        self._check_interval_s = check_interval_s
        self._identity = SqliteFileIdentity(sqlite_path())
        self._identity.changed()  # missing file: DatabaseUnavailable now, not an empty new database
        self._position = last_event_id() if after is None else max(0, int(after))
        self._waker: _Waker | None = None
        self._listen_failed_at: float | None = None
        self._interrupted = threading.Event()
        self.behind = False  # the last read was a full batch: more is waiting
        self._read_with: _Waker | None = None   # the wake-up that already watched when the last read ran
        self._read_at = 0.0
        self.reads = 0       # how many reads ran (the idle cost is mostly these; tests and benchmarks look)

    @property
    def position(self) -> int:
        """Id of the last event delivered: resume with ``EventFollower(after=position)``."""
        return self._position

    def poll(self) -> list[EventInfo]:
        """Every event committed after ``position`` (up to one batch), oldest first."""
        if self._identity.changed():
            log.info("feed: %s was replaced; reopening it", self._identity.path)
            database_proxy.obj.close()  # this thread's connection; the next read opens the new file
        self._read_with, self._read_at = self._waker, time.monotonic()
        self.reads += 1
        batch = events_after(self._position, limit=self._batch)
        self.behind = len(batch) >= self._batch
        if batch:
            self._position = batch[-1].id
        return batch

    def wait(self, timeout_s: float) -> list[EventInfo]:
        """New events, or ``[]`` once ``timeout_s`` passed (or ``interrupt()``) with none.

        The wake-up is armed before reading, so a commit that lands between the
        read and the sleep still wakes it.  For the same reason the read at the
        start is replaced by the wake-up's own check when that check proves
        silence (SQLite's ``PRAGMA data_version``, a pending PostgreSQL
        notification) and it was already watching at the last read: a commit
        since then shows in it.  A display following the
        log 5 times a second then costs a ``stat`` and a ``PRAGMA`` per call
        while the hall is quiet, not a query through the ORM (docs/performance.md);
        a read still runs at least every ``QUIET_READ_S``.
        """
        deadline = time.monotonic() + max(0.0, timeout_s)
        waker = self._ensure_waker()
        batch = self._read_unless_quiet(waker)
        while not batch and not self._interrupted.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            try:
                woke = waker.wait(remaining, self._interrupted)
            except Exception as exc:  # the wake-up connection died: an outage, or about to be one
                self._close_waker()
                raise DatabaseUnavailable(str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from exc
            if woke:
                batch = self.poll()
        self._interrupted.clear()
        return batch

    def _read_unless_quiet(self, waker: _Waker) -> list[EventInfo]:
        """Read, unless ``waker`` proves nothing was committed since the last read (it watched all along).

        Every ``QUIET_READ_S`` it reads anyway; events found then, that the wake-up did not
        announce, mean it went deaf (a half-open LISTEN connection): it is replaced.
        """
        if not (waker.proves_silence and waker is self._read_with and not self.behind):
            return self.poll()
        try:
            changed = waker.check()
        except Exception as exc:  # the wake-up connection died: an outage, or about to be one
            self._close_waker()
            raise DatabaseUnavailable(str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from exc
        if changed:
            return self.poll()
        if time.monotonic() - self._read_at < QUIET_READ_S:
            return []
        batch = self.poll()
        if batch:
            log.info("feed: %d event(s) came without a wake-up; opening the wake-up again", len(batch))
            self._close_waker()
        return batch

    def interrupt(self) -> None:
        """End a ``wait`` in progress (from any thread); it returns what it has."""
        self._interrupted.set()
        waker = self._waker
        if waker is not None:
            waker.nudge()

    def close(self) -> None:
        """Release the wake-up connection (call from the following thread, or after it ended)."""
        self.interrupt()
        self._close_waker()

    # -- the wake-up
    def _ensure_waker(self) -> _Waker:
        if self._waker is not None:
            return self._waker
        path = sqlite_path()
        if path is not None:
            self._waker = _SqliteWaker(path, self._check_interval_s)
            return self._waker
        url = current_url()
        if url and urlparse(url).scheme in ("postgresql", "postgres"):
            if self._listen_failed_at is None or time.monotonic() - self._listen_failed_at > LISTEN_RETRY_S:
                try:
                    self._waker = _NotifyWaker(url)
                    self._listen_failed_at = None
                    return self._waker
                except Exception as exc:
                    log.info("feed: LISTEN not available (%s); polling", str(exc).splitlines()[0] if str(exc) else exc)
                    self._listen_failed_at = time.monotonic()
        return _SleepWaker()  # not kept: the next wait tries LISTEN again (after LISTEN_RETRY_S)

    def _close_waker(self) -> None:
        waker, self._waker = self._waker, None
        if waker is not None:
            waker.close()


class _Waker:
    """Sleeps until the database may have changed; ``True`` when it woke for a change."""

    #: ``check()`` is authoritative: every commit since the previous check (or the waker's
    #: creation) makes it return True, whether or not a signal announced it
    proves_silence = False

    def wait(self, timeout_s: float, interrupted: threading.Event) -> bool:
        raise NotImplementedError

    def nudge(self) -> None:
        """Make a ``wait`` in another thread return soon."""

    def check(self) -> bool:
        """Has the database changed since the last check (``True`` when it cannot tell)?"""
        return True

    def close(self) -> None:
        pass


class _SleepWaker(_Waker):
    """No wake-up channel: sleep in short steps and let the caller read again."""

    STEP_S = 0.2

    def wait(self, timeout_s: float, interrupted: threading.Event) -> bool:
        interrupted.wait(min(timeout_s, self.STEP_S))
        return not interrupted.is_set()


class _NotifyWaker(_Waker):
    """PostgreSQL ``LISTEN`` on a connection of its own (peewee has no LISTEN helper).

    Every event write notifies at commit, and a live LISTEN connection gets every notification
    of a commit after its ``LISTEN``: no notification pending means no commit since.  A connection
    that went silently deaf is caught by the follower's read every ``QUIET_READ_S``.
    """

    proves_silence = True

    def __init__(self, url: str) -> None:
        import psycopg

        self._conn = psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True,
                                     connect_timeout=3)
        self._conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
        self._nudge_r, self._nudge_w = socket.socketpair()
        self._nudge_r.setblocking(False)

    def wait(self, timeout_s: float, interrupted: threading.Event) -> bool:
        ready, _, _ = select.select([self._conn.fileno(), self._nudge_r], [], [], timeout_s)
        if self._nudge_r in ready:
            try:
                self._nudge_r.recv(64)
            except BlockingIOError:
                pass
        if self._conn.fileno() in ready:
            notified = False
            for _ in self._conn.notifies(timeout=0):  # drain; a closed server raises here
                notified = True
            if not notified and self._conn.closed:
                raise DatabaseUnavailable("LISTEN connection closed")
            return True
        return False

    def check(self) -> bool:
        """A notification came since the last wait or check (the server sends one per committing write)."""
        ready, _, _ = select.select([self._conn.fileno()], [], [], 0)
        if not ready:
            return False
        notified = False
        for _ in self._conn.notifies(timeout=0):  # drain; a closed server raises here
            notified = True
        if not notified and self._conn.closed:
            raise DatabaseUnavailable("LISTEN connection closed")
        return True

    def nudge(self) -> None:
        try:
            self._nudge_w.send(b"x")
        except OSError:
            pass

    def close(self) -> None:
        for closer in (self._conn.close, self._nudge_r.close, self._nudge_w.close):
            try:
                closer()
            except Exception:
                pass


class _SqliteWaker(_Waker):
    """SQLite: notice another connection's commit at once, or within ``interval_s``.

    SQLite has no notifications, but in WAL mode a commit appends to the
    ``-wal`` file.  Where the platform tells (inotify on Linux,
    ReadDirectoryChangesW on Windows, through ``watchdog``), a change of that
    file wakes the follower at once and the checks below run only every
    ``WATCHED_TICK_S`` as a safety net; elsewhere they run every
    ``interval_s``.  Each tick: one ``stat`` of the ``-wal`` file (size or
    modification time changed), and every ``VERSION_EVERY`` ticks
    ``PRAGMA data_version`` on a connection that never writes (the
    authoritative answer, in case a file system is lazy with times).
    """

    VERSION_EVERY = 20
    WATCHED_TICK_S = 0.2
    proves_silence = True   # PRAGMA data_version changes with every other connection's commit

    def __init__(self, path: str, interval_s: float) -> None:
        self._path = path
        self._wal = path + "-wal"
        self._identity = SqliteFileIdentity(path)
        self._identity.changed()
        self._conn = self._open()
        self._version = self._read()
        self._wal_seen = self._wal_state()
        self._ticks = 0
        self._signal = threading.Event()  # set by the file watcher, or by nudge()
        self._observer = self._watch()
        self._interval_s = self.WATCHED_TICK_S if self._observer is not None else interval_s
        self._version_every = 1 if self._observer is not None else self.VERSION_EVERY

    def _watch(self):
        """Start a ``watchdog`` observer on the database's folder, or None if unavailable."""
        try:
            from watchdog.events import FileSystemEventHandler
            from watchdog.observers import Observer
        except ImportError:
            return None
        names = {os.path.abspath(self._path), os.path.abspath(self._wal)}
        signal = self._signal

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event) -> None:
                if os.path.abspath(event.src_path) in names:
                    signal.set()

        try:
            observer = Observer()
            observer.daemon = True
            observer.schedule(Handler(), os.path.dirname(os.path.abspath(self._path)) or ".", recursive=False)
            observer.start()
            return observer
        except Exception as exc:  # no inotify watch left, unsupported file system ...: tick instead
            log.info("feed: cannot watch %s (%s); checking every few ms", self._path, exc)
            return None

    def _open(self) -> sqlite3.Connection:
        # mode=rw: never create an empty database where the real file went missing
        uri = Path(self._path).resolve().as_uri() + "?mode=rw"
        return sqlite3.connect(uri, uri=True, check_same_thread=False, isolation_level=None, timeout=1.0)

    def _read(self) -> int:
        return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def _wal_state(self) -> tuple[int, int] | None:
        try:
            st = os.stat(self._wal)
        except FileNotFoundError:
            return None
        return (st.st_mtime_ns, st.st_size)

    def _changed(self) -> bool:
        if self._identity.changed():  # replaced: our connection reads the old file
            self._conn.close()
            self._conn = self._open()
            self._version = self._read()
            return True
        wal = self._wal_state()
        if wal != self._wal_seen:
            self._wal_seen = wal
            return True
        self._ticks += 1
        if self._ticks % self._version_every == 0:
            version = self._read()
            if version != self._version:
                self._version = version
                return True
        return False

    def wait(self, timeout_s: float, interrupted: threading.Event) -> bool:
        deadline = time.monotonic() + timeout_s
        while not interrupted.is_set():
            step = min(self._interval_s, deadline - time.monotonic())
            if step <= 0:
                return False
            if self._observer is not None:
                if self._signal.wait(step):
                    self._signal.clear()
                    self._changed()  # keeps the stat and version current; the caller reads anyway
                    return not interrupted.is_set()
            else:
                time.sleep(step)  # cheaper than Event.wait; interrupt() is seen within one tick
            if self._changed():
                return True
        return False

    def check(self) -> bool:
        self._signal.clear()   # this check covers what the file watcher saw so far
        self._ticks = self._version_every - 1   # and reads data_version now: the authoritative answer
        return self._changed()

    def nudge(self) -> None:
        self._signal.set()

    def close(self) -> None:
        if self._observer is not None:
            try:
                self._observer.stop()
                self._observer.join(timeout=2)
            except Exception:
                pass
            self._observer = None
        try:
            self._conn.close()
        except Exception:
            pass
