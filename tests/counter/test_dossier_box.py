"""The counter's scan line: while a ticket is held, a receipt's QR scanned attaches its dossier code."""

from __future__ import annotations

from PySide6.QtCore import Qt
from qt_typing import type_text

from counter_app.rules import Action
from db import dossiers, queue

RECEIPT_QR = "https://dichvucong.example.vn/tra-cuu?maHoSo=000.00.12.H26-241202-0001"


def _scan(d, text: str) -> None:
    """A USB scanner types into whatever has focus; the page routes it to the dossier box."""
    d.window.main.setFocus()
    type_text(d.qtbot, d.window.main.call_box.edit, text)
    d.qtbot.keyClick(d.window.main.call_box.edit, Qt.Key.Key_Return)
    d.wait_idle()


def test_scanning_a_receipt_while_serving_attaches_and_shows_the_code(counter_ui):
    d = counter_ui
    d.login()
    ticket = queue.issue_ticket("TP")
    assert d.window.main.call_box.caption.text() == "Gọi số cụ thể:"   # free: the scan line calls
    d.key(Qt.Key.Key_F1)
    assert d.window.main.call_box.caption.text() == "Mã hồ sơ:"        # holding: it attaches dossiers
    assert d.window.main.call_box.button.isEnabled()
    _scan(d, RECEIPT_QR)
    d.qtbot.waitUntil(lambda: "000.00.12.H26-241202-0001" in d.window.main.ticket.dossiers.text(), timeout=5000)
    assert "Đã gắn hồ sơ 000.00.12.H26-241202-0001" in d.message
    assert dossiers.codes_of([ticket.id]) == {ticket.id: ["000.00.12.H26-241202-0001"]}


def test_a_second_code_and_a_bad_one(counter_ui):
    d = counter_ui
    d.login()
    ticket = queue.issue_ticket("TP")
    d.key(Qt.Key.Key_F1)
    _scan(d, "H26.99-0001")
    _scan(d, "H26.99-0002")
    d.qtbot.waitUntil(lambda: "H26.99-0002" in d.window.main.ticket.dossiers.text(), timeout=5000)
    assert "H26.99-0001, H26.99-0002" in d.window.main.ticket.dossiers.text()
    _scan(d, "mã sai!")
    assert "chỉ gồm chữ, số" in d.message
    assert dossiers.codes_of([ticket.id])[ticket.id] == ["H26.99-0001", "H26.99-0002"]


def test_a_code_on_another_ticket_today_is_flagged(counter_ui):
    d = counter_ui
    d.login()
    first = queue.issue_ticket("TP")
    queue.issue_ticket("TP")
    d.key(Qt.Key.Key_F1)
    _scan(d, "H26.99-0001")
    d.key(Qt.Key.Key_F4)
    d.key(Qt.Key.Key_F1)
    _scan(d, "H26.99-0001")
    assert f"cũng đã gắn với số {first.code}" in d.message


def test_dossier_is_enabled_exactly_while_a_ticket_is_held():
    from counter_app.rules import enabled_actions

    assert Action.DOSSIER not in enabled_actions(None, False)
    assert Action.DOSSIER in enabled_actions("called", False)
    assert Action.DOSSIER in enabled_actions("serving", False)
    assert Action.DOSSIER not in enabled_actions("serving", False, busy=True)
