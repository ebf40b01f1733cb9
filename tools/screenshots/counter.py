"""Render the counter program's screenshots for the documentation.

``python -m tools.screenshots.counter OUT_DIR`` (or all: ``python -m tools.screenshots``) builds a throwaway
SQLite database with the built-in site and a believable morning (served
tickets with ratings, a queue with a priority ticket and a transferred one,
a citizen being served), drives the real program through it with key presses
and a real keypad line (a pty), and saves:

* ``counter-login.png``     the login screen, filled in;
* ``counter-main.png``      the working screen with a ticket being served;
* ``counter-transfer.png``  the transfer dialog over the working screen;
* ``counter-appointment.png`` the next citizen called is an appointment: the card's mark and slot time;
* ``counter-main-en.png``   that screen after a press of the language button (English).

Offscreen Qt is enough (no display needed).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import tty
from collections.abc import Callable
from pathlib import Path

SIZE = (1366, 768)   # the most common office monitor at commune level


def _wait(condition: Callable[[], bool], timeout_s: float = 10.0) -> None:
    from PySide6.QtTest import QTest

    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("screen did not reach the expected state")
        QTest.qWait(20)


def _morning(now: float) -> None:
    """Half an hour of work at counter 1 before the screenshot."""
    from db import queue
    from db.officers import sign_in_at_counter
    from db.ratings import record_press

    start = now - 50 * 60
    sign_in_at_counter("lan", 1, now=start)
    sign_in_at_counter("mai", 3, now=start)
    for i, service in enumerate(["TP", "KS", "TP", "TP", "KS"]):
        queue.issue_ticket(service, now=start + i * 60)
    served = [(6 * 60, 3), (9 * 60, 3), (4 * 60, 2), (7 * 60, 3)]
    moment = start + 5 * 60
    for seconds, value in served:
        queue.call_next(1, now=moment)
        queue.start_service(1, now=moment + 20)
        queue.finish_service(1, now=moment + 20 + seconds)
        record_press(1, value, now=moment + 30 + seconds)
        moment += seconds + 60
    # a citizen sent over from the land counter, with a note
    queue.issue_ticket("DD", now=start + 8 * 60)
    queue.call_next(3, now=start + 20 * 60)
    queue.transfer(3, to_counter=1, note="Cần chứng thực bản sao sổ đỏ", now=start + 24 * 60)
    for i, (service, priority) in enumerate([("TP", False), ("KS", True), ("TP", False), ("KS", False),
                                              ("TP", False), ("TP", False), ("KS", False), ("TP", False)]):
        queue.issue_ticket(service, priority=priority, now=now - (30 - i * 3) * 60)


def render(out_dir: Path) -> list[Path]:
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtGui import QColor, QPainter
    from PySide6.QtTest import QTest

    from counter_app.app import CounterProgram
    from counter_app.rules import Action
    from db.connection import close, connect
    from db.site import import_site
    from db.site_config import load_site_file
    from ui_common import theme
    from ui_common.app import make_app

    out_dir.mkdir(parents=True, exist_ok=True)
    app = make_app("onestop-counter-screenshots")
    workdir = Path(tempfile.mkdtemp(prefix="onestop-shots-"))
    from PySide6.QtCore import QSettings

    # the language button remembers the choice: in this throwaway folder, not in the PC's settings
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(workdir))
    connect(f"sqlite:///{(workdir / 'shots.db').as_posix()}")
    import_site(load_site_file(None))
    now = time.time()
    _morning(now - 4 * 60 - 30)

    master, slave = os.openpty()
    tty.setraw(slave)
    program = CounterProgram(keypad_port=os.ttyname(slave), keypad_protocol="ascii", poll_s=0.1)
    window = program.window
    window.resize(*SIZE)
    program.start()
    window.show()
    saved: list[Path] = []

    login = window.login
    _wait(lambda: login.counter.count() > 0)
    login.counter.setCurrentIndex(login.counter.findData(1))
    QTest.keyClicks(login.username, "lan")
    QTest.keyClicks(login.pin, "1234")
    QTest.qWait(50)
    saved.append(out_dir / "counter-login.png")
    window.grab().save(str(saved[-1]))

    QTest.mouseClick(login.button, Qt.MouseButton.LeftButton)
    session = program.session
    _wait(lambda: session.snapshot is not None and session.busy is None)
    _wait(lambda: "đã kết nối" in window.main.keypad.state.text())
    # the citizen sent over from counter 3 shows the ticket: the officer types its code
    QTest.keyClicks(window.main.call_box.edit, "C001")
    QTest.keyClick(window.main.call_box.edit, Qt.Key.Key_Return)
    _wait(lambda: session.ticket is not None)
    from db import queue, statuses

    queue.start_service(1, now=time.time() - 4 * 60 - 12)   # being served for a few minutes
    _wait(lambda: session.ticket is not None and session.ticket.status == statuses.SERVING)
    session.attach_dossier("https://dichvucong.example.vn/tra-cuu?maHoSo=000.00.12.H26-241125-0042")
    _wait(lambda: "H26-241125-0042" in window.main.ticket.dossiers.text())
    _wait(lambda: bool(window.main.ticket.note.text()))
    QTest.qWait(1100)                                # the running timer ticks once
    saved.append(out_dir / "counter-main.png")
    window.grab().save(str(saved[-1]))

    QTest.keyClick(window, Qt.Key.Key_F6)
    _wait(lambda: window.transfer_dialog is not None and window.transfer_dialog.isVisible())
    dialog = window.transfer_dialog
    dialog.to_service.setChecked(True)
    codes = [dialog.service_box.itemData(i) for i in range(dialog.service_box.count())]
    dialog.service_box.setCurrentIndex(codes.index("TP") if "TP" in codes else 0)
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    for ch in "Hồ sơ đủ, chuyển chứng thực":
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(dialog.note, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch))
    QTest.qWait(50)
    shot = window.grab()
    dimmed = QPainter(shot)
    dimmed.fillRect(shot.rect(), QColor(0, 0, 0, 110))   # the modal dialog dims the window behind it
    face = dialog.grab()
    corner = QPoint((shot.width() - face.width()) // 2, (shot.height() - face.height()) // 3)
    dimmed.drawPixmap(corner, face)
    dimmed.setPen(QColor(theme.NAVY))                     # the frame a window manager would draw
    dimmed.drawRect(corner.x() - 1, corner.y() - 1, face.width() + 1, face.height() + 1)
    dimmed.end()
    saved.append(out_dir / "counter-transfer.png")
    shot.save(str(saved[-1]))
    dialog.reject()

    # an appointment: TP takes bookings, a citizen booked the slot running now and checked in at the kiosk
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from db import admin_ops, bookings
    from db.permissions import Actor

    admin_ops.set_booking_capacity("TP", 15, 2, actor=Actor("quang", "supervisor"))
    local = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh"))
    slot = local.replace(minute=local.minute // 15 * 15, second=0, microsecond=0)
    made = bookings.book("TP", slot.strftime("%Y-%m-%dT%H:%M"), "Trịnh Văn Nam", "0912345678")
    booked = bookings.check_in(made.code, kiosk="kiosk-1")
    for _ in range(3):          # a priority ticket still goes first; then the appointment whose slot has started
        _wait(lambda: session.busy is None)
        session.done()
        _wait(lambda: session.ticket is None and session.busy is None)
        session.call_next()
        _wait(lambda: session.ticket is not None and session.busy is None)
        if session.ticket.code == booked.code:
            break
    _wait(lambda: session.ticket is not None and session.ticket.code == booked.code)
    _wait(lambda: window.main.ticket.appointment.text() != "")
    _wait(lambda: session.snapshot is not None and all(t.code != booked.code for t in session.snapshot.next_up))
    QTest.qWait(1100)
    saved.append(out_dir / "counter-appointment.png")
    window.grab().save(str(saved[-1]))

    # the same screen after the officer pressed the language button: English, the whole window
    from ui_common import i18n

    QTest.mouseClick(window.main.top.language, Qt.MouseButton.LeftButton)
    call_next = window.main.actions.buttons[Action.CALL_NEXT]
    _wait(lambda: i18n.language() == "en" and call_next.text().endswith("Call next"))
    QTest.qWait(1100)
    saved.append(out_dir / "counter-main-en.png")
    window.grab().save(str(saved[-1]))
    i18n.set_language("vi")

    program.stop()
    window.close()
    from ui_common.tasks import wait_for_idle

    wait_for_idle(5.0)
    close()
    os.close(master)
    os.close(slave)
    app.processEvents()
    return saved


if __name__ == "__main__":
    target = Path(sys.argv[1])
    for path in render(target):
        print(path)
