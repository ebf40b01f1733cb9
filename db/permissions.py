"""Who may do what: the one table of roles and privileged actions, checked by the domain itself.

Every privileged operation (``db.admin_ops``) takes the acting officer and
calls :func:`require` inside its write transaction, so the admin program, the
CLI and the web service get the same answer and a widget can no longer be the
only thing standing between an officer and a PIN reset.  Screens only *ask*
(:func:`allowed`) to hide what the domain would refuse.

The actor is anything with ``username`` and ``role`` (``db.officers.OfficerInfo``
after a login, or :class:`Actor`).  For an account the role is read again from
the database in the same transaction, so a demoted or deactivated officer
loses the right at once, even with a window still open.  The one actor that is
not an account is :data:`LOCAL_ADMIN`: whoever runs ``onestop`` on a machine
with the database URL can already change everything in the database, so the
CLI's privileged commands (``onestop init --site``) act as this local
administrator (docs/permissions.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Protocol

from db import current_site
from db.errors import Forbidden
from db.models import Officer


class Action(str, Enum):
    """A privileged action; the value names it in docs/permissions.md and in logs."""

    MANAGE_SERVICES = "manage_services"          # create, deactivate/reactivate services
    MANAGE_COUNTERS = "manage_counters"          # create, close/reopen counters, change their services
    MANAGE_OFFICERS = "manage_officers"          # create, deactivate/reactivate officers, reset PINs
    SEAT_OFFICERS = "seat_officers"              # seat another officer at a counter, or sign a counter out
    SET_NOTICE = "set_notice"                    # the hall display's notice line
    SET_OPENING_HOURS = "set_opening_hours"      # when the kiosk issues tickets
    IMPORT_SITE = "import_site"                  # replace the site from a TOML file
    EXPORT_SITE = "export_site"                  # write the site to a TOML file
    BACKUP = "backup"                            # copy the database
    MANAGE_BOOKINGS = "manage_bookings"          # appointment slots of each service (length, places)


#: The one table: role -> what it may do.  Officers work at their counter only
#: (calling, serving, signing themselves in), which needs no entry here.
ALLOWED: dict[str, frozenset[Action]] = {
    "officer": frozenset(),
    "supervisor": frozenset({Action.SEAT_OFFICERS, Action.SET_NOTICE, Action.SET_OPENING_HOURS,
                             Action.EXPORT_SITE, Action.MANAGE_BOOKINGS}),
    "admin": frozenset(Action),
}

#: The roles as people read them.
ROLE_TEXT: dict[str, tuple[str, str]] = {
    "officer": ("cán bộ", "officer"),
    "supervisor": ("giám sát viên", "supervisor"),
    "admin": ("quản trị viên", "admin"),
}

#: What each action means, for docs/permissions.md and the refusal (Vietnamese / English).
ACTION_TEXT: dict[Action, str] = {
    Action.MANAGE_SERVICES: "thêm, ngừng, mở lại dịch vụ / create, deactivate, reactivate services",
    Action.MANAGE_COUNTERS: "thêm, đóng, mở lại quầy, đổi dịch vụ của quầy / create, close, reopen counters, "
                            "change their services",
    Action.MANAGE_OFFICERS: "thêm, khoá, mở khoá cán bộ, đặt lại PIN / create, deactivate, reactivate officers, "
                            "reset PINs",
    Action.SEAT_OFFICERS: "xếp cán bộ vào quầy, cho quầy nghỉ / seat an officer at a counter, sign a counter out",
    Action.SET_NOTICE: "dòng thông báo trên màn hình sảnh / the hall display's notice line",
    Action.SET_OPENING_HOURS: "giờ phát số / opening hours",
    Action.IMPORT_SITE: "nhập cấu hình từ tệp TOML / import the site from a TOML file",
    Action.EXPORT_SITE: "xuất cấu hình ra tệp TOML / export the site to a TOML file",
    Action.BACKUP: "sao lưu cơ sở dữ liệu / back up the database",
    Action.MANAGE_BOOKINGS: "đặt số chỗ hẹn mỗi khung giờ của dịch vụ / set each service's appointment slots",
}


class ActingOfficer(Protocol):
    """Who asks: an officer's account (``OfficerInfo``) or :data:`LOCAL_ADMIN`."""

    @property
    def username(self) -> str | None: ...

    @property
    def role(self) -> str: ...


@dataclass(frozen=True)
class Actor:
    """An actor by name and role; ``username=None`` means "not an account" (the local administrator)."""

    username: str | None
    role: str


#: The machine's own administrator: the CLI's privileged commands act as it.
LOCAL_ADMIN = Actor(username=None, role="admin")


def allowed(actor: ActingOfficer | None, action: Action) -> bool:
    """What a screen asks to decide whether to offer a button (no database read)."""
    return actor is not None and action in ALLOWED.get(actor.role, frozenset())


def current_role(actor: ActingOfficer) -> str | None:
    """The actor's role as the database has it now (``None``: no such active account)."""
    if actor.username is None:
        return actor.role
    row = Officer.get_or_none(current_site.here(Officer), Officer.username == actor.username)
    if row is None or not row.active:
        return None
    return row.role


def require(actor: ActingOfficer | None, action: Action) -> None:
    """Refuse with ``Forbidden`` unless ``actor`` may do ``action``; call it inside the write transaction."""
    if actor is None:
        raise Forbidden("Cần đăng nhập để làm việc này", f"Sign in first: {action.value} needs a supervisor or "
                                                          "administrator")
    role = current_role(actor)
    if role is None:
        raise Forbidden(f"Tài khoản {actor.username} không còn hoạt động",
                        f"The account {actor.username} is no longer active")
    if action not in ALLOWED.get(role, frozenset()):
        what_vi, what_en = ACTION_TEXT[action].split(" / ", 1)
        role_vi, role_en = ROLE_TEXT.get(role, (role, role))
        raise Forbidden(f"Tài khoản {role_vi} không được phép: {what_vi}", f"The role {role_en} may not: {what_en}",
                        action=action.value, role=role)


def markdown_table() -> str:
    """docs/permissions.md's table, generated from :data:`ALLOWED` (a test keeps the file in step)."""
    roles = list(ALLOWED)
    lines = ["| action | " + " | ".join(roles) + " | what it covers |", "|---|" + "---|" * len(roles) + "---|"]
    for action in Action:
        marks = " | ".join("yes" if action in ALLOWED[role] else "no" for role in roles)
        lines.append(f"| `{action.value}` | {marks} | {ACTION_TEXT[action]} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # pragma: no cover - ``python -m db.permissions`` prints the docs table
    print(markdown_table(), end="")
