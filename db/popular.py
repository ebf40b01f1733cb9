"""Which service the kiosk's one-tap button offers when the site does not name one.

``[kiosk] quick_service = "auto"`` (the default) means: the active service that issued the most
tickets over the last :data:`WINDOW_DAYS` days, ties going to the service listed first in the
site file.  Why tickets issued (not served) and 30 days: it is what citizens asked for at this
kiosk's site, and a month evens out the weekly pattern (Monday land queues, Friday civil status)
while still following a change of season.  A site with no ticket yet gets no quick button until
it names one (``quick_service = "TP"``); ``"off"`` never shows it.
"""

from __future__ import annotations

import peewee as pw

from db import current_site
from db.clock import now_epoch
from db.connection import with_retry
from db.models import Service, Ticket
from db.site_config import QUICK_AUTO, QUICK_OFF

WINDOW_DAYS = 30


def most_issued_service(*, days: int = WINDOW_DAYS, now: float | None = None) -> str | None:
    """The code of the active service with the most tickets issued in the last ``days`` days, or None."""
    since = now_epoch(now) - days * 86_400

    def read() -> str | None:
        count = pw.fn.COUNT(Ticket.id)
        row = (Ticket.select(Service.code, count.alias("n"))
               .join(Service, on=(Ticket.issued_service == Service.id))
               .where((Service.site == current_site.site_id()) & (Service.active == True)  # noqa: E712
                      & (Ticket.issued_at >= since))
               .group_by(Service.id, Service.code, Service.sort_order)
               .order_by(count.desc(), Service.sort_order, Service.code)
               .limit(1).tuples().first())
        return row[0] if row else None

    return with_retry(read)


def quick_service(setting: str, active_codes: set[str] | frozenset[str], *, now: float | None = None) -> str | None:
    """The service of the one-tap button: the site's choice if it is active, the busiest one for "auto"."""
    if setting == QUICK_OFF:
        return None
    if setting != QUICK_AUTO:
        return setting if setting in active_codes else None
    return most_issued_service(now=now)
