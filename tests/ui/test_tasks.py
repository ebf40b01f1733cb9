"""The one background runner (``ui_common.tasks``): results on the UI thread, nothing Qt freed off it."""

from __future__ import annotations

import threading

import pytest

from db.errors import NotAllowed
from errors import UNEXPECTED_EN
from ui_common.errors import error_text
from ui_common.tasks import Lane, run_task


class Marker:
    """Records the thread that frees it: the last reference must go on the UI thread."""

    freed_on: list[str] = []

    def __del__(self) -> None:
        Marker.freed_on.append(threading.current_thread().name)


def test_result_and_failure_arrive_on_the_ui_thread(qtbot):
    seen: list[tuple[str, object]] = []
    run_task(lambda: 41 + 1, lambda value: seen.append((threading.current_thread().name, value)))
    run_task(lambda: (_ for _ in ()).throw(NotAllowed("Hết số", "Queue empty")),
             None, lambda exc: seen.append((threading.current_thread().name, error_text(exc, "en"))))
    qtbot.waitUntil(lambda: len(seen) == 2)
    main = threading.main_thread().name
    assert sorted(seen, key=str) == sorted([(main, 42), (main, "Queue empty")], key=str)


def test_an_unexpected_failure_reaches_the_person_as_one_plain_line(qtbot):
    failures: list[BaseException] = []
    run_task(lambda: {}["missing"], None, failures.append)
    qtbot.waitUntil(lambda: bool(failures))
    assert isinstance(failures[0], KeyError) and error_text(failures[0], "en") == UNEXPECTED_EN


def test_an_ordered_lane_runs_one_call_at_a_time_in_order(qtbot):
    lane = Lane("test-ordered")
    order: list[int] = []
    running = threading.Event()
    overlap: list[bool] = []

    def step(i: int):
        def call() -> int:
            overlap.append(running.is_set())
            running.set()
            running.clear()
            return i
        return call

    for i in range(20):
        lane.run(step(i), order.append)
    assert lane.busy
    qtbot.waitUntil(lambda: len(order) == 20)
    assert order == list(range(20)) and not any(overlap) and not lane.busy
    lane.close()


def test_operations_and_callbacks_are_freed_on_the_ui_thread(qtbot):
    Marker.freed_on.clear()
    lane = Lane("test-free")
    done: list[int] = []
    for i in range(30):
        marker_a, marker_b = Marker(), Marker()
        lane.run(lambda m=marker_a, i=i: (m, i)[1], lambda value, m=marker_b: done.append(value))
        del marker_a, marker_b
    qtbot.waitUntil(lambda: len(done) == 30)
    qtbot.waitUntil(lambda: len(Marker.freed_on) == 60)
    assert set(Marker.freed_on) == {threading.main_thread().name}
    lane.close()


def test_a_closed_lane_drops_pending_callbacks_and_frees_them_on_the_ui_thread(qtbot):
    Marker.freed_on.clear()
    lane = Lane("test-close")
    gate = threading.Event()
    called: list[object] = []
    lane.run(gate.wait, called.append)
    marker = Marker()
    lane.run(lambda m=marker: m, called.append)
    del marker
    lane.close()
    assert not lane.busy
    gate.set()
    qtbot.waitUntil(lambda: bool(Marker.freed_on))
    assert called == [] and Marker.freed_on == [threading.main_thread().name]
    assert lane.run(lambda: 1, called.append) == 0   # closed: nothing more is queued


def test_work_is_asked_for_from_the_ui_thread_only(qtbot):
    problems: list[BaseException] = []

    def from_a_thread() -> None:
        try:
            Lane("test-thread")
        except RuntimeError as exc:
            problems.append(exc)

    worker = threading.Thread(target=from_a_thread)
    worker.start()
    worker.join()
    assert problems and "UI thread" in str(problems[0])


@pytest.mark.parametrize("lang, expected", [("vi", "Hết số"), ("en", "Queue empty"), (None, "Hết số / Queue empty")])
def test_error_text_languages(lang, expected):
    assert error_text(NotAllowed("Hết số", "Queue empty"), lang) == expected


def test_wait_for_idle_returns_once_the_running_calls_are_over(qtbot):
    from ui_common.tasks import wait_for_idle

    gate = threading.Event()
    results: list[str] = []
    run_task(lambda: (gate.wait(5), "slow")[1], results.append)
    assert wait_for_idle(0.05) is False          # still running
    gate.set()
    assert wait_for_idle(5.0) is True
    qtbot.waitUntil(lambda: results == ["slow"])
