"""The one-PC demo: a ticket goes kiosk -> counter -> display -> rating, then a clean exit."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt

from db.models import Rating, Ticket
from ui_common.tasks import wait_for_idle

ROOT = Path(__file__).resolve().parents[2]


def click(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=widget.rect().center())


def test_demo_issues_calls_displays_and_rates_a_ticket_then_exits_cleanly(qtbot, sqlite_site_db, tmp_path):
    from cli.demo.hall import DemoHall, DemoOptions
    from counter_app.rules import Action

    hall = DemoHall(DemoOptions(printer_dir=tmp_path / "tickets", voice=False))
    hall.start()
    hall.show()
    counter = hall.counters[1]
    qtbot.waitUntil(lambda: counter.session.officer is not None, timeout=10_000)
    qtbot.waitUntil(lambda: hall.lines[1].connected(), timeout=10_000)

    # A citizen taps "Tư pháp - Hộ tịch" then "Chứng thực, hộ tịch" on the kiosk.
    def justice_field() -> str | None:       # the kiosk's tiles arrive from its own background read
        return next((key for key in hall.kiosk_window.home.buttons if "Tư pháp" in key), None)

    qtbot.waitUntil(lambda: justice_field() is not None, timeout=10_000)
    field_key = justice_field()
    qtbot.waitUntil(lambda: hall.kiosk_window.tile_button(field_key).isEnabled(), timeout=10_000)
    qtbot.wait(700)  # the kiosk ignores taps on a screen younger than 0.5 s (tail of a double tap)
    click(qtbot, hall.kiosk_window.tile_button(field_key))
    qtbot.waitUntil(lambda: "service:TP" in hall.kiosk_window.services.buttons, timeout=5_000)
    qtbot.wait(700)
    click(qtbot, hall.kiosk_window.service_button("TP"))
    qtbot.waitUntil(lambda: Ticket.select().count() == 1, timeout=10_000)
    qtbot.waitUntil(lambda: (tmp_path / "tickets" / "latest.png").exists(), timeout=10_000)
    ticket = Ticket.get()
    assert ticket.code == "A001" and ticket.kiosk == "demo-kiosk"

    # The officer at counter 1 presses "call next" on the real counter window.
    button = counter.window.main.actions.buttons[Action.CALL_NEXT]
    qtbot.waitUntil(button.isEnabled, timeout=10_000)
    click(qtbot, button)
    qtbot.waitUntil(lambda: Ticket.get_by_id(ticket.id).status == "called", timeout=10_000)

    # The hall display shows it.
    def display_shows_call() -> bool:
        calling = hall.display.controller.view.now_calling
        return calling is not None and calling.code == "A001" and calling.counter == 1

    qtbot.waitUntil(display_shows_call, timeout=10_000)

    # Served, then the citizen presses "Rất hài lòng" on the on-screen keypad.
    done = counter.window.main.actions.buttons[Action.DONE]
    qtbot.waitUntil(done.isEnabled, timeout=10_000)
    click(qtbot, done)
    qtbot.waitUntil(lambda: Ticket.get_by_id(ticket.id).status == "done", timeout=10_000)
    click(qtbot, hall.panel.keypads[1].buttons[3])
    qtbot.waitUntil(lambda: Rating.select().where(Rating.ticket == ticket.id).count() == 1, timeout=10_000)
    rating = Rating.get(Rating.ticket == ticket.id)
    assert rating.value == 3 and rating.source == "keypad"
    qtbot.waitUntil(lambda: counter.session.last_rating is not None, timeout=10_000)

    hall.stop()
    hall.dispose()
    wait_for_idle(5.0)


def test_demo_command_with_simulation_exits_0(tmp_path):
    url = f"sqlite:///{(tmp_path / 'demo.db').as_posix()}"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-m", "cli.main", "demo", "--simulate", "--rate", "0.5-1", "--no-voice", "--seconds", "12",
         "--db", url, "--printer-dir", str(tmp_path / "tickets")],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "onestop demo: stopped" in result.stderr
    import sqlite3

    with sqlite3.connect(tmp_path / "demo.db") as raw:
        issued = raw.execute("SELECT COUNT(*) FROM ticket").fetchone()[0]
        called = raw.execute("SELECT COUNT(*) FROM ticket WHERE called_at IS NOT NULL").fetchone()[0]
    assert issued >= 5 and called >= 2
    assert (tmp_path / "tickets" / "latest.png").exists()
