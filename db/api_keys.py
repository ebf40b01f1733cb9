"""API keys for the web service's write calls (``Authorization: Bearer KEY``).

A key is 32 random bytes (``secrets.token_urlsafe``), shown once when made;
the database keeps only its SHA-256.  A slow password hash would add nothing
here: the key is random, not chosen by a person, so it cannot be guessed
from a list, and a fast hash lets every request be checked in microseconds.
Revoking keeps the row (its name stays taken, so logs stay unambiguous).

Keys follow roles the way PCs do: each key carries the scopes it was made
with (``tickets``: issue numbers as a kiosk does; ``bookings``: book places as
the /book page does), so a booking portal's key cannot issue tickets.  Making
and revoking a key are audited (``db.audit``), like every other change of
who may do what.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from db import audit, clock, inputs
from db.connection import with_retry, write_transaction
from db.errors import AuthError, Forbidden, InvalidInput, NotAllowed, NotFound
from db.models import ApiKey

#: what a key may be allowed to do, and which web API calls need it
SCOPES = ("tickets", "bookings")
#: ``last_used_at`` is written at most this often per key (a write per request would be waste)
TOUCH_EVERY_S = 60.0


@dataclass(frozen=True)
class ApiKeyInfo:
    name: str
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None
    scopes: tuple[str, ...] = SCOPES

    def to_json(self) -> dict:
        def iso(moment: datetime | None) -> str | None:
            return moment.isoformat(timespec="seconds") if moment else None

        return {"name": self.name, "created_at": iso(self.created_at), "revoked": self.revoked_at is not None,
                "revoked_at": iso(self.revoked_at), "last_used_at": iso(self.last_used_at),
                "scopes": list(self.scopes)}


def _utc(epoch: float | None) -> datetime | None:
    return datetime.fromtimestamp(epoch, tz=UTC) if epoch is not None else None


def _info(row: ApiKey) -> ApiKeyInfo:
    return ApiKeyInfo(row.name, _utc(row.created_at), _utc(row.revoked_at), _utc(row.last_used_at),
                      _scopes_of(row))


def _scopes_of(row: ApiKey) -> tuple[str, ...]:
    return tuple(s for s in (row.scopes or "").split(",") if s)


def _checked_scopes(scopes) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(scopes))
    unknown = [s for s in chosen if s not in SCOPES]
    if unknown or not chosen:
        raise InvalidInput(f"Phạm vi khóa không hợp lệ: {', '.join(unknown) or '(trống)'} (chọn: {', '.join(SCOPES)})",
                           f"Bad key scope: {', '.join(unknown) or '(none)'} (choose from: {', '.join(SCOPES)})")
    return chosen


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_key(name: str, *, scopes=SCOPES, actor: str | None = None, now: float | None = None) -> str:
    """Make a key named ``name`` allowed ``scopes``; returns the key itself (it cannot be read back later).

    ``actor``: who made it, for the audit log (default: the operating-system account).
    """
    inputs.API_KEY_NAME.check(name or "")   # recorded as api:NAME in ticket.kiosk: it must fit there
    chosen = _checked_scopes(scopes)
    key = secrets.token_urlsafe(32)

    def write() -> None:
        with write_transaction():
            moment = clock.now_epoch(now)
            if ApiKey.select().where(ApiKey.name == name).exists():
                raise NotAllowed(f"Đã có khóa tên {name}", f"A key named {name} already exists")
            ApiKey.create(name=name, key_hash=hash_key(key), created_at=moment, scopes=",".join(chosen))
            audit.record("api_key_created", actor=actor, target=name, after={"scopes": list(chosen)}, now=moment)

    with_retry(write)
    return key


def list_keys() -> list[ApiKeyInfo]:
    return with_retry(lambda: [_info(r) for r in ApiKey.select().order_by(ApiKey.name)])


def revoke_key(name: str, *, actor: str | None = None, now: float | None = None) -> ApiKeyInfo:
    def write() -> ApiKeyInfo:
        with write_transaction():
            moment = clock.now_epoch(now)
            row = ApiKey.get_or_none(ApiKey.name == name)
            if row is None:
                raise NotFound(f"Không có khóa {name}", f"No API key named {name}")
            if row.revoked_at is None:
                ApiKey.update(revoked_at=moment).where(ApiKey.id == row.id).execute()
                audit.record("api_key_revoked", actor=actor, target=name, before={"revoked": False},
                             after={"revoked": True}, now=moment)
            return _info(ApiKey.get_by_id(row.id))

    return with_retry(write)


def check_key(key: str | None, scope: str | None = None, *, now: float | None = None) -> str:
    """The name of the valid, unrevoked key ``key``; ``AuthError`` otherwise.

    With ``scope``: ``Forbidden`` (HTTP 403) when the key was not made for it.
    """
    if not key:
        raise AuthError("Cần khóa API (Authorization: Bearer KHÓA)",
                        "An API key is required (Authorization: Bearer KEY)")
    moment = clock.now_epoch(now)
    digest = hash_key(key)

    def read() -> ApiKey | None:
        return ApiKey.get_or_none(ApiKey.key_hash == digest)

    row = with_retry(read)
    if row is None or row.revoked_at is not None:
        raise AuthError("Khóa API sai hoặc đã bị thu hồi", "Wrong or revoked API key")
    if scope is not None and scope not in _scopes_of(row):
        raise Forbidden(f"Khóa API {row.name} không được phép: {scope}",
                        f"API key {row.name} is not allowed: {scope} (its scopes: {row.scopes})")
    if row.last_used_at is None or moment - row.last_used_at >= TOUCH_EVERY_S:
        def touch() -> None:
            with write_transaction():
                ApiKey.update(last_used_at=moment).where(ApiKey.id == row.id).execute()

        with_retry(touch)
    return row.name
