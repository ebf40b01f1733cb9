"""The hand-computed fixture day the report tests check against (shared with the export and CLI tests).

Built through the real queue engine (so the figures follow the engine's own
semantics), on the built-in commune site (open around the clock), with the
site clock injected.  Rating presses are inserted as rows, exactly as the
keypad reader stores them.  The expected figures are worked out by hand in
``test_report_figures.py``; the timeline:

====  =======  ===================================================================
T1    TP A001  issued 08:00, counter 1 (lan) calls 08:05, start 08:06, done 08:16;
               rated 3 at 08:16:30, a debounced repeat "1" at 08:16:31 (not counted)
T2    TP A002  issued 08:10, counter 2 (hung) calls 08:20, RECALL 08:21, start 08:22,
               done 08:30; pressed 1 then 2 (latest counted press = 2)
T3    KS B001  issued 08:12, counter 1 calls 08:20, TRANSFER to DD 08:25; counter 3
               (mai) calls 08:40 (first call stays 08:20), start 08:41, done 09:01
T4    DD C001  issued 09:00, counter 3 calls 09:05, NO-SHOW 09:10
T5    TP A003  issued 09:30, cancelled 09:31
T6    KS B002  issued 10:00, counter 2 calls 10:30, done 10:40 (no start press:
               service starts at the call); rated 1; wait 30 min > 15 min target
 -    -        UNATTACHED press "2" at counter 4 at 11:00 (+ a debounced repeat)
T7    TP A004  issued 23:50, counter 1 calls 23:55, start 23:56, done 00:03 the NEXT
               day; rated 3 at 00:03:30 (a press of 26/11, for a ticket of 25/11)
T8    KS B003  issued 23:58, still waiting at midnight: closed (day_closed) when
               the first ticket of 26/11 is issued
T9    TP A001  26/11: issued 00:05, counter 1 calls 00:07, done 00:12
====  =======  ===================================================================
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DAY = "2026-11-25"
NEXT = "2026-11-26"


def at(hour: int, minute: int = 0, second: float = 0, *, day: int = 25) -> float:
    """Epoch seconds of a site-local moment in November 2026 (the 25th is a Wednesday)."""
    return datetime(2026, 11, day, hour, minute, int(second), tzinfo=TZ).timestamp()


def connect_with_fixture_day(url: str) -> dict[str, int]:
    """Open ``url``, import the built-in site and play the fixture day."""
    from db.connection import close, connect
    from db.site import import_site
    from db.site_config import load_site_file

    close()
    connect(url)
    import_site(load_site_file(None))
    return build_fixture_day()


def _press(counter_number: int, value: int, moment: float, *, ticket_id: int | None, counted: bool = True) -> None:
    from db import clock
    from db.models import Counter, Rating

    counter = Counter.get(Counter.number == counter_number)
    Rating.create(counter=counter.id, officer=counter.officer_id, ticket=ticket_id, value=value, pressed_at=moment,
                  service_day=clock.service_day(moment, "Asia/Ho_Chi_Minh"), source="keypad", counted=counted)


def build_fixture_day() -> dict[str, int]:
    """Play the timeline above; returns the ticket ids by name."""
    from db import queue
    from db.officers import sign_in_at_counter

    # The engine remembers per process which (database, day) it already rolled
    # over; a fresh database object may reuse an old id(), so start clean.
    queue._rolled_over.clear()
    sign_in_at_counter("lan", 1, now=at(7, 30))
    sign_in_at_counter("hung", 2, now=at(7, 30))
    sign_in_at_counter("mai", 3, now=at(7, 30))
    ids: dict[str, int] = {}

    ids["T1"] = queue.issue_ticket("TP", now=at(8, 0)).id
    ids["T2"] = queue.issue_ticket("TP", now=at(8, 10)).id
    ids["T3"] = queue.issue_ticket("KS", now=at(8, 12)).id
    assert queue.call_next(1, now=at(8, 5)).id == ids["T1"]
    queue.start_service(1, now=at(8, 6))
    queue.finish_service(1, now=at(8, 16))
    _press(1, 3, at(8, 16, 30), ticket_id=ids["T1"])
    _press(1, 1, at(8, 16, 31), ticket_id=ids["T1"], counted=False)

    assert queue.call_next(2, now=at(8, 20)).id == ids["T2"]
    queue.recall(2, now=at(8, 21))
    queue.start_service(2, now=at(8, 22))
    assert queue.call_next(1, now=at(8, 20)).id == ids["T3"]
    queue.transfer(1, to_service="DD", now=at(8, 25))
    queue.finish_service(2, now=at(8, 30))
    _press(2, 1, at(8, 30, 10), ticket_id=ids["T2"])
    _press(2, 2, at(8, 30, 40), ticket_id=ids["T2"])

    assert queue.call_next(3, now=at(8, 40)).id == ids["T3"]
    queue.start_service(3, now=at(8, 41))
    ids["T4"] = queue.issue_ticket("DD", now=at(9, 0)).id
    queue.finish_service(3, now=at(9, 1))
    assert queue.call_next(3, now=at(9, 5)).id == ids["T4"]
    queue.mark_no_show(3, now=at(9, 10))

    ids["T5"] = queue.issue_ticket("TP", now=at(9, 30)).id
    queue.cancel_ticket(ids["T5"], reason="left", now=at(9, 31))

    ids["T6"] = queue.issue_ticket("KS", now=at(10, 0)).id
    assert queue.call_next(2, now=at(10, 30)).id == ids["T6"]
    queue.finish_service(2, now=at(10, 40))
    _press(2, 1, at(10, 40, 20), ticket_id=ids["T6"])

    _press(4, 2, at(11, 0), ticket_id=None)
    _press(4, 2, at(11, 0, 1), ticket_id=None, counted=False)

    ids["T7"] = queue.issue_ticket("TP", now=at(23, 50)).id
    assert queue.call_next(1, now=at(23, 55)).id == ids["T7"]
    queue.start_service(1, now=at(23, 56))
    ids["T8"] = queue.issue_ticket("KS", now=at(23, 58)).id
    queue.finish_service(1, now=at(0, 3, day=26))
    _press(1, 3, at(0, 3, 30, day=26), ticket_id=ids["T7"])

    ids["T9"] = queue.issue_ticket("TP", now=at(0, 5, day=26)).id
    assert queue.call_next(1, now=at(0, 7, day=26)).id == ids["T9"]
    queue.finish_service(1, now=at(0, 12, day=26))
    return ids
