"""Officers: PIN hashing, login with lockout, and who sits at which counter.

PINs are stored as salted scrypt hashes (``scrypt$n$r$p$salt$hash``); the PIN
itself is never stored or printed back.  Five wrong PINs lock the account for
five minutes, and every attempt is written to the event log.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from db.clock import now_epoch
from db.connection import with_retry, write_transaction
from db.errors import AuthError, NotAllowed, NotFound
from db.events import record_event
from db.models import Counter, Officer

MAX_FAILED_LOGINS = 5
LOCKOUT_S = 5 * 60
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


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


@dataclass(frozen=True)
class OfficerInfo:
    id: int
    username: str
    full_name: str
    role: str


def _info(officer: Officer) -> OfficerInfo:
    return OfficerInfo(officer.id, officer.username, officer.full_name, officer.role)


def authenticate(username: str, pin: str, *, roles: tuple[str, ...] | None = None, now: float | None = None) -> OfficerInfo:
    """Check a username + PIN; counts failures and locks after five."""
    moment = now_epoch(now)
    pin_ok = None

    def decide() -> OfficerInfo | AuthError:
        nonlocal pin_ok
        officer = Officer.get_or_none(Officer.username == username.strip())
        if officer is None or not officer.active:
            record_event("login_failed", at=moment, officer=username, data={"reason": "unknown"})
            return AuthError("Sai tên đăng nhập hoặc mã PIN", "Wrong username or PIN")
        if officer.locked_until and officer.locked_until > moment:
            minutes = max(1, round((officer.locked_until - moment) / 60))
            return AuthError(
                f"Tài khoản tạm khoá, thử lại sau {minutes} phút",
                f"Account locked, try again in {minutes} min",
            )
        if pin_ok is None:  # hash once, even if the transaction is retried
            pin_ok = verify_pin(pin, officer.pin_hash)
        if not pin_ok:
            officer.failed_logins += 1
            if officer.failed_logins >= MAX_FAILED_LOGINS:
                officer.locked_until = moment + LOCKOUT_S
                officer.failed_logins = 0
            officer.save()
            record_event("login_failed", at=moment, officer=username, data={"reason": "pin"})
            if officer.locked_until and officer.locked_until > moment:
                return AuthError(
                    "Sai mã PIN 5 lần, tài khoản bị khoá 5 phút",
                    "Wrong PIN 5 times, account locked for 5 minutes",
                )
            return AuthError("Sai tên đăng nhập hoặc mã PIN", "Wrong username or PIN")
        if roles and officer.role not in roles:
            return AuthError("Tài khoản không có quyền này", "This account may not do that")
        officer.failed_logins = 0
        officer.locked_until = None
        officer.save()
        record_event("login", at=moment, officer=officer.username)
        return _info(officer)

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
            officer = Officer.get_or_none(Officer.username == username)
            counter = Counter.get_or_none(Counter.number == counter_number)
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
            counter = Counter.get_or_none(Counter.number == counter_number)
            if counter is None or counter.officer_id is None:
                return
            username = Officer.get_by_id(counter.officer_id).username
            Counter.update(officer=None).where(Counter.id == counter.id).execute()
            record_event("signed_out", at=moment, counter=counter_number, officer=username)

    with_retry(attempt)
