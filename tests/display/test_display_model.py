"""The board's state rules, without Qt or a database: events in, board and announcements out."""

from __future__ import annotations

from datetime import UTC, datetime

from site_clock import at

from db.values import EventInfo
from display_app.model import BoardSnapshot, BoardState, CallEntry, CounterCell, ServiceCount, recent_calls_from_events

TZ = "Asia/Ho_Chi_Minh"
DAY = "2026-11-25"
NOW = at(9, 30)


def ev(id_: int, kind: str, *, code: str | None = None, counter: int | None = None, when: float = NOW,
       service: str | None = "TP", data: dict | None = None) -> EventInfo:
    return EventInfo(id=id_, at=datetime.fromtimestamp(when, tz=UTC), kind=kind, ticket_id=None, code=code,
                     service=service, counter=counter, officer=None, data=data or {})


def snapshot(as_of: int = 10, *, cells: dict[int, str | None] | None = None, paused: tuple[int, ...] = (),
             waiting: int = 3, day: str = DAY, notice: str = "", recent: tuple[CallEntry, ...] = ()) -> BoardSnapshot:
    cells = cells if cells is not None else {1: None, 2: None, 3: None}
    return BoardSnapshot(
        as_of_event_id=as_of, service_day=day, site_name="UBND xã Quang Kim", site_name_en="Quang Kim",
        timezone=TZ, notice=notice,
        counters=tuple(CounterCell(n, f"Quầy {n}", code, n in paused) for n, code in cells.items()),
        services=(ServiceCount("TP", "Chứng thực, hộ tịch", "Certification", waiting),), recent=recent,
    )


def loaded(**kwargs) -> BoardState:
    state = BoardState()
    state.apply_snapshot(snapshot(**kwargs))
    return state


def cell(state: BoardState, number: int) -> CounterCell:
    return next(c for c in state.view.counters if c.number == number)


def test_call_event_updates_now_calling_counter_and_recent_at_once_and_is_announced():
    state = loaded()
    out = state.apply_events([ev(11, "called", code="A001", counter=2)], now=NOW + 0.1)
    assert state.view.now_calling.code == "A001" and state.view.now_calling.counter == 2
    assert cell(state, 2).code == "A001"
    assert [c.code for c in state.view.recent] == ["A001"]
    assert [(c.code, c.counter) for c in out.announce] == [("A001", 2)]
    assert out.flash is not None and out.changed and out.refresh


def test_recall_is_announced_again_and_moves_to_the_top_without_a_duplicate():
    state = loaded()
    state.apply_events([ev(11, "called", code="A001", counter=1), ev(12, "called", code="A002", counter=2)], now=NOW)
    out = state.apply_events([ev(13, "recalled", code="A001", counter=1)], now=NOW)
    assert [(c.code, c.recall) for c in out.announce] == [("A001", True)]
    assert [c.code for c in state.view.recent] == ["A001", "A002"]
    assert state.view.now_calling.code == "A001"


def test_calls_in_one_batch_are_announced_in_order():
    state = loaded()
    out = state.apply_events([ev(11, "called", code="A001", counter=1), ev(12, "called", code="C001", counter=3)],
                             now=NOW)
    assert [c.code for c in out.announce] == ["A001", "C001"]
    assert state.view.now_calling.code == "C001"


def test_a_call_caught_up_long_after_it_happened_is_shown_but_not_spoken():
    state = loaded()
    out = state.apply_events([ev(11, "called", code="A001", counter=1, when=NOW - 600)], now=NOW)
    assert out.announce == []
    assert cell(state, 1).code == "A001" and state.view.now_calling.code == "A001"


def test_done_no_show_and_transfer_free_the_counter():
    state = loaded(cells={1: "A001", 2: "A002", 3: "A003"})
    state.apply_events([ev(11, "done", code="A001", counter=1), ev(12, "no_show", code="A002", counter=2),
                        ev(13, "transferred", code="A003", counter=3)], now=NOW)
    assert [c.code for c in state.view.counters] == [None, None, None]


def test_cancel_without_a_counter_frees_whichever_counter_held_the_ticket():
    state = loaded(cells={1: None, 2: "B004", 3: None})
    state.apply_events([ev(11, "cancelled", code="B004", counter=None)], now=NOW)
    assert cell(state, 2).code is None


def test_pause_and_resume_mark_the_counter():
    state = loaded()
    state.apply_events([ev(11, "paused", counter=3)], now=NOW)
    assert cell(state, 3).paused
    state.apply_events([ev(12, "resumed", counter=3)], now=NOW)
    assert not cell(state, 3).paused


def test_notice_changes_from_the_event_without_a_snapshot():
    state = loaded(notice="cũ")
    out = state.apply_events([ev(11, "notice_changed", data={"notice": "Thông báo mới"})], now=NOW)
    assert state.view.notice == "Thông báo mới" and out.notice_changed and not out.refresh


def test_issued_only_asks_for_a_snapshot_counts_are_never_computed_from_events():
    state = loaded(waiting=3)
    out = state.apply_events([ev(11, "issued", code="A009")], now=NOW)
    assert out.refresh and not out.changed
    assert state.view.services[0].waiting == 3
    state.apply_snapshot(snapshot(11, waiting=4))
    assert state.view.services[0].waiting == 4


def test_a_snapshot_older_than_a_shown_call_does_not_take_the_number_back():
    state = loaded(as_of=10)
    state.apply_events([ev(11, "called", code="A001", counter=1)], now=NOW)
    state.apply_snapshot(snapshot(10, cells={1: None, 2: None, 3: None}, waiting=1))   # read before the call
    assert cell(state, 1).code == "A001"
    assert state.view.services[0].waiting == 1
    state.apply_snapshot(snapshot(12, cells={1: None, 2: None, 3: None}))              # newer: it was finished
    assert cell(state, 1).code is None


def test_events_are_not_applied_twice():
    state = loaded()
    batch = [ev(11, "called", code="A001", counter=1)]
    state.apply_events(batch, now=NOW)
    out = state.apply_events(batch, now=NOW)
    assert out.announce == [] and not out.changed


def test_a_new_service_day_clears_yesterdays_calls():
    state = loaded()
    state.apply_events([ev(11, "called", code="A001", counter=1)], now=NOW)
    state.apply_snapshot(snapshot(12, day="2026-11-26"))
    assert state.view.recent == () and state.view.now_calling is None


def test_recent_list_is_capped():
    state = loaded()
    state.apply_events([ev(10 + i, "called", code=f"A{i:03d}", counter=1 + i % 3) for i in range(1, 15)], now=NOW)
    assert len(state.view.recent) == 10
    assert state.view.recent[0].code == "A014"


def test_first_load_takes_the_days_recent_calls_from_the_event_log():
    events = [ev(1, "called", code="A001", counter=1, when=at(9, 0, day=24)),   # yesterday
              ev(2, "called", code="A001", counter=1, when=at(8, 0)),
              ev(3, "called", code="A002", counter=2, when=at(8, 5)),
              ev(4, "recalled", code="A001", counter=1, when=at(8, 6)),
              ev(5, "done", code="A001", counter=1, when=at(8, 7))]
    recent = recent_calls_from_events(events, service_day=DAY, timezone=TZ)
    assert [(c.code, c.recall) for c in recent] == [("A001", True), ("A002", False)]
    state = BoardState()
    state.apply_snapshot(snapshot(5, recent=recent))
    assert state.view.now_calling.code == "A001"
