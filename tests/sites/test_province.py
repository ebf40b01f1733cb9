"""The province view: every site's figures, and two sites never mix in them."""

from __future__ import annotations

import pytest

from db import current_site
from tests.multisite import import_site_as, no_site_chosen, site_text  # noqa: F401 (autouse fixture)


def test_province_view_gives_each_site_its_own_figures_and_marks_the_one_over_target(db_url, clock):
    from db.connection import close, connect
    from db.province import province_view
    from db.queue import call_next, finish_service, issue_ticket, start_service
    from db.ratings import record_press

    close()
    connect(db_url)
    try:
        import_site_as("QK", "Xã Quang Kim")
        import_site_as("BX", "Xã Bản Xèo")
        start = clock(8, 0)
        current_site.choose("QK")
        for i in range(3):
            issue_ticket("TP", now=start + i)
        current_site.choose("BX")
        issue_ticket("TP", now=start + 10)
        issue_ticket("TP", now=clock(9, 25))
        call_next(1, now=clock(9, 26))
        start_service(1, now=clock(9, 26))
        finish_service(1, now=clock(9, 27))
        record_press(1, 3, now=clock(9, 27, 10))
        record_press(2, 2, now=clock(9, 28))
        current_site.choose(None)

        rows = {r["site"]: r for r in province_view(now=clock(9, 30))}
        assert set(rows) == {"BX", "QK"}
        qk, bx = rows["QK"], rows["BX"]
        assert (qk["waiting"], qk["served_today"]) == (3, 0)
        assert (bx["waiting"], bx["served_today"]) == (1, 1)
        assert qk["longest_wait_s"] == pytest.approx(clock(9, 30) - start, abs=0.2)
        assert bx["longest_wait_s"] == pytest.approx(clock(9, 30) - clock(9, 25), abs=0.2)
        assert qk["over_target"] is True and bx["over_target"] is False
        assert qk["target_wait_s"] is not None
        assert qk["data_up_to"] == pytest.approx(start + 2, abs=0.01)
        assert bx["data_up_to"] == pytest.approx(clock(9, 28), abs=0.01)
        assert (bx["ratings"], bx["rating_mean"]) == (2, 2.5) and (qk["ratings"], qk["rating_mean"]) == (0, None)
        assert bx["synced"] is False and qk["synced"] is False
        assert qk["name"] == "Xã Quang Kim"
    finally:
        close()


def test_all_sites_report_has_by_site_totals_over_all_and_exports_by_site(db_url, clock, tmp_path):
    import csv

    from openpyxl import load_workbook

    from db import report_export
    from db.connection import close, connect
    from db.queue import call_next, finish_service, issue_ticket, start_service
    from db.reports import all_sites_labels, build_all_sites_report, build_report

    close()
    connect(db_url)
    try:
        import_site_as("QK", "Xã Quang Kim")
        import_site_as("BX", "Xã Bản Xèo")
        day = "2026-11-25"
        for code, n in (("QK", 3), ("BX", 2)):
            current_site.choose(code)
            for i in range(n):
                issue_ticket("TP", now=clock(8, i))
                call_next(1, now=clock(8, 30 + i))
                start_service(1, now=clock(8, 30 + i))
                finish_service(1, now=clock(8, 40 + i))
        current_site.choose("QK")
        qk_alone = build_report(day, day)
        current_site.choose(None)
        with pytest.raises(Exception, match="BX, QK"):
            build_report(day, day)   # several sites and none named: still refused

        report = build_all_sites_report(day, day)
        by_site = {row["site"]: row for row in report["by_site"]}
        assert (by_site["QK"]["issued"], by_site["BX"]["issued"]) == (3, 2)
        assert by_site["QK"]["served"] == qk_alone["totals"]["served"] == 3
        assert by_site["QK"]["wait_s"] == qk_alone["totals"]["wait_s"]
        assert report["totals"]["issued"] == 5 and report["totals"]["served"] == 5
        assert {(r["site"], r["service"]) for r in report["by_service"] if r["issued"]} == {("QK", "TP"), ("BX", "TP")}

        labels = all_sites_labels()
        header, rows = report_export.csv_rows(report, labels)
        site_rows = [r for r in rows if r[0].startswith("Theo điểm")]
        assert [(r[1], r[2]) for r in site_rows] == [("BX", "Xã Bản Xèo"), ("QK", "Xã Quang Kim")]
        assert any(r[1] == "QK/TP" for r in rows)
        path = tmp_path / "all.csv"
        report_export.write_csv(report, path, labels)
        assert "Xã Bản Xèo" in path.read_text(encoding="utf-8-sig")
        assert len(list(csv.reader(path.open(encoding="utf-8-sig")))) == len(rows) + 1
        xlsx = tmp_path / "all.xlsx"
        report_export.write_xlsx(report, xlsx, labels)
        sheet = load_workbook(xlsx)["Theo điểm - By site"]
        assert [sheet.cell(row=r, column=1).value for r in (2, 3)] == ["BX", "QK"]
    finally:
        close()


def test_cli_report_all_sites_and_the_several_sites_rule(tmp_path, sqlite_url, capsys):
    import json
    from datetime import date, timedelta

    from cli.main import main
    from db.connection import close

    for code, name in (("QK", "Xã Quang Kim"), ("BX", "Xã Bản Xèo")):
        (tmp_path / f"{code}.toml").write_text(site_text(code, name), encoding="utf-8")
    today = (date.today() + timedelta(days=1)).isoformat()   # the site's day may be ahead of UTC
    span = ["--from", "2020-01-01", "--to", today]
    try:
        assert main(["--db", sqlite_url, "init", "--site", str(tmp_path / "QK.toml")]) == 0
        assert main(["--db", sqlite_url, "init", "--site", str(tmp_path / "BX.toml")]) == 0
        assert main(["--db", sqlite_url, "--site", "QK", "issue", "TP"]) == 0
        capsys.readouterr()
        assert main(["--db", sqlite_url, "report", *span, "--format", "json"]) == 2
        assert "BX, QK" in capsys.readouterr().err
        assert main(["--db", sqlite_url, "report", *span, "--format", "json", "--site", "BX"]) == 0
        assert "by_site" not in json.loads(capsys.readouterr().out)
        assert main(["--db", sqlite_url, "report", *span, "--format", "json", "--all-sites"]) == 0
        doc = json.loads(capsys.readouterr().out)
        assert [(s["site"], s["issued"]) for s in doc["by_site"]] == [("BX", 0), ("QK", 1)]
        assert doc["totals"]["issued"] == 1
        out = tmp_path / "tinh.xlsx"
        assert main(["--db", sqlite_url, "report", *span, "--all-sites", "--out", str(out)]) == 0
        assert out.stat().st_size > 0
        assert main(["--db", sqlite_url, "report", *span, "--all-sites", "--format", "table"]) == 0
        assert "Theo điểm / By site" in capsys.readouterr().out
    finally:
        close()


def test_upgrade_to_version_12_swaps_the_day_indexes_for_covering_ones_and_keeps_rows(db_url, clock):
    """A version-10 database (old ``ticket (status, service_day)`` and ``rating (service_day)``) upgrades in place."""
    from db.connection import close, connect, database_proxy
    from db.models import Rating, SchemaVersion, Ticket
    from db.queue import issue_ticket
    from db.ratings import record_press
    from db.schema import SCHEMA_VERSION

    close()
    connect(db_url)
    try:
        import_site_as("QK", "Xã Quang Kim")
        current_site.choose("QK")
        issue_ticket("TP", now=clock(9, 0))
        record_press(1, 3, now=clock(9, 1))
        db = database_proxy.obj
        db.execute_sql("DROP INDEX ticket_status_service_day_service_id")
        db.execute_sql("DROP INDEX rating_service_day_counter_id_counted_value")
        db.execute_sql("CREATE INDEX ticket_status_service_day ON ticket (status, service_day)")
        db.execute_sql("CREATE INDEX rating_service_day ON rating (service_day)")
        SchemaVersion.delete().execute()
        SchemaVersion.create(version=10, applied_at=0)
        close()
        connect(db_url)
        assert SchemaVersion.select().order_by(SchemaVersion.version.desc()).first().version == SCHEMA_VERSION == 14
        tickets = {i.name for i in database_proxy.obj.get_indexes("ticket")}
        ratings = {i.name for i in database_proxy.obj.get_indexes("rating")}
        assert "ticket_status_service_day_service_id" in tickets and "ticket_status_service_day" not in tickets
        assert "rating_service_day_counter_id_counted_value" in ratings and "rating_service_day" not in ratings
        assert Ticket.select().count() == 1 and Rating.select().count() == 1
    finally:
        close()
