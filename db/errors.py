"""One error vocabulary for the whole product.

Every refusal of the queue engine is a ``QueueError`` carrying a message in
Vietnamese and in English, so that the CLI can map its kind to an exit code and
the screens can show it to a citizen or an officer without a traceback.
"""

from __future__ import annotations


class QueueError(Exception):
    """A refused action, with a message for people in both languages."""

    #: CLI exit code for this kind of refusal (CONTRACT section 3).
    exit_code = 3

    def __init__(self, message_vi: str, message_en: str | None = None, **details: object) -> None:
        super().__init__(message_vi)
        self.message_vi = message_vi
        self.message_en = message_en or message_vi
        self.details = details

    def message(self, lang: str = "vi") -> str:
        return self.message_en if lang == "en" else self.message_vi

    def __str__(self) -> str:
        if self.message_en and self.message_en != self.message_vi:
            return f"{self.message_vi} / {self.message_en}"
        return self.message_vi


class InvalidInput(QueueError):
    """The caller named something malformed (bad code, bad value)."""

    exit_code = 2


class NotFound(InvalidInput):
    """The service, counter, officer or ticket named does not exist."""


class ConfigError(InvalidInput):
    """A site configuration file is invalid; nothing was written."""

    def __init__(self, path: str, line: int | None, field: str, problem: str) -> None:
        where = f"{path}:{line}" if line else path
        text = f"{where}: {field}: {problem}"
        super().__init__(f"Cấu hình sai - {text}", f"Invalid configuration - {text}")
        self.path, self.line, self.field, self.problem = path, line, field, problem


class ServiceClosed(QueueError):
    """Outside opening hours or days, or the service is deactivated."""


class LimitReached(QueueError):
    """The service's daily limit or number range is used up for today."""


class NotAllowed(QueueError):
    """The action does not fit the current state (e.g. a counter still holds a ticket)."""


class AuthError(QueueError):
    """Wrong username/PIN, locked account or missing role."""


class DatabaseUnavailable(QueueError):
    """The database cannot be reached right now; the caller may retry later."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(
            "Mất kết nối cơ sở dữ liệu, vui lòng thử lại sau" + (f" ({detail})" if detail else ""),
            "Database unavailable, please try again" + (f" ({detail})" if detail else ""),
        )
