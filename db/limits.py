"""What the database can store, read from the models: the one source of every length and range limit.

A value that passes the site file check or the command line must also fit
its column on both engines: PostgreSQL refuses an over-long ``varchar`` or an
integer beyond 32 bits with a ``DataError`` (and SQLite silently stores it,
so the two engines would disagree).  The limits are therefore derived from
the peewee fields in ``db/models.py`` (``max_length``, the integer width), so
widening a column widens the check with it; the site file checker
(``db/site_config.py``), the input rules of the domain (``db/inputs.py``,
which the CLI's argument types and the web API's request models are built
from) and the limits table in docs/errors.md all read them from here.
"""

from __future__ import annotations

import peewee as pw

#: Largest value of an ``IntegerField`` (PostgreSQL ``integer``, 32 bits).
INT_MAX = 2**31 - 1
#: Largest value of a ``SmallIntegerField`` (PostgreSQL ``smallint``).
SMALLINT_MAX = 2**15 - 1
#: Largest value of a ``BigIntegerField`` (PostgreSQL ``bigint``); also SQLite's integer.
BIGINT_MAX = 2**63 - 1


def max_length(field: pw.Field) -> int | None:
    """The longest text ``field`` stores (None: unbounded ``text``)."""
    return getattr(field, "max_length", None) if isinstance(field, pw.CharField) else None


def int_range(field: pw.Field) -> tuple[int, int]:
    """The smallest and largest integer ``field`` stores on both engines."""
    if isinstance(field, pw.SmallIntegerField):
        high = SMALLINT_MAX
    elif isinstance(field, (pw.BigIntegerField, pw.BigAutoField)):
        high = BIGINT_MAX
    elif isinstance(field, (pw.IntegerField, pw.AutoField, pw.ForeignKeyField)):
        high = INT_MAX
    else:
        raise TypeError(f"{field!r} is not an integer column")
    return -high - 1, high
