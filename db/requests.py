"""Request ids: an operation repeated after an unknown outcome acts once.

When the connection drops after the server committed but before the client
heard it, ``with_retry`` cannot tell "committed" from "rolled back" and runs
the operation again.  So every state-changing operation carries an identity
its caller makes once per user action (one kiosk tap, one keypad press, one
officer key), kept across retries:

* the operation's first statement *claims* the id: one ``request`` row,
  ``INSERT ... ON CONFLICT DO NOTHING``, in the operation's own transaction;
* if the row was already there, the earlier attempt committed: the operation
  does nothing and returns what the first attempt produced (``ref_id``: the
  ticket, rating, booking ... it made), read back by the caller's ``replay``;
* if the earlier attempt is still committing on the server (the client gave
  up on it a moment ago), PostgreSQL makes the claim wait for it, then
  reports the conflict, or succeeds if it rolled back;
* a refusal (closed service, empty queue) rolls the claim back with the rest,
  so the same id may be tried again.

The table is generic (operation name, one reference, a JSON blob), so
bookings and sync can use the same two calls.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass

from db.errors import InvalidInput
from db.models import Request

#: longest request id accepted (a uuid4 hex is 32)
MAX_LENGTH = 64


def new_request_id() -> str:
    """A fresh identity for one user action."""
    return uuid.uuid4().hex


@dataclass(frozen=True)
class Earlier:
    """What the first attempt of a request left behind."""

    operation: str
    ref_id: int | None
    data: dict


def claim(request_id: str, operation: str, *, now: float | None = None) -> Earlier | None:
    """Inside the operation's write transaction: ``None`` to go ahead, or the earlier outcome.

    A request id reused for a different operation is a caller's bug and is
    refused (``InvalidInput``) rather than answered with a foreign result.
    """
    if not request_id or len(request_id) > MAX_LENGTH:
        raise InvalidInput("Mã yêu cầu không hợp lệ", f"Request id must be 1-{MAX_LENGTH} characters")
    inserted = (Request.insert(request_id=request_id, operation=operation, at=time.time() if now is None else now)
                .on_conflict_ignore().as_rowcount().execute())
    if inserted:
        return None
    row = Request.get_by_id(request_id)
    if row.operation != operation:
        raise InvalidInput(f"Mã yêu cầu {request_id} đã dùng cho thao tác khác",
                           f"Request id {request_id} was already used for {row.operation}, not {operation}")
    return Earlier(operation=row.operation, ref_id=row.ref_id, data=json.loads(row.data or "{}"))


def settle(request_id: str, ref_id: int | None, data: dict | None = None) -> None:
    """Record what the operation produced, in the same transaction as the claim."""
    if ref_id is None and not data:
        return
    (Request.update(ref_id=ref_id, data=json.dumps(data or {}, ensure_ascii=False))
     .where(Request.request_id == request_id).execute())
