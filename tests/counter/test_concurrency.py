"""Counters calling at the same moment never get the same citizen (both engines)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt

from counter_app.rules import Action
from db import queue
from db.models import Event

ONESTOP = Path(sys.executable).with_name("onestop")


def called_ticket_ids() -> list[int]:
    return [e.ticket_id for e in Event.select().where(Event.kind == "called")]


def test_two_windows_calling_at_once_never_share_a_ticket(site_db, make_counter):
    one = make_counter()
    one.login("lan", "1234", counter=1)
    two = make_counter()
    two.login("hung", "1234", counter=2)
    for i in range(12):
        queue.issue_ticket("TP" if i % 2 else "KS", priority=i % 5 == 0)
    shown: list[tuple[str, str]] = []
    for _ in range(7):
        # both officers press "call next" before either database answer is back
        one.qtbot.mouseClick(one.button(Action.CALL_NEXT), Qt.MouseButton.LeftButton)
        two.qtbot.mouseClick(two.button(Action.CALL_NEXT), Qt.MouseButton.LeftButton)
        one.wait_idle()
        two.wait_idle()
        shown.append((one.code_shown, two.code_shown))
        for d in (one, two):
            if d.session.ticket is not None:
                d.click(Action.DONE)
    ids = called_ticket_ids()
    assert len(ids) == 12 == len(set(ids))
    codes = [code for pair in shown for code in pair if code != "- - -"]
    assert len(codes) == 12 == len(set(codes))
    assert all(a != b for a, b in shown if a != "- - -")


def test_a_window_and_another_process_calling_at_once_never_share_a_ticket(site_db, make_counter):
    d = make_counter()
    d.login("lan", "1234", counter=1)
    for _ in range(16):
        queue.issue_ticket("TP")
    script = (f'for i in 1 2 3 4 5 6 7 8; do "{ONESTOP}" --db "{site_db}" call --counter 2 --officer hung; '
              f'"{ONESTOP}" --db "{site_db}" done --counter 2 >/dev/null 2>&1; done')
    other = subprocess.Popen(["bash", "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    mine: list[str] = []
    while other.poll() is None or d.session.snapshot.waiting_total:
        d.click(Action.CALL_NEXT)
        if d.session.ticket is None:
            if other.poll() is not None:
                break
            d.qtbot.wait(50)
            continue
        mine.append(d.code_shown)
        d.click(Action.DONE)
    out, err = other.communicate(timeout=60)
    theirs = [json.loads(line)["code"] for line in out.splitlines() if line.strip() not in ("", "null")]
    assert theirs, err                              # the other process really took part
    assert mine
    assert not set(mine) & set(theirs)
    ids = called_ticket_ids()
    assert len(ids) == len(set(ids)) == len(mine) + len(theirs) == 16
