"""One officer's own figures for today, as the counter program shows them.

An officer glancing at the side panel wants three honest numbers: how many
citizens they served today, their median service time, and the ratings they
received.  These are SQL aggregates over today's rows only (``service_day`` is
indexed), so the panel can be refreshed after every event without scanning
history.  The median is taken in SQL with ``ORDER BY ... LIMIT/OFFSET`` on the
middle row(s), which works the same on SQLite (no ``percentile_cont``) and
PostgreSQL.

Counting rules follow the report (docs/interfaces.md §7): a ticket counts where
it was served, i.e. for the officer who finished it; a ticket's rating is its
latest counted press.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import peewee as pw

from db import clock, current_site, statuses
from db.connection import with_retry
from db.models import Officer, Rating, Ticket
from db.site import site_info


@dataclass(frozen=True)
class OfficerDay:
    """Today's figures of one officer (all counters they sat at)."""

    username: str
    service_day: str
    served: int = 0
    no_show: int = 0
    median_service_s: float | None = None
    #: rated tickets per rating value (latest counted press of each ticket)
    ratings: dict[int, int] = field(default_factory=dict)

    @property
    def rated(self) -> int:
        return sum(self.ratings.values())


def officer_day(username: str, *, now: float | None = None) -> OfficerDay:
    """Served / no-show counts, median service time and ratings of ``username`` today."""
    moment = clock.now_epoch(now)

    def read() -> OfficerDay:
        site = site_info(current_site.row())
        today = clock.service_day(moment, site.timezone)
        officer = Officer.get_or_none(current_site.here(Officer), Officer.username == username)
        if officer is None:
            return OfficerDay(username, today)
        mine = (Ticket.officer == officer.id) & (Ticket.service_day == today)

        counts = dict(
            Ticket.select(Ticket.status, pw.fn.COUNT(Ticket.id))
            .where(mine & Ticket.status.in_((statuses.DONE, statuses.NO_SHOW)))
            .group_by(Ticket.status).tuples()
        )
        served = int(counts.get(statuses.DONE, 0))

        duration = Ticket.finished_at - Ticket.started_at
        timed = mine & (Ticket.status == statuses.DONE) & Ticket.started_at.is_null(False) & Ticket.finished_at.is_null(False)
        timed_count = Ticket.select().where(timed).count()
        median = None
        if timed_count:
            # the middle row (odd count) or the two middle rows (even count)
            middle = [float(v) for (v,) in Ticket.select(duration).where(timed).order_by(duration)
                      .limit(2 - timed_count % 2).offset((timed_count - 1) // 2).tuples()]
            median = sum(middle) / len(middle) if middle else None

        newer = Rating.alias()
        latest_id = (newer.select(pw.fn.MAX(newer.id))
                     .where((newer.ticket == Rating.ticket) & (newer.counted == True)))  # noqa: E712
        ratings = dict(
            Rating.select(Rating.value, pw.fn.COUNT(Rating.id))
            .join(Ticket, on=(Rating.ticket == Ticket.id))
            .where(mine & (Rating.counted == True) & (Rating.id == latest_id))  # noqa: E712
            .group_by(Rating.value).tuples()
        )
        return OfficerDay(
            username=username, service_day=today, served=served, no_show=int(counts.get(statuses.NO_SHOW, 0)),
            median_service_s=median, ratings={int(k): int(v) for k, v in ratings.items()},
        )

    return with_retry(read, attempts=1)


def handover_note(ticket_id: int) -> str | None:
    """The note the previous officer wrote when transferring this ticket, if any.

    ``TicketInfo`` does not carry the note; the receiving officer needs it on
    screen when the transferred citizen arrives.
    """

    def read() -> str | None:
        note = Ticket.select(Ticket.note).where(Ticket.id == ticket_id).scalar()
        return note or None

    return with_retry(read, attempts=1)
