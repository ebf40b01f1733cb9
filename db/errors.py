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


class DatabaseAuthFailed(AuthError):
    """The database server refused the user name or password of the URL (not retried: it will not heal)."""

    def __init__(self, detail: str = "") -> None:
        suffix = f" ({detail})" if detail else ""
        super().__init__(
            "Máy chủ CSDL từ chối tên đăng nhập hoặc mật khẩu trong URL --db / $ONESTOP_DB" + suffix,
            "The database server refused the user name or password of the --db / $ONESTOP_DB URL" + suffix,
        )


class StorageRefused(QueueError):
    """The disk or the database file refuses to be written (full, read-only, input/output error)."""

    kind = Kind.STORAGE


#: Words of a PostgreSQL (libpq) message saying the credentials were refused.
AUTH_FAILURE_WORDS = ("password authentication failed", "no password supplied", "authentication failed",
                      "no pg_hba.conf entry")


def is_auth_failure(exc: BaseException) -> bool:
    """True for a connection refused because of its user name or password (retrying cannot help).

    libpq reports it before a session exists, so there is no SQLSTATE on the
    connection error; the message is what tells it apart from a server that
    is down.
    """
    text = str(exc).lower()
    if getattr(exc, "sqlstate", None) in ("28P01", "28000"):
        return True
    return any(word in text for word in AUTH_FAILURE_WORDS) or ('role "' in text and "does not exist" in text)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def translate_error(exc: BaseException) -> OnestopError | None:
    """A failure from the engine, its driver or the operating system as one error of the table, or None.

    Walks the chain of causes (a full disk surfaces as "cannot rollback" whose
    context is "database or disk is full") and translates the first link it
    knows, so the person reads the real reason.  None: a bug, shown as
    "something went wrong".
    """
    seen: set[int] = set()
    link: BaseException | None = exc
    while link is not None and id(link) not in seen:
        seen.add(id(link))
        translated = _translate_one(link)
        if translated is not None:
            return translated
        link = link.__cause__ or link.__context__
    return None


def _translate_one(exc: BaseException) -> OnestopError | None:
    import peewee  # local: this module stays importable without the engine

    if isinstance(exc, OnestopError):
        return exc
    if isinstance(exc, OSError):
        from errors import from_os_error

        return from_os_error(exc)
    if isinstance(exc, OverflowError):
        return InvalidInput("Số quá lớn (tối đa 2147483647)", f"Number too large (at most 2147483647): "
                            f"{_first_line(exc)}")
    if isinstance(exc, peewee.DoesNotExist) and type(exc).__name__ == "SiteDoesNotExist":
        return NotFound("CSDL chưa có cấu hình điểm: chạy 'onestop init' trước",
                        "This database has no site yet: run 'onestop init' first")
    text = str(exc).lower()
    if is_auth_failure(exc):
        return DatabaseAuthFailed(_first_line(exc))
    if isinstance(exc, peewee.DataError) or getattr(exc, "sqlstate", "") in ("22001", "22003"):
        if "too long" in text:
            return InvalidInput("Giá trị quá dài để lưu vào CSDL",
                                f"A value is too long for the database ({_first_line(exc)})")
        if "out of range" in text:
            return InvalidInput("Số vượt quá giới hạn của CSDL",
                                f"A number is out of the database's range ({_first_line(exc)})")
        return InvalidInput("Giá trị không lưu được vào CSDL", f"A value cannot be stored ({_first_line(exc)})")
    if isinstance(exc, (peewee.DatabaseError, peewee.InterfaceError)) or type(exc).__module__ in ("sqlite3",):
        if "readonly database" in text or "read-only" in text:
            return StorageRefused("Tệp CSDL chỉ đọc: không ghi được (đọc vẫn được)",
                                  "The database file is read-only: nothing can be written (reading still works)")
        if "database or disk is full" in text or "no space left" in text:
            return StorageRefused("Đĩa đầy: CSDL không ghi được, không có gì bị thay đổi",
                                  "The disk is full: the database could not write, nothing was changed")
        if "file is not a database" in text or "file is encrypted" in text:
            return InvalidInput("Tệp trong --db không phải CSDL SQLite", "The --db file is not an SQLite database")
        if "disk i/o error" in text:
            return StorageRefused("Lỗi đọc/ghi đĩa ở tệp CSDL", "Disk input/output error on the database file")
    return None
