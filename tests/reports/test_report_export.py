"""Report exports (CSV, XLSX, terminal table), ``onestop report`` and ``onestop backup``.

Files are opened back with the tools a site would use (the ``csv`` module with
``utf-8-sig``, openpyxl, sqlite3) and checked against the hand-computed figures
of the fixture day.
"""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest
from fixture_day import DAY, NEXT

from db.report_export import SHEET_TITLES, render_table, write_csv, write_xlsx
from db.reports import build_report, report_labels

ONESTOP = [sys.executable, "-m", "cli.main"]
ROOT = Path(__file__).parents[2]


def run(url: str, *args: str, text: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "ONESTOP_DB": url}
    return subprocess.run([*ONESTOP, *args], capture_output=True, text=text, cwd=ROOT, env=env, timeout=120)


def test_csv_opens_with_the_csv_module_and_keeps_vietnamese(sqlite_report_db, tmp_path):
    target = tmp_path / "report.csv"
    write_csv(build_report(DAY, DAY), target, report_labels())
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel then reads UTF-8
    with open(target, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    totals = next(r for r in rows if r["Phần / Section"] == "Tổng cộng / Totals")
    assert totals["Số phát / Issued"] == "8"
    assert totals["Đã phục vụ / Served"] == "5"
    assert totals["Thời gian chờ trung vị / Waiting time median"] == "480.0"
    assert totals["Thời gian chờ p90 / Waiting time p90"] == "1800.0"
    assert totals["Đạt thời gian chờ mục tiêu / Served within target"] == "80.0"
    assert totals["Rất hài lòng (3) % / Very satisfied (3) %"] == "50.0"
    assert totals["Đánh giá không gắn phiếu / Unattached ratings"] == "1"
    service_rows = {r["Mã / Key"]: r for r in rows if r["Phần / Section"] == "Theo dịch vụ / By service"}
    assert service_rows["KS"]["Tên / Name"] == "Đăng ký khai sinh, kết hôn, khai tử"
    assert service_rows["KS"]["Chuyển tiếp / Transferred"] == "1"
    assert service_rows["XD"]["Thời gian chờ TB / Waiting time mean"] == ""  # null -> empty cell
    officers = {r["Mã / Key"]: r["Tên / Name"] for r in rows if r["Phần / Section"] == "Theo cán bộ / By officer"}
    assert officers == {"hung": "Nguyễn Văn Hùng", "lan": "Vi Thị Lan", "mai": "Trần Thị Mai"}
    hours = {r["Mã / Key"]: r["Số phát / Issued"] for r in rows if r["Phần / Section"] == "Theo giờ / By hour"}
    assert len(hours) == 24 and hours["08"] == "3" and hours["23"] == "2"


def test_xlsx_has_a_sheet_per_breakdown_with_real_numbers(sqlite_report_db, tmp_path):
    target = tmp_path / "report.xlsx"
    write_xlsx(build_report(DAY, NEXT), target, report_labels())
    wb = openpyxl.load_workbook(target)
    assert wb.sheetnames == list(SHEET_TITLES.values())
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2"  # header row stays visible
        assert ws.cell(row=1, column=1).font.bold

    days = wb[SHEET_TITLES["by_day"]]
    header = [c.value for c in days[1]]
    assert header[0] == "Ngày\nDay"
    assert header[1] == "Số phát\nIssued"
    col = {h.split("\n")[1]: i for i, h in enumerate(header)}
    first = [c for c in days[2]]
    assert first[0].value.date() == date(2026, 11, 25) and first[0].number_format == "dd/mm/yyyy"
    assert first[col["Issued"]].value == 8 and first[col["Issued"]].number_format == "#,##0"
    wait_median = first[col["Waiting time median"]]
    assert wait_median.value == timedelta(minutes=8) and wait_median.number_format == "[h]:mm:ss"
    within = first[col["Served within target"]]
    assert within.value == pytest.approx(0.8) and within.number_format == "0.00%"
    assert days.max_row == 3  # header + 25th + 26th

    services = wb[SHEET_TITLES["by_service"]]
    rows = {r[0].value: r for r in services.iter_rows(min_row=2)}
    assert rows["KS"][1].value == "Đăng ký khai sinh, kết hôn, khai tử"
    assert rows["XD"][col["Waiting time mean"] + 1].value is None

    summary = wb[SHEET_TITLES["summary"]]
    values = {r[0].value: r[1].value for r in summary.iter_rows(min_row=2)}
    assert values["Đơn vị / Site"] == "UBND xã Quang Kim - Bộ phận Một cửa"
    assert values["Số phát / Issued"] == 9
    assert values["Rất hài lòng (3) / Very satisfied (3)"] == 2

    hours = wb[SHEET_TITLES["arrivals"]]
    assert [(r[0].value, r[1].value) for r in hours.iter_rows(min_row=2) if r[1].value] == [
        ("00:00", 1), ("08:00", 3), ("09:00", 2), ("10:00", 1), ("23:00", 2)]


def test_terminal_table_shows_each_breakdown(sqlite_report_db):
    text = render_table(build_report(DAY, DAY), report_labels())
    assert "== Theo dịch vụ / By service ==" in text
    assert "Đăng ký khai sinh, kết hôn, khai tử" in text
    assert "Rất hài lòng / Very satisfied: 2 (50.0%)" in text
    totals_line = next(line for line in text.splitlines() if line.startswith("Tổng cộng / Totals"))
    assert totals_line.split()[4:10] == ["8", "5", "1", "2", "1", "11:36"]  # 696 s = 11:36


def test_cli_json_is_the_report_document(report_db):
    result = run(report_db, "report", "--from", DAY, "--to", DAY, "--format", "json")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("\n") == 1
    document = json.loads(result.stdout)
    assert document == build_report(DAY, DAY)
    assert set(document) == {"from", "to", "totals", "by_day", "by_service", "by_counter", "by_officer",
                             "arrivals_by_hour"}


def test_cli_writes_files_by_format_or_extension(sqlite_report_db, tmp_path):
    xlsx = tmp_path / "r.xlsx"
    result = run(sqlite_report_db, "report", "--from", DAY, "--to", NEXT, "--out", str(xlsx))
    assert result.returncode == 0, result.stderr
    assert openpyxl.load_workbook(xlsx)[SHEET_TITLES["summary"]]["B6"].value == 9  # Issued after 4 info rows
    out = tmp_path / "r.txt"
    done = run(sqlite_report_db, "report", "--from", DAY, "--to", DAY, "--format", "csv", "--out", str(out))
    assert done.returncode == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    table = run(sqlite_report_db, "report", "--from", DAY, "--to", DAY)
    assert table.returncode == 0 and "Theo quầy / By counter" in table.stdout


def test_cli_refuses_bad_dates_with_exit_2(sqlite_report_db):
    result = run(sqlite_report_db, "report", "--from", "2026-02-30", "--to", DAY)
    assert result.returncode == 2
    assert result.stdout == "" and "2026-02-30" in result.stderr
    assert run(sqlite_report_db, "report", "--from", NEXT, "--to", DAY).returncode == 2


def test_sqlite_backup_is_a_complete_standalone_copy(sqlite_report_db, tmp_path):
    target = tmp_path / "saved" / "backup.db"
    result = run(sqlite_report_db, "backup", str(target))
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "saved" / "backup.db.partial").exists()
    with sqlite3.connect(target) as copy:
        assert copy.execute("SELECT COUNT(*) FROM ticket").fetchone() == (9,)
        assert copy.execute("SELECT COUNT(*) FROM rating").fetchone() == (8,)
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    again = run(f"sqlite:///{target.as_posix()}", "report", "--from", DAY, "--to", DAY, "--format", "json")
    assert json.loads(again.stdout)["totals"]["issued"] == 8


def test_backup_of_the_database_onto_itself_is_refused(sqlite_report_db):
    path = sqlite_report_db[len("sqlite:///"):]
    assert run(sqlite_report_db, "backup", path).returncode == 2


def test_postgres_backup_prints_the_pg_dump_command_and_exits_3(tmp_path):
    url = "postgresql://site:s3cret@db.example:5433/onestop"
    result = run(url, "backup", str(tmp_path / "hall.dump"))
    assert result.returncode == 3
    assert result.stdout.strip() == (f"pg_dump --format=custom --file={tmp_path / 'hall.dump'} --host=db.example "
                                     "--port=5433 --username=site onestop")
    assert "s3cret" not in result.stdout + result.stderr
