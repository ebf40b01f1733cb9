"""The domain's errors: every refusal of the queue engine and its stores.

Each class is one kind of the product's error table (``errors.KINDS``), which
gives its CLI exit code and HTTP status; the message, in Vietnamese and
English, says what was refused.  The CLI, the screens and the web service show
it without a traceback.
"""

from __future__ import annotations

from errors import Kind, OnestopError


class QueueError(OnestopError):
    """A refused action of the domain, with a message for people in both languages."""

    kind = Kind.NOT_ALLOWED


class InvalidInput(QueueError):
    """The caller named something malformed (bad code, bad value)."""

    kind = Kind.INVALID_INPUT


class NotFound(InvalidInput):
    """The service, counter, officer or ticket named does not exist."""

    kind = Kind.NOT_FOUND


class ConfigError(InvalidInput):
    """A site configuration file is invalid; nothing was written."""

    def __init__(self, path: str, line: int | None, field: str, problem: str) -> None:
        where = f"{path}:{line}" if line else path
        text = f"{where}: {field}: {problem}"
        super().__init__(f"Cấu hình sai - {text}", f"Invalid configuration - {text}", kind=Kind.CONFIG)
        self.path, self.line, self.field, self.problem = path, line, field, problem


class ServiceClosed(QueueError):
    """Outside opening hours or days, or the service is deactivated."""

    kind = Kind.SERVICE_CLOSED


class LimitReached(QueueError):
    """The service's daily limit or number range is used up for today."""

    kind = Kind.LIMIT_REACHED


class NotAllowed(QueueError):
    """The action does not fit the current state (e.g. a counter still holds a ticket)."""

    kind = Kind.NOT_ALLOWED


class Forbidden(QueueError):
    """Signed in, but the officer's role does not allow this action."""

    kind = Kind.FORBIDDEN


class AuthError(QueueError):
    """Wrong username/PIN, locked account or missing role."""

    kind = Kind.AUTH


class DatabaseUnavailable(QueueError):
    """The database cannot be reached right now; the caller may retry later."""

    kind = Kind.DATABASE_UNAVAILABLE

    def __init__(self, detail: str = "") -> None:
        super().__init__(
            "Mất kết nối cơ sở dữ liệu, vui lòng thử lại sau" + (f" ({detail})" if detail else ""),
            "Database unavailable, please try again" + (f" ({detail})" if detail else ""),
        )


class BookingRefused(QueueError):
    """A booking or check-in that the appointment rules refuse (past, too far, late, ...).

    ``details["reason"]`` names the rule in a word the web and kiosk can
    branch on (``past``, ``too_far``, ``not_a_slot``, ``too_early``,
    ``too_late``, ``cancelled``, ``checked_in``, ``no_booking``); a full slot or
    a used-up phone limit is ``LimitReached`` and outside opening hours is
    ``ServiceClosed``, with a ``reason`` detail too.
    """

    kind = Kind.NOT_ALLOWED
