"""Dossier codes: attached to the served ticket, counted with its rating, exported per dossier."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from db import dossiers, queue, ratings
from db.errors import InvalidInput, NotAllowed
from db.report_export import write_dossier_csv, write_dossier_xlsx
from db.reports import build_report

ROOT = Path(__file__).parents[2]
DAY = "2026-11-25"


@pytest.mark.parametrize("text", ["", "   ", "A B", "H26#1", "X" * 41, "Mã-hồ-sơ", "A,B"])
def test_malformed_codes_are_refused_with_a_reason(text):
    with pytest.raises(InvalidInput) as refused:
        dossiers.normalize_code(text)
    assert refused.value.message_vi and refused.value.message_en
    assert refused.value.exit_code == 2


def test_codes_are_upper_cased_and_may_hold_dots_dashes_and_slashes():
    assert dossiers.normalize_code(" h26.99-241202/0001 ") == "H26.99-241202/0001"
    assert dossiers.normalize_code("X" * 40) == "X" * 40


@pytest.mark.parametrize(("scanned", "code"), [
    ("000.00.12.H26-241202-0001", "000.00.12.H26-241202-0001"),
    ("https://dichvucong.example.vn/tra-cuu?maHoSo=000.00.12.H26-241202-0001&x=1", "000.00.12.H26-241202-0001"),
    ("https://motcua.example.vn/hoso/H26.99-0007", "H26.99-0007"),
    ('{"MaHoSo": "H26/2026-15", "HoTen": "Nguyễn Văn A"}', "H26/2026-15"),
    ("Mã hồ sơ: H26.99-0001\nHọ tên: Trần Thị B", "H26.99-0001"),
    ("ma_ho_so=K1-22|ngay=2026-11-25", "K1-22"),
])
def test_the_code_is_found_in_every_documented_qr_form(scanned, code):
    assert dossiers.code_from_scan(scanned) == code


def test_a_qr_text_without_a_code_field_is_refused():
    with pytest.raises(InvalidInput):
        dossiers.code_from_scan("Họ tên: Trần Thị B\nNgày: 25/11/2026")


def _serve(counter: int, clock, minute: int, service: str = "TP"):
    ticket = queue.issue_ticket(service, now=clock(9, minute))
    called = queue.call_next(counter, officer="lan", now=clock(9, minute, 10))
    assert called.id == ticket.id
    queue.start_service(counter, now=clock(9, minute, 20))
    return ticket


def test_several_codes_attach_to_the_ticket_being_served(site_db, clock):
    ticket = _serve(1, clock, 0)
    first = dossiers.attach(1, "H26.99-0001", now=clock(9, 1))
    second = dossiers.attach(1, "h26.99-0002", now=clock(9, 2))
    again = dossiers.attach(1, "H26.99-0001", now=clock(9, 3))
    assert first.ticket.id == ticket.id and first.added
    assert second.ticket.to_json()["dossiers"] == ["H26.99-0001", "H26.99-0002"]
    assert not again.added and again.ticket.to_json()["dossiers"] == ["H26.99-0001", "H26.99-0002"]


def test_a_code_already_on_another_ticket_today_is_accepted_and_flagged(site_db, clock):
    earlier = _serve(1, clock, 0)
    dossiers.attach(1, "H26.99-0001", now=clock(9, 1))
    queue.finish_service(1, now=clock(9, 2))
    _serve(1, clock, 10)
    result = dossiers.attach(1, "H26.99-0001", now=clock(9, 11))
    assert result.added
    assert result.also_on == (earlier.code,)


def test_after_done_the_code_goes_to_the_ticket_just_finished_then_nowhere(site_db, clock):
    ticket = _serve(1, clock, 0)
    queue.finish_service(1, now=clock(9, 5))
    assert dossiers.attach(1, "H26.99-0009", now=clock(9, 6)).ticket.id == ticket.id
    with pytest.raises(NotAllowed):
        dossiers.attach(1, "H26.99-0010", now=clock(9, 30))   # long past the ratings window


def test_a_counter_with_no_ticket_refuses(site_db, clock):
    with pytest.raises(NotAllowed) as refused:
        dossiers.attach(2, "H26.99-0001", now=clock(9, 0))
    assert "2" in refused.value.message_vi


def test_a_mistyped_code_can_be_taken_off_again(site_db, clock):
    _serve(1, clock, 0)
    dossiers.attach(1, "H26.99-0001", now=clock(9, 1))
    dossiers.attach(1, "H26.99-0002", now=clock(9, 1, 30))
    left = dossiers.detach(1, "H26.99-0001", now=clock(9, 2))
    assert left.to_json()["dossiers"] == ["H26.99-0002"]


def test_export_lists_each_rated_dossier_with_its_tickets_latest_rating(site_db, clock):
    a = _serve(1, clock, 0)
    dossiers.attach(1, "H26.99-0001", now=clock(9, 1))
    dossiers.attach(1, "H26.99-0002", now=clock(9, 1, 10))
    ratings.record_press(1, 2, now=clock(9, 2))
    ratings.record_press(1, 3, now=clock(9, 2, 30))      # the latest press is the ticket's rating
    queue.finish_service(1, now=clock(9, 3))
    b = _serve(3, clock, 10, service="DD")
    dossiers.attach(3, "K-77", now=clock(9, 11))          # served, never rated: not a row
    queue.finish_service(3, now=clock(9, 12))
    c = _serve(1, clock, 20)                              # rated, no dossier: not a row
    ratings.record_press(1, 1, now=clock(9, 21))
    rows = dossiers.ratings_export(DAY, DAY)
    assert [(r["dossier"], r["ticket_code"], r["value"], r["counter"], r["officer"]) for r in rows] == [
        ("H26.99-0001", a.code, 3, 1, "lan"), ("H26.99-0002", a.code, 3, 1, "lan")]
    assert rows[0]["service"] == "TP" and rows[0]["service_day"] == DAY
    assert rows[0]["pressed_at"].startswith(f"{DAY}T09:02:30")
    assert {b.code, c.code}.isdisjoint({r["ticket_code"] for r in rows})
    report = build_report(DAY, DAY)
    assert report["totals"]["dossiers"] == 3
    by_counter = {e["counter"]: e["dossiers"] for e in report["by_counter"]}
    assert by_counter[1] == 2 and by_counter[3] == 1


def test_csv_and_xlsx_exports_hold_the_same_rows(site_db, clock, tmp_path):
    _serve(1, clock, 0)
    dossiers.attach(1, "H26.99-0001", now=clock(9, 1))
    ratings.record_press(1, 3, now=clock(9, 2))
    rows = dossiers.ratings_export(DAY, DAY)
    out = io.StringIO()
    write_dossier_csv(rows, out)
    parsed = list(csv.DictReader(io.StringIO(out.getvalue().lstrip("\ufeff"))))
    assert parsed[0]["dossier"] == "H26.99-0001" and parsed[0]["value"] == "3"
    write_dossier_xlsx(rows, tmp_path / "d.xlsx")
    from openpyxl import load_workbook

    sheet = load_workbook(tmp_path / "d.xlsx").active
    assert sheet.cell(1, 1).value.startswith("Mã hồ sơ")
    assert sheet.cell(2, 1).value == "H26.99-0001" and sheet.cell(2, 7).value == 3


def _onestop(url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "ONESTOP_DB": url}
    return subprocess.run([sys.executable, "-m", "cli.main", *args], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=60)


def test_done_means_scan_receipt_rate_and_export(db_url):
    """An officer scans a receipt's QR while serving, the citizen presses 3, the export lists it."""
    assert _onestop(db_url, "init").returncode == 0
    ticket = json.loads(_onestop(db_url, "issue", "TP").stdout)
    assert json.loads(_onestop(db_url, "call", "--counter", "1", "--officer", "lan").stdout)["id"] == ticket["id"]
    scanned = _onestop(db_url, "dossier", "--counter", "1", "--scan",
                       "https://dichvucong.example.vn/tra-cuu?maHoSo=000.00.12.H26-241202-0001")
    assert scanned.returncode == 0, scanned.stderr
    assert json.loads(scanned.stdout)["dossiers"] == ["000.00.12.H26-241202-0001"]
    assert _onestop(db_url, "rate", "--counter", "1", "--value", "3").returncode == 0
    day = ticket["service_day"]
    exported = _onestop(db_url, "ratings-export", "--from", day, "--to", day, "--format", "json")
    assert exported.returncode == 0, exported.stderr
    [row] = json.loads(exported.stdout)
    assert row == {**row, "dossier": "000.00.12.H26-241202-0001", "ticket_code": ticket["code"], "value": 3,
                   "counter": 1, "officer": "lan", "service": "TP"}
    bad = _onestop(db_url, "dossier", "--counter", "1", "bad code!")
    assert bad.returncode == 2 and "dossier" in bad.stderr.lower() and len(bad.stderr.strip().splitlines()) == 1
