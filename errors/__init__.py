"""The product's one error vocabulary: every error a person can meet.

This package sits below everything else (it imports nothing of the project),
so the domain (``db``), the devices (``hardware``) and every program can raise
and show the same errors.  Each error has a *kind*; the kind alone decides the
CLI exit code and the HTTP status, in the one table ``KINDS`` below.  The
message, in Vietnamese and English, belongs to the error itself because it
names what went wrong ("No counter number 7").

Each program translates an error in exactly one place:
the CLI in ``cli.main.main``, the Qt programs in ``ui_common.errors``, the
web service in its exception handler.
"""

from __future__ import annotations

import errno
import os
import unicodedata
from dataclasses import dataclass
from enum import Enum


@dataclass(frozen=True)
class KindInfo:
    exit_code: int     #: process exit code of a CLI command refused this way
    http_status: int   #: HTTP status of a web request refused this way
    meaning: str       #: one line for docs/errors.md


class Kind(str, Enum):
    """What kind of refusal; the value is the machine-readable name (JSON ``kind``)."""

    INVALID_INPUT = "invalid_input"
    NOT_FOUND = "not_found"
    CONFIG = "config"
    SERVICE_CLOSED = "service_closed"
    LIMIT_REACHED = "limit_reached"
    NOT_ALLOWED = "not_allowed"
    AUTH = "auth"
    FORBIDDEN = "forbidden"
    DATABASE_UNAVAILABLE = "database_unavailable"
    STORAGE = "storage"
    DEVICE = "device"
    DEVICE_INPUT = "device_input"


#: The one table: kind -> exit code, HTTP status.  docs/errors.md is generated from it.
KINDS: dict[Kind, KindInfo] = {
    Kind.INVALID_INPUT: KindInfo(2, 400, "malformed input: a bad code, value, time or URL"),
    Kind.NOT_FOUND: KindInfo(2, 404, "the service, counter, officer, ticket or booking named does not exist"),
    Kind.CONFIG: KindInfo(2, 400, "a site configuration file is invalid (file, line, field); nothing was written"),
    Kind.SERVICE_CLOSED: KindInfo(3, 409, "outside opening hours or days, or the service is switched off"),
    Kind.LIMIT_REACHED: KindInfo(3, 409, "a daily limit, number range or slot capacity is used up"),
    Kind.NOT_ALLOWED: KindInfo(3, 409,
                               "the action does not fit the current state (empty queue, ticket already served)"),
    Kind.AUTH: KindInfo(3, 401, "wrong username or PIN, locked account, missing or revoked key"),
    Kind.FORBIDDEN: KindInfo(3, 403, "signed in, but the role does not allow this action"),
    Kind.DATABASE_UNAVAILABLE: KindInfo(3, 503, "the database cannot be reached right now; try again"),
    Kind.STORAGE: KindInfo(3, 507, "the disk is full, read-only, or refuses access to a file or the database "
                                   "file; nothing was changed"),
    Kind.DEVICE: KindInfo(3, 503, "a printer, keypad or the speech engine cannot do it right now"),
    Kind.DEVICE_INPUT: KindInfo(2, 400, "a device was named or configured wrongly (printer URL, port, clip folder)"),
}


class OnestopError(Exception):
    """Base of every error shown to people: a kind plus a message in both languages."""

    #: the kind of a subclass; instances may override it with ``kind=``.
    kind: Kind = Kind.NOT_ALLOWED

    def __init__(self, message_vi: str, message_en: str | None = None, *, kind: Kind | None = None,
                 **details: object) -> None:
        super().__init__(message_vi)
        self.message_vi = message_vi
        self.message_en = message_en or message_vi
        if kind is not None:
            self.kind = kind
        self.details = details

    @property
    def exit_code(self) -> int:
        return KINDS[self.kind].exit_code

    @property
    def http_status(self) -> int:
        return KINDS[self.kind].http_status

    def message(self, lang: str = "vi") -> str:
        return self.message_en if lang == "en" else self.message_vi

    def to_json(self) -> dict:
        """The body of a refused web request (never a traceback)."""
        return {"error": self.message_en, "error_vi": self.message_vi, "kind": self.kind.value}

    def __str__(self) -> str:
        if self.message_en and self.message_en != self.message_vi:
            return f"{self.message_vi} / {self.message_en}"
        return self.message_vi


#: For any other exception that reaches a person: what they are told (the
#: details go to the log, never to the screen).
UNEXPECTED_VI = "Có lỗi xảy ra, vui lòng thử lại"
UNEXPECTED_EN = "Something went wrong, please try again"
#: Exit code of a CLI command that failed in a way no kind describes (a bug, a broken install).
UNEXPECTED_EXIT_CODE = 1
#: HTTP status of a web request that failed that way.
UNEXPECTED_HTTP_STATUS = 500


def unexpected_message(lang: str = "vi") -> str:
    """What a person is told about an error that is not an ``OnestopError``."""
    return UNEXPECTED_EN if lang == "en" else UNEXPECTED_VI


def one_line(text: object) -> str:
    """``text`` made safe to print on a terminal as one line.

    Whatever a person typed (a service code, a file name, a URL) may come back
    in a message; an escape sequence in it must not recolour, move or clear
    the terminal, and a newline must not split the one-line message.  Control
    characters become visible ``\\x1b``-style escapes, line breaks a space.
    """
    out = []
    for ch in str(text):
        if ch in "\r\n":
            out.append(" ")
        elif unicodedata.category(ch) in ("Cc", "Cf") and ch != "\t" or ch == "\x7f":
            out.append(ch.encode("unicode_escape").decode("ascii"))
        elif ch == "\t":
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


#: errno -> (Vietnamese, English) explanation of an operating-system refusal.
_OS_REASONS: dict[int, tuple[str, str, Kind]] = {
    errno.ENOSPC: ("đĩa đã đầy", "the disk is full", Kind.STORAGE),
    errno.EDQUOT: ("hết hạn mức đĩa", "the disk quota is used up", Kind.STORAGE),
    errno.EROFS: ("ổ đĩa chỉ đọc", "the file system is read-only", Kind.STORAGE),
    errno.EACCES: ("không có quyền truy cập", "permission denied", Kind.STORAGE),
    errno.EPERM: ("không được phép", "operation not permitted", Kind.STORAGE),
    errno.ENOENT: ("không có tệp hoặc thư mục này", "no such file or directory", Kind.INVALID_INPUT),
    errno.ENOTDIR: ("một phần của đường dẫn không phải thư mục", "a part of the path is not a directory",
                    Kind.INVALID_INPUT),
    errno.EISDIR: ("đây là một thư mục, cần tên tệp", "it is a directory: give a file name", Kind.INVALID_INPUT),
    errno.ENAMETOOLONG: ("tên tệp quá dài", "the file name is too long", Kind.INVALID_INPUT),
    errno.EIO: ("lỗi đọc/ghi đĩa", "disk input/output error", Kind.STORAGE),
}


def from_os_error(exc: OSError) -> OnestopError:
    """An operating-system refusal (disk full, permission denied, missing directory) as one error of the table.

    The file is named so the person knows which one to fix; the errno picks
    the kind: a path that cannot exist is the caller's input (exit 2), a disk
    that refuses is storage (exit 3).
    """
    vi, en, kind = _OS_REASONS.get(exc.errno or -1, ("lỗi hệ điều hành", exc.strerror or type(exc).__name__,
                                                     Kind.STORAGE))
    path = exc.filename if exc.filename is not None else ""
    where = f": {os.fsdecode(path)}" if path != "" else ""
    return OnestopError(f"Không ghi/đọc được tệp{where} ({vi})", f"Cannot write or read the file{where} ({en})",
                        kind=kind, errno=exc.errno)
