"""The plain-Python parts of the counter program: enabling rules, scan input, wording, the officer's day."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from counter_app.formatting import clock_text, minutes_text
from counter_app.rules import Action, enabled_actions
from counter_app.scan import parse_call_input
from db.errors import InvalidInput
from ui_common.pyside_workarounds import needed

ROOT = Path(__file__).resolve().parents[2]

A = Action


@pytest.mark.parametrize("status, paused, expected", [
    (None, False, {A.CALL_NEXT, A.CALL_TICKET, A.PAUSE}),
    (None, True, {A.PAUSE}),
    ("called", False, {A.RECALL, A.START, A.DONE, A.NO_SHOW, A.TRANSFER, A.DOSSIER}),
    ("serving", False, {A.DONE, A.TRANSFER, A.DOSSIER}),
    # a closed ticket is no longer the counter's: same as free
    ("done", False, {A.CALL_NEXT, A.CALL_TICKET, A.PAUSE}),
])
def test_enabled_actions_follow_ticket_status_and_pause(status, paused, expected):
    assert enabled_actions(status, paused) == expected


def test_holding_a_ticket_never_allows_calling_another_or_pausing():
    for status in ("called", "serving"):
        allowed = enabled_actions(status, False)
        assert not allowed & {A.CALL_NEXT, A.CALL_TICKET, A.PAUSE}


def test_recall_start_and_no_show_only_before_service_starts():
    assert {A.RECALL, A.START, A.NO_SHOW} <= enabled_actions("called", False)
    assert not {A.RECALL, A.START, A.NO_SHOW} & enabled_actions("serving", False)


@pytest.mark.parametrize("status", [None, "called", "serving"])
def test_nothing_is_enabled_while_an_action_is_in_flight_or_offline(status):
    assert enabled_actions(status, False, busy=True) == frozenset()
    assert enabled_actions(status, False, online=False) == frozenset()


def test_typed_codes_are_normalised():
    assert parse_call_input(" a12 ") == "A12"
    assert parse_call_input("B001") == "B001"


def test_qr_payload_gives_the_ticket_id_even_lower_case_with_crlf():
    assert parse_call_input("OSQ1:UBND-XA-QUANG-KIM:20261125:A012:45") == 45
    assert parse_call_input("osq1:ubnd-xa-quang-kim:20261125:a012:45\r\n") == 45


def test_qr_of_another_office_is_refused(sqlite_site_db):
    from db.site import load_site

    site = load_site()
    assert parse_call_input("OSQ1:UBND-XA-QUANG-KIM:20261125:A012:45", site) == 45
    with pytest.raises(InvalidInput) as refused:
        parse_call_input("OSQ1:UBND-PHUONG-KHAC:20261125:A012:45", site)
    assert "đơn vị" in refused.value.message("vi")


@pytest.mark.parametrize("text", ["", "   ", "hello world", "OSQ1:broken", "12-AB"])
def test_anything_else_is_refused_with_a_plain_message(text):
    with pytest.raises(InvalidInput) as refused:
        parse_call_input(text)
    assert refused.value.message("vi")


def test_durations_read_at_a_glance():
    assert clock_text(None) == "--:--"
    assert clock_text(247) == "04:07"
    assert clock_text(3723) == "1:02:03"
    assert minutes_text(30) == "dưới 1 phút"
    assert minutes_text(12 * 60 + 5) == "12 phút"
    assert minutes_text(65 * 60) == "1 giờ 05 phút"


def test_officer_day_counts_served_no_show_median_and_latest_rating_per_ticket(site_db, clock):
    from db import queue
    from db.officer_day import officer_day
    from db.officers import sign_in_at_counter
    from db.ratings import record_press

    sign_in_at_counter("lan", 1, now=clock(8, 0))
    durations = [120, 300, 600, 60]          # median of four = (120 + 300) / 2
    minute = 0
    for seconds in durations:
        queue.issue_ticket("TP", now=clock(8, minute))
        queue.call_next(1, now=clock(8, minute, 10))
        queue.start_service(1, now=clock(8, minute, 20))
        queue.finish_service(1, now=clock(8, minute, 20) + seconds)
        minute += 15
    # the citizen changes their mind: the latest press is the ticket's rating
    record_press(1, 1, now=clock(8, minute - 15, 20) + durations[-1] + 5)
    record_press(1, 3, now=clock(8, minute - 15, 20) + durations[-1] + 30)
    queue.issue_ticket("TP", now=clock(10, 0))
    queue.call_next(1, now=clock(10, 1))
    queue.mark_no_show(1, now=clock(10, 5))
    # someone else's work does not count for lan
    sign_in_at_counter("hung", 2, now=clock(10, 6))
    queue.issue_ticket("KS", now=clock(10, 7))
    queue.call_next(2, now=clock(10, 8))
    queue.finish_service(2, now=clock(10, 9))

    day = officer_day("lan", now=clock(11, 0))
    assert (day.served, day.no_show) == (4, 1)
    assert day.median_service_s == pytest.approx(210)
    assert day.ratings == {3: 1}
    assert day.rated == 1
    hung = officer_day("hung", now=clock(11, 0))
    assert (hung.served, hung.median_service_s) == (1, pytest.approx(60))   # odd count: the middle row
    # the next day starts from zero
    assert officer_day("lan", now=clock(11, 0, day=26)).served == 0


def test_officer_day_of_someone_who_served_nobody(site_db, clock):
    from db.officer_day import officer_day

    day = officer_day("mai", now=clock(9, 0))
    assert (day.served, day.no_show, day.median_service_s, day.rated) == (0, 0, None, 0)


#: Run in a fresh interpreter: the test session itself already made None/True immortal
#: (tests/conftest.py), so only a new process shows what the workaround changes.
_SINGLETON_PROBE = """
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QLabel
from ui_common.pyside_workarounds import keep_singletons_alive

if sys.argv[1] == "with":
    keep_singletons_alive()
app = QApplication([])
if sys.argv[2] == "void":            # each void Qt call drops a reference to None
    label = QLabel("x")
    for _ in range(50_000):          # ~2.5 x what None starts with on 3.11
        label.setText("y")
else:                                # each Python-side emit drops a reference to True
    class Probe(QObject):
        ping = Signal(object)

    probe = Probe()
    for _ in range(20_000):
        probe.ping.emit(None)
print("survived", flush=True)
"""


def _probe(workaround: str, calls: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", _SINGLETON_PROBE, workaround, calls], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(not needed(), reason="None/True/False are immortal on this Python")
@pytest.mark.parametrize("calls", ["void", "emit"])
def test_thousands_of_void_qt_calls_and_emits_do_not_use_up_none_or_true(calls):
    """PySide6 6.12 on Python 3.11 drops a reference to None per void call and to True per emit.

    Without the workaround the same load kills the interpreter (so the load is big enough to
    show the bug); with it the program survives.
    """
    bare = _probe("without", calls)
    assert bare.returncode != 0 and "survived" not in bare.stdout, "the load no longer shows the PySide6 bug"
    fixed = _probe("with", calls)
    assert fixed.returncode == 0, fixed.stderr[-2000:]
    assert fixed.stdout.strip() == "survived"
