"""Tracking links: the unguessable URL printed on a ticket for the citizen's phone.

A link is ``[web] public_url`` + ``/t/{ticket id}-{token}``.  The token is an
HMAC-SHA256 over the ticket id and its service day, keyed with a secret
made once per database (``setting`` table) and truncated to 80 bits, written
in lower-case base32 (16 characters, nothing to confuse when typed).  So:

* nobody can make a link for another ticket without the secret;
* a link names exactly one ticket of one day (ids are never reused, and the
  day is inside the MAC), and the web service answers it only on that day;
* the link carries no personal data, and nothing needs to be stored per ticket.

A new database gets a new secret, so links of a wiped database stop working.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import threading
import time
from dataclasses import dataclass

from db import current_site
from db.connection import generation, with_retry, write_transaction
from db.models import Setting, Ticket

SECRET_KEY = "tracking_secret"
TOKEN_BYTES = 10            # 80 bits
PATH_PREFIX = "/t/"
#: how long the public URL and secret are reused before being read again
CACHE_TTL_S = 5.0

_TRACK_PATH = re.compile(r"/t/(\d{1,18})-([a-z2-7]{16})/?$")


@dataclass(frozen=True)
class _Cached:
    key: int
    loaded_at: float
    public_url: str | None
    secret: bytes | None


_cache: _Cached | None = None
_lock = threading.Lock()


def _read_or_create_secret() -> bytes:
    """The database's secret, created by whichever process needs it first."""
    row = Setting.get_or_none(Setting.key == SECRET_KEY)
    if row is None:
        with write_transaction():
            (Setting.insert(key=SECRET_KEY, value=secrets.token_hex(32))
             .on_conflict_ignore().execute())
        row = Setting.get(Setting.key == SECRET_KEY)
    return bytes.fromhex(row.value)


def ensure_secret() -> None:
    """Create the secret now (``onestop init``, ``onestop web``) instead of at first use."""
    with_retry(_read_or_create_secret)


def _settings() -> _Cached:
    """Public URL and secret, re-read every few seconds (an admin may change the site)."""
    global _cache
    now = time.monotonic()
    cached = _cache
    if cached is not None and cached.key == generation() and now - cached.loaded_at < CACHE_TTL_S:
        return cached
    with _lock:
        from db.site import site_info

        site = current_site.row_or_none()
        public_url = site_info(site).public_url if site is not None else None
        row = Setting.get_or_none(Setting.key == SECRET_KEY)
        _cache = _Cached(generation(), now, public_url, bytes.fromhex(row.value) if row else None)
        return _cache


def _secret() -> bytes:
    global _cache
    settings = _settings()
    if settings.secret is not None:
        return settings.secret
    secret = _read_or_create_secret()
    _cache = _Cached(settings.key, settings.loaded_at, settings.public_url, secret)
    return secret


def token_for(ticket_id: int, service_day: str, *, secret: bytes | None = None) -> str:
    """The 80-bit token of one ticket of one service day."""
    key = secret if secret is not None else _secret()
    mac = hmac.new(key, f"{int(ticket_id)}:{service_day}".encode(), hashlib.sha256).digest()
    return base64.b32encode(mac[:TOKEN_BYTES]).decode("ascii").lower()


def track_path(ticket_id: int, service_day: str) -> str:
    """``/t/{id}-{token}``: the part of the link after the public URL."""
    return f"{PATH_PREFIX}{int(ticket_id)}-{token_for(ticket_id, service_day)}"


def track_url(ticket_id: int, service_day: str) -> str | None:
    """The full link for the ticket, or ``None`` when the site has no ``[web] public_url``.

    Called for every ticket object made (``db.queue.to_info``); costs an HMAC
    and, every few seconds, one small read.
    """
    settings = _settings()
    if not settings.public_url:
        return None
    return settings.public_url + track_path(ticket_id, service_day)


def split_reference(text: str) -> tuple[int, str] | None:
    """``(ticket id, token)`` from a tracking link or its path, without checking the token."""
    match = _TRACK_PATH.search(str(text).strip().split("?", 1)[0].split("#", 1)[0])
    if match is None:
        return None
    return int(match.group(1)), match.group(2)


def verify(ticket_id: int, token: str, *, service_day: str | None = None) -> bool:
    """Whether ``token`` is the one of ticket ``ticket_id`` (of ``service_day`` when given).

    Without ``service_day`` the ticket's own day is read from the database.
    """
    def check() -> bool:
        day = service_day
        if day is None:
            day = Ticket.select(Ticket.service_day).where(Ticket.id == int(ticket_id)).scalar()
            if day is None:
                return False
        return hmac.compare_digest(token_for(ticket_id, day), str(token).lower())

    return with_retry(check, attempts=1)


def parse_track_url(text: str) -> int | None:
    """The ticket id named by a genuine tracking link (scanned QR or typed), else ``None``.

    The counter's scanner accepts this besides the ``OSQ1:`` form; a link
    with a changed character or another ticket's id gives ``None``.
    """
    parts = split_reference(text)
    if parts is None:
        return None
    ticket_id, token = parts
    return ticket_id if verify(ticket_id, token) else None
