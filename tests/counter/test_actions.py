"""The officer's keys and buttons: what each does, when it is enabled, and that nothing calls twice."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from counter_app.rules import Action
from db import queue
from db.models import Event, Ticket
from db.site import get_counter
from ui_common.feed import FeedWatcher

A = Action
K = Qt.Key


@pytest.fixture
def feed(qtbot):
    """What the hall display follows: the event feed, as a list of events."""
    seen: list = []
    watcher = FeedWatcher(poll_s=0.05)
    watcher.events.connect(seen.extend)
    watcher.start()
    yield seen
    watcher.stop()


def kinds(counter: int = 1) -> list[str]:
    return [e.kind for e in Event.select().where(Event.counter_number == counter).order_by(Event.id)]


def test_f1_calls_the_next_ticket_shows_it_and_the_display_feed_gets_called(counter_ui, feed):
    d = counter_ui
    d.login()
    queue.issue_ticket("TP")
    d.key(K.Key_F1)
    assert d.code_shown == "A001"
    assert d.window.main.ticket.service.text() == "Chứng thực, hộ tịch"
    assert "Đã chờ" in d.window.main.ticket.waited.text()
    d.qtbot.waitUntil(lambda: any(e.kind == "called" and e.code == "A001" and e.counter == 1 for e in feed),
                      timeout=5000)
    assert get_counter(1).current_ticket_id is not None


def test_each_key_does_its_action_and_only_valid_keys_are_enabled(counter_ui):
    d = counter_ui
    d.login()
    for _ in range(2):
        queue.issue_ticket("TP")
    assert d.enabled() == {A.CALL_NEXT, A.PAUSE}

    d.key(K.Key_F1)                                   # call next
    assert d.code_shown == "A001"
    assert d.enabled() == {A.RECALL, A.START, A.DONE, A.NO_SHOW, A.TRANSFER}
    assert d.window.main.call_box.mode is A.DOSSIER     # the scan line attaches dossiers now, it calls nobody

    d.key(K.Key_F2)                                   # recall
    assert kinds()[-1] == "recalled"
    assert "gọi lại" in d.message

    d.key(K.Key_F3)                                   # start
    assert Ticket.get(Ticket.code == "A001").status == "serving"
    assert d.window.main.ticket.timer_caption.text() == "Thời gian phục vụ"
    assert d.enabled() == {A.DONE, A.TRANSFER}
    before = kinds()
    d.key(K.Key_F2)                                   # disabled now: nothing happens
    d.key(K.Key_F5)
    assert kinds() == before

    d.key(K.Key_F4)                                   # done
    assert Ticket.get(Ticket.code == "A001").status == "done"
    assert d.code_shown == "- - -"
    assert d.enabled() == {A.CALL_NEXT, A.PAUSE}
    d.qtbot.waitUntil(lambda: "Đã phục vụ: <b>1</b>" in d.window.main.day.served.text(), timeout=5000)

    d.key(K.Key_F1)
    d.key(K.Key_F5)                                   # no-show
    assert Ticket.get(Ticket.code == "A002").status == "no_show"
    assert d.enabled() == {A.CALL_NEXT, A.PAUSE}

    d.key(K.Key_F7)                                   # pause
    assert get_counter(1).paused
    assert d.enabled() == {A.PAUSE}
    assert "Tiếp tục" in d.button(A.PAUSE).text()
    assert d.window.main.top.paused.isVisible()
    queue.issue_ticket("TP")
    d.wait_fresh()
    d.key(K.Key_F1)                                   # disabled while paused
    assert kinds()[-1] == "paused"
    d.key(K.Key_F7)                                   # resume
    assert not get_counter(1).paused
    assert d.enabled() == {A.CALL_NEXT, A.PAUSE}


def test_mouse_clicks_do_the_same_as_keys(counter_ui):
    d = counter_ui
    d.login()
    queue.issue_ticket("KS")
    d.click(A.CALL_NEXT)
    assert d.code_shown == "B001"
    d.click(A.START)
    d.click(A.DONE)
    assert Ticket.get(Ticket.code == "B001").status == "done"


def test_empty_queue_is_said_plainly(counter_ui):
    d = counter_ui
    d.login()
    d.key(K.Key_F1)
    assert d.message == "Không có công dân nào đang chờ"
    assert d.code_shown == "- - -"
    assert d.enabled() == {A.CALL_NEXT, A.PAUSE}


def test_double_click_and_double_f1_call_only_one_citizen(counter_ui):
    d = counter_ui
    d.login()
    for _ in range(4):
        queue.issue_ticket("TP")
    button = d.button(A.CALL_NEXT)
    d.qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    d.qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    d.qtbot.mouseDClick(button, Qt.MouseButton.LeftButton)
    d.wait_idle()
    assert kinds().count("called") == 1
    d.key(K.Key_F4)
    d.qtbot.keyClick(d.window, K.Key_F1)
    d.qtbot.keyClick(d.window, K.Key_F1)
    d.wait_idle()
    assert kinds().count("called") == 2
    assert Ticket.select().where(Ticket.status == "waiting").count() == 2


def test_button_is_disabled_while_its_action_is_in_flight(counter_ui):
    d = counter_ui
    d.login()
    queue.issue_ticket("TP")
    states: list[bool] = []
    d.session.actions_changed.connect(lambda actions: states.append(A.CALL_NEXT in actions))
    d.qtbot.mouseClick(d.button(A.CALL_NEXT), Qt.MouseButton.LeftButton)
    assert not d.button(A.CALL_NEXT).isEnabled()      # at once, before the database answered
    d.wait_idle()
    assert states[0] is False


def test_a_refusal_from_the_engine_is_a_plain_message_not_a_traceback(counter_ui):
    d = counter_ui
    d.login()
    queue.issue_ticket("TP")
    queue.call_ticket(2, "A001")                      # another counter got there first
    d.window.main.focus_call_box()
    d.scan("A001")
    assert d.message == "Số A001 không còn chờ"
    assert "Traceback" not in d.message
    assert d.code_shown == "- - -"
    d.scan("Z999")
    assert d.message == "Không tìm thấy số Z999"


def test_a_change_made_elsewhere_shows_without_refresh(counter_ui):
    d = counter_ui
    d.login()
    queue.issue_ticket("TP")
    d.key(K.Key_F1)
    queue.finish_service(1)                           # e.g. `onestop done --counter 1` from a script
    d.qtbot.waitUntil(lambda: d.code_shown == "- - -", timeout=5000)
    assert d.enabled() == {A.CALL_NEXT, A.PAUSE}


def test_waiting_list_and_counts_follow_the_feed(counter_ui):
    d = counter_ui
    d.login()
    table = d.window.main.waiting.table
    assert table.item(0, 1).text() == "0"
    for _ in range(3):
        queue.issue_ticket("TP")
    queue.issue_ticket("KS", priority=True)
    queue.issue_ticket("DD")                          # not a service of counter 1
    d.qtbot.waitUntil(lambda: table.item(0, 1).text() == "3", timeout=5000)
    assert table.item(0, 0).text() == "Chứng thực, hộ tịch"
    assert table.item(0, 3).text() == "A001, A002, A003"
    assert table.item(1, 2).text() == "1"             # one priority ticket for KS
    assert "Tổng số đang chờ các dịch vụ của quầy: 4" == d.window.main.waiting.total.text()
    assert "★B001" in d.window.main.waiting.next_up.text()   # priority first and marked
    assert d.window.main.waiting.next_up.text().index("B001") < d.window.main.waiting.next_up.text().index("A001")
