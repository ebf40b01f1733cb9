"""How every Qt program shows an error to a person: the message, never a traceback.

One helper for the kiosk, the counter, the hall display and the admin
program, so a refusal reads the same everywhere.  An ``errors.OnestopError``
carries its own message in both languages; anything else is a bug whose
details go to the log while the person reads "Something went wrong, please
try again".  Qt-free on purpose: the kiosk's controller (plain Python) uses
it too.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from errors import UNEXPECTED_EN, UNEXPECTED_VI, OnestopError
from services.translations import in_language

log = logging.getLogger("onestop.ui")


def is_expected(exc: BaseException) -> bool:
    """True for a refusal the product describes (it has a kind and a message)."""
    return isinstance(exc, OnestopError)


def error_texts(exc: BaseException) -> tuple[str, str]:
    """(Vietnamese, English) for any failure; logs the traceback of an unexpected one."""
    if isinstance(exc, OnestopError):
        return exc.message("vi"), exc.message("en")
    log_unexpected(exc)
    return UNEXPECTED_VI, UNEXPECTED_EN


def error_text(exc: BaseException, lang: str | None = "vi") -> str:
    """The message in ``lang``; ``None``: both, "vi / en", for officers' screens.

    Errors carry Vietnamese and English; any other language a site dropped in looks the
    Vietnamese text up in its catalog (docs/translations.md) and shows Vietnamese if absent.
    """
    vi, en = error_texts(exc)
    if lang is None:
        return vi if vi == en else f"{vi} / {en}"
    return in_language(vi, en, lang)


def error_render(exc: BaseException, lang: Callable[[], str]) -> Callable[[], str]:
    """``exc``'s message in whatever ``lang()`` is when it is shown (again, after a language switch).

    The texts are taken once, so an unexpected failure is logged once however often it is re-worded.
    """
    vi, en = error_texts(exc)
    return lambda: in_language(vi, en, lang())


def log_unexpected(exc: BaseException, where: str = "") -> None:
    """The one place an unexpected failure's traceback is written (to the log, not the screen)."""
    log.error("unexpected failure%s: %r", f" in {where}" if where else "", exc, exc_info=exc)
