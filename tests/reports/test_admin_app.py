"""The admin program (``onestop admin``) driven offscreen with pytest-qt, on SQLite.

Login is exercised by typing and clicking the real button; the window's data
comes through the same db functions the CLI uses, so the tests compare what
the tabs show with ``build_report`` and the database.
"""

from __future__ import annotations

from datetime import date

import openpyxl
import pytest
from fixture_day import DAY, at
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QDialog

from admin_app.login import LoginDialog
from admin_app.window import AdminWindow
from db import queue
from db.officers import authenticate
from db.report_export import SHEET_TITLES
from db.reports import build_report
from db.site import load_site


def type_in(qtbot, widget, text: str) -> None:
    widget.clear()
    qtbot.keyClicks(widget, text)  # ASCII only: non-ASCII keyClicks aborts PySide6 6.12


def log_in(qtbot, dialog: LoginDialog, username: str, pin: str) -> None:
    type_in(qtbot, dialog.username, username)
    type_in(qtbot, dialog.pin, pin)
    dialog.message.setText("")
    qtbot.mouseClick(dialog.login_button, Qt.LeftButton)


@pytest.fixture
def open_window(qtbot):
    """``open_window(username, now)`` -> a started AdminWindow for that account."""

    def make(username: str = "admin", now: float = at(10, 0)) -> AdminWindow:
        officer = authenticate(username, "1234", roles=("supervisor", "admin"), now=now)
        window = AdminWindow(officer, load_site(), now=lambda: now)
        qtbot.addWidget(window)
        window.resize(1366, 768)
        window.show()
        window.start()
        qtbot.waitUntil(lambda: window.overview.status is not None and not window.work.busy, timeout=10_000)
        return window

    return make


def test_officer_is_refused_and_the_window_never_opens(qtbot, sqlite_site_db):
    dialog = LoginDialog("UBND xã Quang Kim")
    qtbot.addWidget(dialog)
    dialog.show()
    log_in(qtbot, dialog, "lan", "1234")          # a real officer, right PIN
    qtbot.waitUntil(lambda: dialog.message.text() != "", timeout=10_000)
    assert "không có quyền" in dialog.message.text()
    assert dialog.officer is None and dialog.result() != QDialog.Accepted
    assert dialog.pin.text() == ""                  # the PIN is cleared after a refusal

    log_in(qtbot, dialog, "quang", "9999")         # a supervisor with a wrong PIN
    qtbot.waitUntil(lambda: dialog.message.text() != "", timeout=10_000)
    assert dialog.officer is None and "PIN" in dialog.message.text()


@pytest.mark.parametrize("username, role", [("quang", "supervisor"), ("admin", "admin")])
def test_supervisor_and_admin_get_in(qtbot, sqlite_site_db, username, role):
    dialog = LoginDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    log_in(qtbot, dialog, username, "1234")
    qtbot.waitUntil(lambda: dialog.officer is not None, timeout=10_000)
    assert dialog.officer.role == role and dialog.result() == QDialog.Accepted


def test_overview_shows_queues_counters_and_longest_wait(qtbot, sqlite_site_db, open_window):
    from db.officers import sign_in_at_counter

    sign_in_at_counter("lan", 1, now=at(8, 0))
    for minute in (0, 5, 10):
        queue.issue_ticket("TP", now=at(9, minute))
    queue.issue_ticket("DD", now=at(9, 20))
    queue.call_next(1, now=at(9, 25))               # A001 called at counter 1
    window = open_window("quang", now=at(9, 40))
    overview = window.overview
    services = {overview.services.item(r, 0).text(): r for r in range(overview.services.rowCount())}
    assert overview.services.item(services["TP"], 2).text() == "2"
    assert overview.services.item(services["TP"], 4).text() == "35:00"   # A002 waiting since 09:05
    assert overview.services.item(services["TP"], 6).text() == "A002  A003"
    assert overview.counters.item(0, 2).text() == "Vi Thị Lan"
    assert overview.counters.item(0, 3).text().startswith("Đang gọi")
    assert overview.counters.item(0, 4).text() == "A001"
    assert overview.counters.item(0, 6).text() == "15:00"
    assert overview.waiting.value.text() == "3"
    assert overview.longest.value.text() == "35:00  TP"                   # over TP's 15 min target
    assert overview.today.value.text() == "4 · 0"


def test_reports_tab_shows_the_report_and_its_charts(qtbot, sqlite_report_db, open_window):
    window = open_window("quang")
    reports = window.reports
    reports.set_range(date(2026, 11, 25), date(2026, 11, 25))
    reports.breakdown.setCurrentIndex(1)            # by service
    qtbot.mouseClick(reports.show_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: reports.report is not None, timeout=10_000)
    assert reports.report == build_report(DAY, DAY)
    table = reports.table
    assert table.rowCount() == 7 + 1                # seven services and the total row
    assert [table.item(r, 0).text() for r in range(3)] == ["TP", "KS", "DD"]
    assert table.item(1, 1).text() == "Đăng ký khai sinh, kết hôn, khai tử"
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]    # the program's language
    assert table.item(7, headers.index("Thời gian chờ trung vị")).text() == "8:00"
    assert table.item(7, headers.index("Đạt thời gian chờ mục tiêu")).text() == "80.0%"
    arrivals = reports.arrivals_view.chart().series()[0].barSets()[0]
    assert sum(arrivals.at(i) for i in range(arrivals.count())) == 8
    waits = reports.wait_view.chart().series()[0].barSets()[0]
    assert [waits.at(i) for i in range(4)] == [0, 3, 1, 0]   # 300 300 480 | 600 | (1800 later)
    levels = reports.satisfaction_view.chart().series()[0].barSets()
    assert [s.at(0) for s in levels] == [2, 1, 1] and levels[0].label().startswith("Rất hài lòng")
    reports.breakdown.setCurrentIndex(3)            # by officer: no new query
    assert [table.item(r, 0).text() for r in range(3)] == ["hung", "lan", "mai"]


def test_reports_tab_exports_xlsx_and_csv(qtbot, sqlite_report_db, open_window, tmp_path):
    window = open_window("quang")
    reports = window.reports
    reports.set_range(date(2026, 11, 25), date(2026, 11, 26))
    reports.show_report()
    qtbot.waitUntil(lambda: reports.report is not None, timeout=10_000)
    target = tmp_path / "tuan.xlsx"
    reports.export("xlsx", target)
    qtbot.waitUntil(lambda: "Đã lưu" in reports.message.text(), timeout=10_000)
    summary = openpyxl.load_workbook(target)[SHEET_TITLES["summary"]]
    assert {r[0].value: r[1].value for r in summary.iter_rows(min_row=2)}["Số phát / Issued"] == 9
    reports.export("csv", tmp_path / "tuan.csv")
    qtbot.waitUntil(lambda: "tuan.csv" in reports.message.text(), timeout=10_000)
    assert (tmp_path / "tuan.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_supervisor_sees_admin_only_actions_greyed_out(qtbot, sqlite_site_db, open_window):
    window = open_window("quang")
    management, settings = window.management, window.settings
    for button in (management.add_service_button, management.add_officer_button, management.reset_pin_button,
                   management.toggle_counter_button, settings.import_button, settings.backup_button):
        assert not button.isEnabled() and button.toolTip()
    assert management.seat_button.isEnabled() and settings.notice_button.isEnabled()
    assert settings.hours_button.isEnabled() and settings.export_button.isEnabled()


def test_management_actions_change_the_database(qtbot, sqlite_site_db, open_window):
    window = open_window("admin")
    management = window.management
    qtbot.waitUntil(lambda: management.officers.rowCount() == 5, timeout=10_000)
    management.add_service({"code": "hc", "name": "Hành chính chung", "name_en": "", "prefix": "h",
                            "target_wait_min": 10, "daily_limit": None})
    qtbot.waitUntil(lambda: management.services.rowCount() == 8, timeout=10_000)
    assert management.services.item(7, 0).text() == "HC" and "HC" in management.message.text()
    assert queue.issue_ticket("HC", now=at(10, 0)).code == "H001"

    management.officers.selectRow([management.officers.item(r, 0).text()
                                   for r in range(management.officers.rowCount())].index("lan"))
    management.reset_pin("8642")
    qtbot.waitUntil(lambda: "PIN" in management.message.text(), timeout=10_000)
    assert authenticate("lan", "8642").username == "lan"

    management.counters.selectRow(0)
    management.seat_officer("hung")
    qtbot.waitUntil(lambda: management.counters.item(0, 3).text() == "Nguyễn Văn Hùng", timeout=10_000)

    management.add_officer({"username": "xuan", "full_name": "Đỗ Thị Xuân", "role": "officer", "pin": "12"})  # refused
    qtbot.waitUntil(lambda: "PIN" in management.message.text() and "4-12" in management.message.text(),
                    timeout=10_000)


def test_settings_notice_hours_export_and_backup(qtbot, sqlite_site_db, open_window, tmp_path):
    import sqlite3
    import tomllib

    window = open_window("admin")
    settings = window.settings
    qtbot.waitUntil(lambda: settings.hours.text() == "00:00-24:00", timeout=10_000)
    settings.notice.setText("Chiều thứ Sáu nghỉ họp cơ quan")
    qtbot.mouseClick(settings.notice_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: load_site().notice == "Chiều thứ Sáu nghỉ họp cơ quan", timeout=10_000)

    settings.hours.setText("07:30-11:30, 13:30-17:00")
    settings.days["sat"].setChecked(False)
    settings.days["sun"].setChecked(False)
    qtbot.mouseClick(settings.hours_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: load_site().opening_hours == ("07:30-11:30", "13:30-17:00"), timeout=10_000)
    assert "sat" not in load_site().days

    settings.export_file(tmp_path / "site.toml")
    qtbot.waitUntil(lambda: (tmp_path / "site.toml").exists() and "site.toml" in settings.message.text(),
                    timeout=10_000)
    assert tomllib.loads((tmp_path / "site.toml").read_text())["site"]["days"] == ["mon", "tue", "wed", "thu", "fri"]

    settings.backup(tmp_path / "backup.db")
    qtbot.waitUntil(lambda: "backup.db" in settings.message.text(), timeout=10_000)
    with sqlite3.connect(tmp_path / "backup.db") as copy:
        assert copy.execute("SELECT COUNT(*) FROM service").fetchone() == (7,)


def _distinct_colours(image: QImage, step: int = 7) -> int:
    seen = set()
    for x in range(0, image.width(), step):
        for y in range(0, image.height(), step):
            seen.add(image.pixel(x, y))
    return len(seen)


def test_every_tab_renders_offscreen_with_charts(qtbot, sqlite_report_db, open_window, tmp_path):
    window = open_window("admin")
    window.reports.set_range(date(2026, 11, 25), date(2026, 11, 26))
    window.reports.show_report()
    qtbot.waitUntil(lambda: window.reports.report is not None, timeout=10_000)
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        qtbot.wait(50)
        path = tmp_path / f"tab-{index}.png"
        assert window.grab().save(str(path))
        assert _distinct_colours(QImage(str(path))) > 20, f"tab {index} looks blank"
    chart_image = window.reports.arrivals_view.grab().toImage()
    assert _distinct_colours(chart_image, 3) > 5


def test_overview_follows_the_feed_and_ages_waits_without_reading(qtbot, sqlite_site_db):
    """A ticket issued elsewhere appears through the event log, not a 1 s poll; waits grow with the clock."""
    queue.issue_ticket("TP", now=at(9, 0))
    moment = [at(9, 40)]
    officer = authenticate("quang", "1234", roles=("supervisor", "admin"), now=moment[0])
    window = AdminWindow(officer, load_site(), now=lambda: moment[0])
    qtbot.addWidget(window)
    window.show()
    window.start()
    overview = window.overview
    qtbot.waitUntil(lambda: overview.waiting.value.text() == "1", timeout=10_000)
    assert overview.longest.value.text() == "40:00  TP"
    reads = overview.reads

    queue.issue_ticket("TP", now=at(9, 41))             # as the kiosk would: only the event log tells
    qtbot.waitUntil(lambda: overview.waiting.value.text() == "2", timeout=10_000)
    assert overview.reads - reads <= 2                   # one read for the event (two if it raced the first)
    reads = overview.reads

    moment[0] += 65                                      # the clock alone moves: redrawn, not re-read
    qtbot.waitUntil(lambda: overview.longest.value.text() == "41:05  TP", timeout=5_000)
    assert overview.reads == reads


def test_reports_tab_lists_rated_dossiers_and_exports_them_with_vietnamese_headers(qtbot, sqlite_site_db,
                                                                                  open_window, tmp_path):
    import csv

    from db import dossiers
    from db.ratings import record_press

    ticket = queue.issue_ticket("TP", now=at(9, 0))
    queue.call_next(1, officer="lan", now=at(9, 1))
    queue.start_service(1, now=at(9, 2))
    dossiers.attach(1, "000.00.12.H26-241125-0001", now=at(9, 3))
    dossiers.attach(1, "H26.99-0002", now=at(9, 3, 30))
    record_press(1, 3, now=at(9, 4))
    window = open_window("quang")
    reports = window.reports
    reports.set_range(date(2026, 11, 25), date(2026, 11, 25))
    reports.show_report()
    qtbot.waitUntil(lambda: reports.report is not None, timeout=10_000)
    reports.breakdown.setCurrentIndex(reports.breakdown.count() - 1)       # ratings by dossier
    table = reports.table
    assert table.rowCount() == 2
    assert [table.item(r, 0).text() for r in range(2)] == ["000.00.12.H26-241125-0001", "H26.99-0002"]
    assert table.item(0, 1).text() == ticket.code and table.item(0, 6).text() == "3"
    assert "hồ sơ được đánh giá 2" in reports.summary.text()
    reports.export("csv", tmp_path / "ho-so.csv")
    qtbot.waitUntil(lambda: "ho-so.csv" in reports.message.text(), timeout=10_000)
    with open(tmp_path / "ho-so.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][0] == "Mã hồ sơ / Dossier" and rows[1][0] == "000.00.12.H26-241125-0001" and rows[1][6] == "3"
    reports.export("xlsx", tmp_path / "ho-so.xlsx")
    qtbot.waitUntil(lambda: "ho-so.xlsx" in reports.message.text(), timeout=10_000)
    sheet = openpyxl.load_workbook(tmp_path / "ho-so.xlsx").active
    assert sheet.cell(1, 1).value.startswith("Mã hồ sơ") and sheet.cell(3, 1).value == "H26.99-0002"
