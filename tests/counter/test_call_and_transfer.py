"""Calling one particular ticket (typed code or scanned QR) and handing a citizen on."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from qt_typing import type_text

from counter_app.rules import Action
from db import queue
from db.models import Counter, Ticket
from db.site import load_site
from db.ticket_qr import build_ticket_reference

A = Action


def wedge(d, text: str) -> None:
    """A USB scanner in keyboard mode: each character, then Enter, to whatever has focus."""
    for ch in text:
        d.qtbot.keyClick(QApplication.focusWidget() or d.window, ch)
    d.qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    d.wait_idle()


def test_typing_a_code_calls_that_ticket_out_of_turn(counter_ui):
    d = counter_ui
    d.login()
    for _ in range(3):
        queue.issue_ticket("TP")
    d.scan("a003")                                   # lower case is fine
    assert d.code_shown == "A003"
    assert Ticket.get(Ticket.code == "A003").status == "called"
    assert Ticket.get(Ticket.code == "A001").status == "waiting"


def test_scanning_the_ticket_qr_calls_it(counter_ui):
    d = counter_ui
    d.login()
    queue.issue_ticket("TP")
    ticket = queue.issue_ticket("KS")
    payload = build_ticket_reference(ticket, load_site())
    assert payload.startswith("OSQ1:")
    assert QApplication.focusWidget() is d.window.main.call_box.edit   # ready for the scanner after login
    wedge(d, payload)
    assert d.code_shown == "B001"
    assert d.window.main.call_box.edit.text() == ""


def test_a_scan_lands_in_the_call_box_even_when_focus_was_elsewhere(counter_ui):
    d = counter_ui
    d.login()
    ticket = queue.issue_ticket("TP")
    d.window.main.setFocus()
    assert QApplication.focusWidget() is not d.window.main.call_box.edit
    wedge(d, build_ticket_reference(ticket, load_site()).lower())
    assert d.code_shown == "A001"


def test_a_qr_from_another_office_or_garbage_is_refused_plainly(counter_ui):
    d = counter_ui
    d.login()
    queue.issue_ticket("TP")
    d.scan("OSQ1:UBND-PHUONG-KHAC:20261125:A001:1")
    assert d.message == "Phiếu A001 không phải của đơn vị này"
    d.scan("OSQ1:???")
    assert d.message == "Mã QR không phải phiếu số thứ tự của hệ thống"
    assert d.code_shown == "- - -"


def _open_transfer(d):
    d.key(Qt.Key.Key_F6)
    d.qtbot.waitUntil(lambda: d.window.transfer_dialog is not None and d.window.transfer_dialog.isVisible(),
                      timeout=5000)
    return d.window.transfer_dialog


def test_transfer_to_another_counter_with_a_vietnamese_note(sqlite_site_db, make_counter):
    one = make_counter()
    one.login("lan", "1234", counter=1)
    two = make_counter()
    two.login("hung", "1234", counter=2)
    queue.issue_ticket("TP")
    one.key(Qt.Key.Key_F1)
    dialog = _open_transfer(one)
    one.qtbot.mouseClick(dialog.to_counter, Qt.MouseButton.LeftButton)
    assert dialog.counter_box.isEnabled() and not dialog.service_box.isEnabled()
    numbers = [dialog.counter_box.itemData(i) for i in range(dialog.counter_box.count())]
    assert 1 not in numbers                          # not to itself
    dialog.counter_box.setCurrentIndex(numbers.index(2))
    type_text(one.qtbot, dialog.note, "Thiếu bản sao CCCD")
    one.qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    one.wait_idle()

    row = Ticket.get(Ticket.code == "A001")
    assert (row.status, row.target_counter_id, row.note) == ("waiting", Counter.get(Counter.number == 2).id,
                                                             "Thiếu bản sao CCCD")
    assert one.code_shown == "- - -"
    assert "đã chuyển sang quầy 2" in one.message
    two.qtbot.waitUntil(lambda: "A001→" in two.window.main.waiting.next_up.text(), timeout=5000)
    two.key(Qt.Key.Key_F1)
    assert two.code_shown == "A001"
    two.qtbot.waitUntil(lambda: "Thiếu bản sao CCCD" in two.window.main.ticket.note.text(), timeout=5000)


def test_transfer_to_another_service_keeps_the_code(sqlite_site_db, make_counter):
    one = make_counter()
    one.login("lan", "1234", counter=1)
    three = make_counter()
    three.login("mai", "1234", counter=3)
    queue.issue_ticket("KS")
    one.key(Qt.Key.Key_F1)
    one.key(Qt.Key.Key_F3)                           # transfer is allowed while serving too
    dialog = _open_transfer(one)
    assert dialog.to_service.isChecked()
    codes = [dialog.service_box.itemData(i) for i in range(dialog.service_box.count())]
    assert "KS" not in codes                         # not to its own service
    dialog.service_box.setCurrentIndex(codes.index("DD"))
    one.qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    one.wait_idle()
    row = Ticket.get(Ticket.code == "B001")
    assert (row.status, row.service.code, row.issued_service.code) == ("waiting", "DD", "KS")
    table = three.window.main.waiting.table
    three.qtbot.waitUntil(lambda: table.item(0, 1).text() == "1", timeout=5000)   # DD is counter 3's first
    three.key(Qt.Key.Key_F1)
    assert three.code_shown == "B001"


def test_cancelling_the_transfer_dialog_changes_nothing(counter_ui):
    d = counter_ui
    d.login()
    queue.issue_ticket("TP")
    d.key(Qt.Key.Key_F1)
    dialog = _open_transfer(d)
    d.qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    d.qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    assert Ticket.get(Ticket.code == "A001").status == "called"
    assert d.code_shown == "A001"
