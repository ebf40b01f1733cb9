"""Officers: PIN hashing, login with lockout, and who sits at which counter.

PINs are stored as salted scrypt hashes (``scrypt$n$r$p$salt$hash``); the PIN
itself is never stored or printed back.  Five wrong PINs lock the account for
five minutes, and every attempt is written to the event log.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass

from db import current_site
from db.clock import now_epoch
from db.connection import with_retry, write_transaction
from db.errors import AuthError, NotAllowed, NotFound
from db.events import record_event
from db.models import Counter, Officer

MAX_FAILED_LOGINS = 5
LOCKOUT_S = 5 * 60
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


#: shortest PIN per role: an officer's PIN opens one counter, a supervisor's or
#: admin's opens the admin program, so those are longer (site TOML
#: ``[security] staff_pin_min_digits`` may raise or lower the latter, never below 4).
MIN_PIN_DIGITS = {"officer": 4, "supervisor": 6, "admin": 6}
MAX_PIN_DIGITS = 12
STAFF_ROLES = ("supervisor", "admin")


def hash_pin(pin: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, dklen=32, **_SCRYPT)
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${salt.hex()}${digest.hex()}"


def verify_pin(pin: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    candidate = hashlib.scrypt(pin.encode(), salt=bytes.fromhex(salt), dklen=32, n=int(n), r=int(r), p=int(p))
    return hmac.compare_digest(candidate.hex(), digest)


#: A real scrypt hash of a random PIN nobody knows (no PIN can match an unknown user anyway):
#: an unknown or inactive username costs the same scrypt as a known one, from the first try.
_DUMMY_HASH = ("scrypt$16384$8$1$9cb128b58eb34e656a34c4f92227f760"
               "$a97a7a08a460e4bed4ab65f8a5ebe9de39271c9dfaa5ba04c05d1031b3a66d0a")


def _dummy_hash() -> str:
    return _DUMMY_HASH


def min_pin_digits(role: str, staff_min: int | None = None) -> int:
    """Shortest PIN allowed for ``role``; ``staff_min`` is the site's override for supervisors/admins."""
    if role in STAFF_ROLES and staff_min is not None:
        return max(MIN_PIN_DIGITS["officer"], int(staff_min))
    return MIN_PIN_DIGITS.get(role, MIN_PIN_DIGITS["officer"])


def pin_problem(pin: str, role: str, staff_min: int | None = None) -> str | None:
    """Why ``pin`` is not acceptable for ``role`` (English, for messages), or None."""
    shortest = min_pin_digits(role, staff_min)
    if not re.fullmatch(rf"\d{{{shortest},{MAX_PIN_DIGITS}}}", str(pin)):
        return f"must be {shortest}-{MAX_PIN_DIGITS} digits for the role {role}"
    return None


def site_staff_pin_min() -> int | None:
    """The site's ``[security] staff_pin_min_digits``, if it set one."""

    row = current_site.row_or_none()
    if row is None:
        return None
    value = json.loads(row.settings or "{}").get("security", {}).get("staff_pin_min_digits")
    return int(value) if value is not None else None


@dataclass(frozen=True)
class OfficerInfo:
    id: int
    username: str
    full_name: str
    role: str


def _info(officer: Officer) -> OfficerInfo:
    return OfficerInfo(officer.id, officer.username, officer.full_name, officer.role)


def _generic_refusal() -> AuthError:
    return AuthError("Sai tên đăng nhập hoặc mã PIN", "Wrong username or PIN")


def _locked_refusal(locked_until: float, moment: float) -> AuthError:
    minutes = max(1, round((locked_until - moment) / 60))
    return AuthError(f"Tài khoản tạm khoá, thử lại sau {minutes} phút", f"Account locked, try again in {minutes} min")


def _not_locked(moment: float):
    return Officer.locked_until.is_null() | (Officer.locked_until <= moment)


def _returned(query) -> list:
    return [row[0] for row in query.tuples().execute()] if hasattr(query, "tuples") else list(query.execute())


def authenticate(username: str, pin: str, *, roles: tuple[str, ...] | None = None,
                 now: float | None = None) -> OfficerInfo:
    """Check a username + PIN; counts failures and locks after ``MAX_FAILED_LOGINS``.

    The PIN is hashed outside the transaction (scrypt takes tens of ms) and
    for an unknown or inactive username against a dummy hash, so the answer
    takes as long whether or not the username exists.  The failure count is
    then changed by one atomic ``UPDATE ... SET failed_logins = failed_logins
    + 1 ... WHERE not locked RETURNING``: concurrent attempts queue on the
    row's lock and each sees the count the previous one committed, so
    exactly ``MAX_FAILED_LOGINS`` wrong PINs are answered before the lock,
    however many PCs try at once (SQLite's write lock serializes them too).
    """
    moment = now_epoch(now)
    name = username.strip()
    officer = with_retry(lambda: Officer.get_or_none(current_site.here(Officer), Officer.username == name))
    known = officer is not None and bool(officer.active)
    if known and officer.locked_until and officer.locked_until > moment:
        raise _locked_refusal(officer.locked_until, moment)
    pin_ok = verify_pin(pin, officer.pin_hash if known else _dummy_hash()) and known

    def decide() -> OfficerInfo | AuthError:
        if not known:
            record_event("login_failed", at=moment, officer=name, data={"reason": "unknown"})
            return _generic_refusal()
        if pin_ok:
            if roles and officer.role not in roles:
                return AuthError("Tài khoản không có quyền này", "This account may not do that")
            cleared = (Officer.update(failed_logins=0, locked_until=None)
                       .where((Officer.id == officer.id) & _not_locked(moment)).execute())
            if not cleared:  # locked by a concurrent attempt meanwhile
                return _locked_refusal(Officer.get_by_id(officer.id).locked_until or moment, moment)
            record_event("login", at=moment, officer=officer.username)
            return _info(officer)
        counted = _returned(Officer.update(failed_logins=Officer.failed_logins + 1)
                            .where((Officer.id == officer.id) & _not_locked(moment))
                            .returning(Officer.failed_logins))
        if not counted:  # another attempt locked the account first
            return _locked_refusal(Officer.get_by_id(officer.id).locked_until or moment, moment)
        record_event("login_failed", at=moment, officer=name, data={"reason": "pin"})
        if counted[0] >= MAX_FAILED_LOGINS:
            Officer.update(failed_logins=0, locked_until=moment + LOCKOUT_S).where(Officer.id == officer.id).execute()
            return AuthError(
                "Sai mã PIN 5 lần, tài khoản bị khoá 5 phút",
                "Wrong PIN 5 times, account locked for 5 minutes",
            )
        return _generic_refusal()

    def attempt() -> OfficerInfo:
        with write_transaction():
            outcome = decide()
        # Refuse only after the commit: raising inside the transaction would roll back
        # the failure count and its ``login_failed`` event, and the lockout would never trigger.
        if isinstance(outcome, AuthError):
            raise outcome
        return outcome

    return with_retry(attempt)


def sign_in_at_counter(username: str, counter_number: int, *, now: float | None = None) -> None:
    """Seat an officer at a counter; an officer sits at one counter at a time."""
    moment = now_epoch(now)

    def attempt() -> None:
        with write_transaction():
            officer = Officer.get_or_none(current_site.here(Officer), Officer.username == username)
            counter = Counter.get_or_none(current_site.here(Counter), Counter.number == counter_number)
            if officer is None:
                raise NotFound(f"Không có cán bộ {username}", f"No officer {username}")
            if counter is None or not counter.active:
                raise NotFound(f"Không có quầy {counter_number}", f"No counter {counter_number}")
            if counter.officer_id not in (None, officer.id):
                other = Officer.get_by_id(counter.officer_id)
                if counter.current_ticket_id is not None:
                    raise NotAllowed(
                        f"Quầy {counter_number} đang do {other.full_name} phục vụ",
                        f"Counter {counter_number} is in use by {other.full_name}",
                    )
            (Counter.update(officer=None)
             .where((Counter.officer == officer.id) & (Counter.id != counter.id)).execute())
            Counter.update(officer=officer.id).where(Counter.id == counter.id).execute()
            record_event("signed_in", at=moment, counter=counter_number, officer=username)

    with_retry(attempt)


def sign_out(counter_number: int, *, now: float | None = None) -> None:
    moment = now_epoch(now)

    def attempt() -> None:
        with write_transaction():
            counter = Counter.get_or_none(current_site.here(Counter), Counter.number == counter_number)
            if counter is None or counter.officer_id is None:
                return
            username = Officer.get_by_id(counter.officer_id).username
            Counter.update(officer=None).where(Counter.id == counter.id).execute()
            record_event("signed_out", at=moment, counter=counter_number, officer=username)

    with_retry(attempt)
