"""The counter and the hall display mark appointment tickets (real widgets, offscreen).

Set ``ONESTOP_UPDATE_SCREENSHOTS=1`` to refresh ``docs/screenshots/counter-appointment.png``
and ``docs/screenshots/display-appointment.png``.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from booking_site import AROUND_THE_CLOCK, write_site
from site_setup import connect_with_site

from db import bookings, queue

ROOT = Path(__file__).parents[2]
SHOTS = ROOT / "docs" / "screenshots"


def _save(widget, name: str, tmp_path: Path) -> Path:
    target = SHOTS / name if os.environ.get("ONESTOP_UPDATE_SCREENSHOTS") else tmp_path / name
    widget.grab().save(str(target))
    return target


def _slot_now() -> datetime:
    """The start of the 15-minute slot running now (site time), so that times on screen look real."""
    now = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh"))
    return now.replace(minute=now.minute // 15 * 15, second=0, microsecond=0)


def test_counter_card_and_next_up_show_the_appointment_and_its_slot(sqlite_url, qtbot, tmp_path):
    from PySide6.QtWidgets import QHBoxLayout, QWidget

    from counter_app.main_page import TicketPanel, WaitingPanel
    from counter_app.snapshot import load_snapshot
    from db.connection import close

    connect_with_site(sqlite_url, str(write_site(tmp_path, AROUND_THE_CLOCK)))
    slot = _slot_now()
    later_slot = slot + timedelta(minutes=30)
    try:
        made = bookings.book("TP", slot.strftime("%Y-%m-%dT%H:%M"), "Trịnh Văn Nam", "0912345678")
        later = bookings.book("TP", later_slot.strftime("%Y-%m-%dT%H:%M"), "Trịnh Thị Oanh", "0912000002")
        for _ in range(3):
            queue.issue_ticket("TP")
        queue.issue_ticket("KS", priority=True)
        ticket = bookings.check_in(made.code)
        waiting = bookings.check_in(later.code)
        queue.call_next(1)                                     # the priority ticket first ...
        queue.finish_service(1)
        called = queue.call_next(1)                            # ... then the appointment whose slot has started
        assert called.id == ticket.id

        host = QWidget()
        layout = QHBoxLayout(host)
        card, side = TicketPanel(), WaitingPanel()
        layout.addWidget(card, 3)
        layout.addWidget(side, 2)
        qtbot.addWidget(host)
        host.resize(1200, 520)
        host.show()
        snapshot = load_snapshot(1, None)
        side.set_snapshot(snapshot)
        assert f"{waiting.code} (hẹn {later_slot:%H:%M})" in side.next_up.text()
        assert [t.appointment for t in snapshot.next_up] == [False, False, False, True]   # its slot has not started
        card.set_ticket(snapshot.next_up[0])
        assert card.appointment.text() == ""                   # a walk-in has no mark
        card.set_ticket(called)
        assert card.appointment.text().strip() == f"LỊCH HẸN {slot:%H:%M}"
        qtbot.waitUntil(lambda: card.appointment.width() > 100, timeout=2000)
        shot = _save(host, "counter-appointment.png", tmp_path)
        assert shot.stat().st_size > 10_000
    finally:
        close()


class SilentAnnouncer:
    """Stands in for the voice queue: the board's calls are checked on screen."""

    def enqueue(self, code: str, counter: int, **_: object) -> int:
        return 0


def test_display_marks_the_call_of_an_appointment(sqlite_url, tmp_path, qtbot):
    from db.connection import close
    from display_app.app import DisplayProgram

    connect_with_site(sqlite_url, str(write_site(tmp_path, AROUND_THE_CLOCK)))
    program = DisplayProgram(announcer=SilentAnnouncer(), voice=False, poll_s=0.1)
    try:
        program.window.resize(1280, 720)
        program.window.show()
        program.start()
        qtbot.waitUntil(lambda: program.controller.state.loaded, timeout=10_000)
        slot = _slot_now()
        queue.issue_ticket("TP")
        queue.call_next(2)
        made = bookings.book("TP", slot.strftime("%Y-%m-%dT%H:%M"), "Trịnh Văn Nam", "0912345678")
        ticket = bookings.check_in(made.code)
        assert queue.call_next(1).id == ticket.id
        window = program.window
        qtbot.waitUntil(lambda: window.now_calling.call is not None and window.now_calling.call.code == ticket.code,
                        timeout=5000)
        assert window.now_calling.call.appointment
        assert [c.appointment for c in program.controller.state.view.recent[:2]] == [True, False]
        queue.recall(1)
        qtbot.waitUntil(lambda: window.now_calling.call.recall, timeout=5000)
        assert window.now_calling.call.appointment                # a recall keeps the mark
        _save(window, "display-appointment.png", tmp_path)
    finally:
        program.stop()
        program.window.close()
        close()
