"""Which site this process acts for, in a database that may hold several (docs/schema.md "Sites").

One database may hold a provincial centre, its branches and communes.  A
process (a command, a counter PC, a display, the web service) acts for one
of them, chosen once:

1. ``choose(code)`` (``onestop --site CODE``, ``--site`` of the GUI programs),
2. else the environment variable ``ONESTOP_SITE``,
3. else the database's only site.

With several sites and none named, acting for "the site" is refused (exit 2)
naming the choices.  Every query of site-owned rows goes through ``site_id()``
so no two places decide differently; the answer is cached per connection
(``db.connection`` generation), so a queue operation pays no extra read.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager

from db import connection
from db.errors import InvalidInput, NotFound

#: The site code as the TOML and ``--site`` spell it.
CODE_PATTERN = re.compile(r"[A-Z0-9-]{1,16}")
#: The code given to the one site of a database upgraded from a single-site schema (and to a file without one).
DEFAULT_CODE = "MAIN"
ENV = "ONESTOP_SITE"

_chosen: str | None = None
_cache: tuple[int, str | None, int] | None = None   # (connection generation, chosen code, site id)
_override: int | None = None


def check_code(code: str) -> str:
    """A site code normalised to capitals; refuses anything but A-Z, 0-9 and ``-``."""
    value = code.strip().upper()
    if not CODE_PATTERN.fullmatch(value):
        raise InvalidInput(f"Mã điểm {code!r} không hợp lệ (chỉ A-Z, 0-9, -; tối đa 16 ký tự)",
                           f"Site code {code!r} is invalid (A-Z, 0-9 and - only, at most 16 characters)")
    return value


def choose(code: str | None) -> None:
    """Act for the site ``code`` from now on (None: back to ``ONESTOP_SITE`` / the only site)."""
    global _chosen, _cache
    _chosen = check_code(code) if code else None
    _cache = None


def chosen_code() -> str | None:
    """The code named by ``choose`` or ``ONESTOP_SITE``, or None when none is named."""
    if _chosen:
        return _chosen
    env = os.environ.get(ENV, "").strip()
    return check_code(env) if env else None


@contextmanager
def acting_for(site_id: int) -> Iterator[None]:
    """Inside: ``site_id()`` answers ``site_id`` (``import_site`` writing a site that is not the chosen one)."""
    global _override
    before = _override
    _override = site_id
    try:
        yield
    finally:
        _override = before


def forget() -> None:
    """Drop the cached answer (a site was added or renamed)."""
    global _cache
    _cache = None


def site_id() -> int:
    """The id of the site this process acts for; ``NotFound`` / ``InvalidInput`` (exit 2) when it cannot tell."""
    global _cache
    if _override is not None:
        return _override
    code = chosen_code()
    generation = connection.generation()
    if _cache is not None and _cache[0] == generation and _cache[1] == code:
        return _cache[2]
    found = connection.with_retry(lambda: _resolve(code))
    _cache = (generation, code, found)
    return found


def site_id_or_none() -> int | None:
    """``site_id()``, or None where no site can be told apart (column defaults; before ``onestop init``)."""
    try:
        return site_id()
    except (NotFound, InvalidInput):
        return None


def _resolve(code: str | None) -> int:
    from db.models import Site  # local: models import this module for their defaults

    if code is not None:
        row = Site.get_or_none(Site.code == code)
        if row is None:
            raise NotFound(f"Không có điểm {code} trong CSDL (có: {_choices()})",
                           f"No site {code} in this database (there are: {_choices()})")
        return row.id
    rows = list(Site.select(Site.id, Site.code).order_by(Site.code).limit(2))
    if not rows:
        raise NotFound("Chưa khởi tạo: hãy chạy `onestop init`", "Not initialised: run `onestop init` first")
    if len(rows) > 1:
        raise InvalidInput(f"CSDL có nhiều điểm ({_choices()}): hãy chọn bằng --site MÃ hoặc {ENV}",
                           f"This database holds several sites ({_choices()}): name one with --site CODE or {ENV}")
    return rows[0].id


def _choices() -> str:
    from db.models import Site

    codes = [code for (code,) in Site.select(Site.code).order_by(Site.code).tuples()]
    return ", ".join(codes) if codes else "-"


def row_or_none():
    """The ``Site`` row this process acts for, or None before ``onestop init`` (several unnamed: refused)."""
    from db.models import Site

    try:
        return Site.get_by_id(site_id())
    except NotFound:
        if Site.select().exists():
            raise   # a named site the database does not hold
        return None


def row():
    """The ``Site`` row this process acts for; ``NotFound`` before ``onestop init``."""
    from db.models import Site

    return Site.get_by_id(site_id())


def here(model):
    """``model.site == <this site>``: the condition every query of site-owned configuration carries."""
    return model.site == site_id()


def rows(model, *fields):
    """``model.select(*fields)`` of this site's rows only (service, counter, officer)."""
    return model.select(*fields).where(here(model))
