"""The booked slot's time is on the counter's ticket card and on the hall display's call rows.

The counter reads it from the ticket (``slot_start``); the display follows the
event feed only, so the call and recall events carry ``slot_start`` too.
Real widgets, offscreen, on both engines.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from booking_site import AROUND_THE_CLOCK, write_site
from site_clock import TZ
from site_setup import connect_with_site

from db import bookings, queue
from db.feed import EventFollower


def _slot_now() -> datetime:
    now = datetime.now(TZ)
    return now.replace(minute=now.minute // 15 * 15, second=0, microsecond=0)


@pytest.fixture
def around_the_clock(db_url, tmp_path):
    from db.connection import close

    yield connect_with_site(db_url, str(write_site(tmp_path, AROUND_THE_CLOCK)))
    close()


class SilentAnnouncer:
    def enqueue(self, code: str, counter: int, **_: object) -> int:
        return 0


def test_call_and_recall_events_carry_the_slot(around_the_clock):
    slot = _slot_now()
    follower = EventFollower()
    made = bookings.book("TP", slot.strftime("%Y-%m-%dT%H:%M"), "Trịnh Văn Nam", "0912345678")
    ticket = bookings.check_in(made.code)
    queue.issue_ticket("TP")
    queue.call_next(1)
    queue.recall(1)
    queue.finish_service(1)
    queue.call_next(1)                                             # the walk-in: no slot
    calls = [e for e in follower.poll() if e.kind in ("called", "recalled")]
    follower.close()
    assert [(e.kind, e.code) for e in calls] == [("called", ticket.code), ("recalled", ticket.code),
                                                 ("called", "A002")]
    for event in calls[:2]:
        assert event.data["appointment"] is True
        assert datetime.fromisoformat(event.data["slot_start"]) == slot
    assert "slot_start" not in calls[2].data and "appointment" not in calls[2].data


def test_display_shows_the_slot_time_in_the_call_and_the_recent_row(around_the_clock, qtbot):
    from display_app import painting
    from display_app.app import DisplayProgram

    slot = _slot_now()
    program = DisplayProgram(announcer=SilentAnnouncer(), voice=False, poll_s=0.1)
    painting.trace = []
    try:
        program.window.resize(1280, 720)
        program.window.show()
        program.start()
        qtbot.waitUntil(lambda: program.controller.state.loaded, timeout=10_000)
        queue.issue_ticket("DD")
        queue.call_next(2)                                         # a walk-in, called first
        made = bookings.book("TP", slot.strftime("%Y-%m-%dT%H:%M"), "Trịnh Văn Nam", "0912345678")
        ticket = bookings.check_in(made.code)
        assert queue.call_next(1).id == ticket.id
        window = program.window
        qtbot.waitUntil(lambda: window.now_calling.call is not None and window.now_calling.call.code == ticket.code,
                        timeout=5000)
        assert window.now_calling.call.slot == f"{slot:%H:%M}"
        recent = program.controller.state.view.recent
        assert [(c.code, c.slot) for c in recent[:2]] == [(ticket.code, f"{slot:%H:%M}"), ("C001", None)]
        painting.trace.clear()
        window.repaint()
        drawn = [t.text for t in painting.trace]
        assert f"ĐANG MỜI SỐ - LỊCH HẸN {slot:%H:%M} / NOW CALLING - APPOINTMENT {slot:%H:%M}" in drawn
        queue.finish_service(2)
        queue.issue_ticket("DD")
        queue.call_next(2)                                         # the appointment moves down to the recent rows
        qtbot.waitUntil(lambda: window.now_calling.call.code == "C002", timeout=5000)
        painting.trace.clear()
        window.repaint()
        drawn = [t.text for t in painting.trace]
        assert "ĐANG MỜI SỐ / NOW CALLING" in drawn
        assert drawn.count(f"{slot:%H:%M}") == 1 and drawn.count("hẹn") == 1     # the recent row's mark
        assert drawn.index(ticket.code) < drawn.index(f"{slot:%H:%M}") < drawn.index("hẹn")
    finally:
        painting.trace = None
        program.stop()
        program.window.close()


def test_counter_card_shows_the_mark_and_the_slot_time(around_the_clock, qtbot):
    from counter_app.main_page import TicketPanel

    slot = _slot_now()
    made = bookings.book("TP", slot.strftime("%Y-%m-%dT%H:%M"), "Trịnh Văn Nam", "0912345678")
    ticket = bookings.check_in(made.code)
    called = queue.call_next(1)
    assert called.id == ticket.id and called.slot_start == slot
    card = TicketPanel()
    qtbot.addWidget(card)
    card.resize(700, 420)
    card.show()
    card.set_ticket(called)
    assert card.appointment.isVisible() and card.appointment.text().strip() == f"LỊCH HẸN {slot:%H:%M}"
    walk_in = queue.issue_ticket("KS")
    card.set_ticket(walk_in)
    assert card.appointment.text() == ""
