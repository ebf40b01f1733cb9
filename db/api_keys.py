"""API keys for the web service's write calls (``Authorization: Bearer KEY``).

A key is 32 random bytes (``secrets.token_urlsafe``), shown once when made;
the database keeps only its SHA-256.  A slow password hash would add nothing
here: the key is random, not chosen by a person, so it cannot be guessed
from a list, and a fast hash lets every request be checked in microseconds.
Revoking keeps the row (its name stays taken, so logs stay unambiguous).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from db import clock
from db.connection import with_retry, write_transaction
from db.errors import AuthError, InvalidInput, NotAllowed, NotFound
from db.models import ApiKey

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
#: ``last_used_at`` is written at most this often per key (a write per request would be waste)
TOUCH_EVERY_S = 60.0


@dataclass(frozen=True)
class ApiKeyInfo:
    name: str
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None

    def to_json(self) -> dict:
        def iso(moment: datetime | None) -> str | None:
            return moment.isoformat(timespec="seconds") if moment else None

        return {"name": self.name, "created_at": iso(self.created_at), "revoked": self.revoked_at is not None,
                "revoked_at": iso(self.revoked_at), "last_used_at": iso(self.last_used_at)}


def _utc(epoch: float | None) -> datetime | None:
    return datetime.fromtimestamp(epoch, tz=UTC) if epoch is not None else None


def _info(row: ApiKey) -> ApiKeyInfo:
    return ApiKeyInfo(row.name, _utc(row.created_at), _utc(row.revoked_at), _utc(row.last_used_at))


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_key(name: str, *, now: float | None = None) -> str:
    """Make a key named ``name``; returns the key itself (it cannot be read back later)."""
    if not _NAME.fullmatch(name or ""):
        raise InvalidInput(f"Tên khóa không hợp lệ: {name!r} (chữ, số, _ . -)",
                           f"Bad key name {name!r}: use letters, digits, _ . - (at most 64)")
    key = secrets.token_urlsafe(32)
    moment = clock.now_epoch(now)

    def write() -> None:
        with write_transaction():
            if ApiKey.select().where(ApiKey.name == name).exists():
                raise NotAllowed(f"Đã có khóa tên {name}", f"A key named {name} already exists")
            ApiKey.create(name=name, key_hash=hash_key(key), created_at=moment)

    with_retry(write)
    return key


def list_keys() -> list[ApiKeyInfo]:
    return with_retry(lambda: [_info(r) for r in ApiKey.select().order_by(ApiKey.name)])


def revoke_key(name: str, *, now: float | None = None) -> ApiKeyInfo:
    moment = clock.now_epoch(now)

    def write() -> ApiKeyInfo:
        with write_transaction():
            row = ApiKey.get_or_none(ApiKey.name == name)
            if row is None:
                raise NotFound(f"Không có khóa {name}", f"No API key named {name}")
            if row.revoked_at is None:
                ApiKey.update(revoked_at=moment).where(ApiKey.id == row.id).execute()
            return _info(ApiKey.get_by_id(row.id))

    return with_retry(write)


def check_key(key: str | None, *, now: float | None = None) -> str:
    """The name of the valid, unrevoked key ``key``; ``AuthError`` otherwise."""
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
    if row.last_used_at is None or moment - row.last_used_at >= TOUCH_EVERY_S:
        def touch() -> None:
            with write_transaction():
                ApiKey.update(last_used_at=moment).where(ApiKey.id == row.id).execute()

        with_retry(touch)
    return row.name
