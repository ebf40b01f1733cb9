"""The audit log: who changed the site's configuration, officers, counters or data, and how.

Every change made through the admin program or the CLI calls ``record()``
inside its own write transaction, so a change and its audit entry commit or
roll back together.  ``before``/``after`` hold only the fields that matter to
the change, never a PIN or its hash (a PIN reset is recorded as
``{"pin": "reset"}``).  On PostgreSQL the program roles may INSERT into
``audit`` but not UPDATE or DELETE it (``onestop roles create``), so the
trail cannot be rewritten with a program's credentials.
"""

from __future__ import annotations

import getpass
import json
import socket
from datetime import date

from db import clock, current_site
from db.connection import with_retry
from db.models import AuditEntry


def default_actor() -> str:
    """Who ran a CLI change with no officer named: the operating-system account and PC."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers)
        user = "?"
    return f"os:{user}@{socket.gethostname()}"


def _json(value) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def record(action: str, *, actor: str | None, target: str | None = None, before=None, after=None,
           now: float | None = None) -> int:
    """Append one entry; call inside the write transaction of the change it describes."""
    row = AuditEntry.create(at=clock.now_epoch(now), actor=actor or default_actor(), action=action, target=target,
                            before=_json(before), after=_json(after))
    return int(row.id)


def _timezone() -> str:
    site = current_site.row_or_none()
    return site.timezone if site is not None else "UTC"


def entries(date_from: date | None = None, date_to: date | None = None) -> list[dict]:
    """Entries whose site-local day lies in ``[date_from, date_to]`` (either may be open), oldest first."""

    def read() -> list[dict]:
        tz = _timezone()
        query = AuditEntry.select().order_by(AuditEntry.at, AuditEntry.id)
        if date_from is not None:
            query = query.where(AuditEntry.at >= clock.day_bounds(date_from, tz)[0])
        if date_to is not None:
            query = query.where(AuditEntry.at < clock.day_bounds(date_to, tz)[1])
        return [
            {"id": int(r.id), "at": clock.local_datetime(r.at, tz).isoformat(), "actor": r.actor, "action": r.action,
             "target": r.target, "before": json.loads(r.before) if r.before else None,
             "after": json.loads(r.after) if r.after else None}
            for r in query
        ]

    return with_retry(read)
