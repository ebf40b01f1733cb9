"""Report figures for appointments, worked out by hand, in JSON, table, CSV and XLSX (both engines).

Day 2026-11-25 (report made at 18:00):
  B1 TP 09:00  booked the day before, checks in 08:50, called 09:02     -> wait 09:02 - 09:00 = 120
  B5 KS 09:30  checks in 09:00, called 09:10 (before its slot)           -> wait 0
  B2 TP 09:15  checks in 09:20 (late, within grace), called 09:25       -> wait 09:25 - 09:20 = 300
  B3 TP 10:00  never comes                                              -> no-show
  B4 KS 10:00  cancelled
Day 2026-11-26: B6 TP 09:00 booked (in the future at 18:00 on the 25th: neither checked in nor no-show).
"""

from __future__ import annotations

import csv
import io

import pytest

from db import bookings, queue
from db.report_export import build_workbook, csv_rows, render_table
from db.reports import build_report, report_labels


def stats(mean, median, p90, maximum):
    return {"mean": mean, "median": median, "p90": p90, "max": maximum}


@pytest.fixture
def appointment_day(booking_db, clock):
    def book(service, at_text, phone):
        return bookings.book(service, at_text, "Phạm Thị Dung", phone, now=clock(16, 0, day=24))

    b1 = book("TP", "2026-11-25T09:00", "0912000001")
    b2 = book("TP", "2026-11-25T09:15", "0912000002")
    book("TP", "2026-11-25T10:00", "0912000003")
    b4 = book("KS", "2026-11-25T10:00", "0912000004")
    b5 = book("KS", "2026-11-25T09:30", "0912000005")
    book("TP", "2026-11-26T09:00", "0912000006")
    bookings.cancel(b4.code, now=clock(8, 0))
    first = bookings.check_in(b1.code, now=clock(8, 50))
    ks = bookings.check_in(b5.code, now=clock(9, 0))
    assert queue.call_next(1, now=clock(9, 2)).id == first.id
    queue.finish_service(1, now=clock(9, 10))
    assert queue.call_next(1, now=clock(9, 10)).id == ks.id
    queue.finish_service(1, now=clock(9, 20))
    late = bookings.check_in(b2.code, now=clock(9, 20))
    assert queue.call_next(1, now=clock(9, 25)).id == late.id
    queue.finish_service(1, now=clock(9, 30))
    return clock(18, 0)


def test_bookings_and_appointment_wait_per_day_service_and_counter(appointment_day):
    report = build_report("2026-11-25", "2026-11-26", now=appointment_day)
    totals = report["totals"]
    assert totals["bookings"] == {"made": 6, "checked_in": 3, "no_show": 1, "cancelled": 1}
    assert totals["appointment_wait_s"] == stats(140.0, 120.0, 300.0, 300.0)
    by_day = {row["day"]: row for row in report["by_day"]}
    assert by_day["2026-11-25"]["bookings"] == {"made": 5, "checked_in": 3, "no_show": 1, "cancelled": 1}
    assert by_day["2026-11-26"]["bookings"] == {"made": 1, "checked_in": 0, "no_show": 0, "cancelled": 0}
    assert by_day["2026-11-26"]["appointment_wait_s"] == stats(None, None, None, None)
    by_service = {row["service"]: row for row in report["by_service"]}
    assert by_service["TP"]["bookings"] == {"made": 4, "checked_in": 2, "no_show": 1, "cancelled": 0}
    assert by_service["TP"]["appointment_wait_s"] == stats(210.0, 210.0, 300.0, 300.0)
    assert by_service["KS"]["bookings"] == {"made": 2, "checked_in": 1, "no_show": 0, "cancelled": 1}
    assert by_service["KS"]["appointment_wait_s"] == stats(0.0, 0.0, 0.0, 0.0)
    assert by_service["DD"]["bookings"] == {"made": 0, "checked_in": 0, "no_show": 0, "cancelled": 0}
    counter = {row["counter"]: row for row in report["by_counter"]}[1]
    assert counter["bookings"] == {"made": 0, "checked_in": 0, "no_show": 0, "cancelled": 0}   # bookings have no counter
    assert counter["appointment_wait_s"] == totals["appointment_wait_s"]
    assert totals["served"] == 3 and totals["issued"] == 3     # appointment tickets are tickets too


def test_a_booking_becomes_a_no_show_only_when_its_window_has_closed(appointment_day, clock):
    assert build_report("2026-11-25", "2026-11-25", now=clock(10, 15))["totals"]["bookings"]["no_show"] == 0
    assert build_report("2026-11-25", "2026-11-25", now=clock(10, 15, 1))["totals"]["bookings"]["no_show"] == 1


def test_every_export_format_carries_the_appointment_figures(appointment_day):
    report = build_report("2026-11-25", "2026-11-25", now=appointment_day)
    labels = report_labels()
    header, rows = csv_rows(report, labels)
    made = header.index("Lịch hẹn đã đặt / Bookings made")
    wait = header.index("Thời gian chờ theo hẹn TB / Appointment wait mean")
    totals = rows[0]
    assert totals[made] == 5 and totals[wait] == 140.0
    assert totals[header.index("Lịch hẹn vắng / Booking no-shows")] == 1
    text = io.StringIO()
    csv.writer(text).writerow(header)
    assert "Bookings checked in" in text.getvalue()
    table = render_table(report, labels)
    assert "Hẹn đến" in table and "Appt wait" in table and "2:20" in table
    workbook = build_workbook(report, labels)
    sheet = workbook["Theo dịch vụ - By service"]
    headers = [c.value for c in sheet[1]]
    column = headers.index("Lịch hẹn đã đến\nBookings checked in")
    values = {sheet.cell(row=r, column=1).value: sheet.cell(row=r, column=column + 1).value
              for r in range(2, sheet.max_row + 1)}
    assert values["TP"] == 2 and values["KS"] == 1
    summary = {workbook["Tổng hợp - Summary"].cell(row=r, column=1).value: workbook["Tổng hợp - Summary"].cell(row=r, column=2).value
               for r in range(2, workbook["Tổng hợp - Summary"].max_row + 1)}
    assert summary["Lịch hẹn đã đặt / Bookings made"] == 5
