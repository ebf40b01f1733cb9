"""Turning a report (``db.reports.build_report``) into a terminal table, CSV or XLSX.

No Qt here: the CLI and the admin program both call these functions.  Headers
are Vietnamese with English, because the files go to the province (Vietnamese)
and to site IT staff and donors (English).

* CSV is one rectangular table (a ``section`` column says which breakdown a
  row belongs to) in UTF-8 with a BOM, so Excel opens Vietnamese correctly and
  the ``csv`` module reads it back with ``encoding="utf-8-sig"``; times are
  seconds, percentages 0-100, as in the JSON.
* XLSX has one sheet per breakdown with a frozen header row; times are real
  Excel durations (``[h]:mm:ss``), percentages real percentages (``0.00%``),
  days real dates, so the province's own formulas work on them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

Row = dict[str, Any]


@dataclass(frozen=True)
class Column:
    """One output column: bilingual header, kind (how to format) and how to read it from a row."""

    id: str    # dotted path in FIGURES ("wait_s.mean") or a key name
    vi: str
    en: str
    kind: str  # text | int | date | seconds | pct
    get: Callable[[Row], Any]
    short: str = ""  # compact terminal header (defaults to ``vi``)

    @property
    def header(self) -> str:
        return f"{self.vi} / {self.en}"


def _path(*keys: str) -> Callable[[Row], Any]:
    """Read a nested value (``_path("wait_s", "mean")``), None when missing."""

    def get(row: Row) -> Any:
        value: Any = row
        for key in keys:
            if value is None:
                return None
            value = value.get(key)
        return value

    return get


SECTIONS = (
    # (report key, key column in rows, Vietnamese title, English title)
    ("totals", None, "Tổng cộng", "Totals"),
    ("by_site", "site", "Theo điểm", "By site"),      # only in an all-sites report (``--all-sites``)
    ("by_day", "day", "Theo ngày", "By day"),
    ("by_service", "service", "Theo dịch vụ", "By service"),
    ("by_counter", "counter", "Theo quầy", "By counter"),
    ("by_officer", "officer", "Theo cán bộ", "By officer"),
)

_STAT_NAMES = (("mean", "TB", "mean"), ("median", "trung vị", "median"), ("p90", "p90", "p90"), ("max", "tối đa", "max"))


def figure_columns(levels: Iterable[tuple[int, str, str]]) -> list[Column]:
    """The FIGURES columns, with one count and one percentage per rating level."""
    cols = [
        Column("issued", "Số phát", "Issued", "int", _path("issued"), "Phát"),
        Column("served", "Đã phục vụ", "Served", "int", _path("served"), "Phục vụ"),
        Column("no_show", "Vắng mặt", "No-show", "int", _path("no_show"), "Vắng"),
        Column("cancelled", "Đã huỷ", "Cancelled", "int", _path("cancelled"), "Huỷ"),
        Column("transferred", "Chuyển tiếp", "Transferred", "int", _path("transferred"), "Chuyển"),
    ]
    for key, vi, en in _STAT_NAMES:
        cols.append(Column(f"wait_s.{key}", f"Thời gian chờ {vi}", f"Waiting time {en}", "seconds", _path("wait_s", key), f"Chờ {vi}"))
    for key, vi, en in _STAT_NAMES:
        cols.append(Column(f"service_s.{key}", f"Thời gian phục vụ {vi}", f"Service time {en}", "seconds", _path("service_s", key),
                           f"Phục vụ {vi}"))
    cols.append(Column("within_target_pct", "Đạt thời gian chờ mục tiêu", "Served within target", "pct", _path("within_target_pct"),
                       "Đạt MT"))
    cols.append(Column("dossiers", "Số hồ sơ", "Dossiers", "int", _path("dossiers"), "Hồ sơ"))
    cols.append(Column("ratings.count", "Số phiếu được đánh giá", "Rated tickets", "int", _path("ratings", "count"), "Đánh giá"))
    for value, label, label_en in levels:
        cols.append(Column(f"ratings.by_value.{value}", f"{label} ({value})", f"{label_en} ({value})", "int",
                           _path("ratings", "by_value", str(value)), f"ĐG {value}"))
        cols.append(Column(f"ratings.pct_by_value.{value}", f"{label} ({value}) %", f"{label_en} ({value}) %", "pct",
                           _path("ratings", "pct_by_value", str(value)), f"ĐG {value} %"))
    cols.append(Column("ratings.rated_share_pct", "Tỷ lệ phiếu được đánh giá", "Rated share of served", "pct", _path("ratings", "rated_share_pct"),
                       "Tỷ lệ ĐG"))
    cols.append(Column("ratings.unattached", "Đánh giá không gắn phiếu", "Unattached ratings", "int", _path("ratings", "unattached"),
                       "ĐG lẻ"))
    cols.extend(appointment_columns())
    return cols


def appointment_columns() -> list[Column]:
    """Bookings made / checked in / no-show / cancelled and the appointments' waiting time."""
    cols = [
        Column("bookings.made", "Lịch hẹn đã đặt", "Bookings made", "int", _path("bookings", "made"), "Hẹn"),
        Column("bookings.checked_in", "Lịch hẹn đã đến", "Bookings checked in", "int", _path("bookings", "checked_in"),
               "Hẹn đến"),
        Column("bookings.no_show", "Lịch hẹn vắng", "Booking no-shows", "int", _path("bookings", "no_show"), "Hẹn vắng"),
        Column("bookings.cancelled", "Lịch hẹn đã huỷ", "Bookings cancelled", "int", _path("bookings", "cancelled"),
               "Hẹn huỷ"),
    ]
    for key, vi, en in _STAT_NAMES:
        cols.append(Column(f"appointment_wait_s.{key}", f"Thời gian chờ theo hẹn {vi}", f"Appointment wait {en}",
                           "seconds", _path("appointment_wait_s", key), f"Chờ hẹn {vi}"))
    return cols


def key_columns(section: str, labels: dict[str, Any]) -> list[Column]:
    """The columns that name a row of one breakdown (code + name)."""
    services = labels.get("services", {})
    counters = labels.get("counters", {})
    officers = labels.get("officers", {})

    def keyed(name: str) -> Callable[[Row], Any]:
        """The row's key; ``SITE/key`` in an all-sites report, where codes repeat between sites."""
        return lambda r: f"{r['site']}/{r[name]}" if "site" in r else r[name]

    if section == "by_site":
        return [Column("site", "Mã điểm", "Site code", "text", _path("site")),
                Column("site_name", "Điểm", "Site", "text", _path("name"))]
    if section == "by_day":
        return [Column("day", "Ngày", "Day", "date", _path("day"))]
    if section == "by_service":
        return [Column("service", "Mã", "Code", "text", keyed("service")),
                Column("service_name", "Dịch vụ", "Service", "text",
                       lambda r: services.get(keyed("service")(r), ("", ""))[0])]
    if section == "by_counter":
        return [Column("counter", "Quầy", "Counter", "int" if not labels.get("sites") else "text", keyed("counter")),
                Column("counter_name", "Tên quầy", "Counter name", "text",
                       lambda r: counters.get(keyed("counter")(r), ""))]
    if section == "by_officer":
        return [Column("officer", "Tài khoản", "Username", "text", keyed("officer")),
                Column("officer_name", "Họ tên", "Full name", "text", lambda r: officers.get(keyed("officer")(r), ""))]
    return [Column("scope", "Phạm vi", "Scope", "text", lambda r: "Tổng cộng / Totals")]


def rating_levels(report: dict[str, Any], labels: dict[str, Any]) -> list[tuple[int, str, str]]:
    """Rating levels to show: the site's, plus any value found in the data."""
    known = {value: (value, label, label_en) for value, label, label_en in labels.get("levels", [])}
    for value in report["totals"]["ratings"]["by_value"]:
        known.setdefault(int(value), (int(value), f"Mức {value}", f"Level {value}"))
    return [known[v] for v in sorted(known, reverse=True)]


def section_rows(report: dict[str, Any], section: str) -> list[Row]:
    return [report["totals"]] if section == "totals" else list(report.get(section, []))


# ----------------------------------------------------------------- terminal table

def format_duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    total = int(round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def format_value(value: Any, kind: str) -> str:
    """A value as people read it: durations m:ss, percentages with %, thousands with dots."""
    if value is None:
        return "-"
    if kind == "seconds":
        return format_duration(value)
    if kind == "pct":
        return f"{value:.1f}%"
    if kind == "int":
        return f"{value:,}".replace(",", ".")  # Vietnamese thousands separator
    return str(value)


def _format_table(headers: list[tuple[str, str]], rows: list[list[str]], right: list[bool]) -> list[str]:
    widths = [max(len(h[0]), len(h[1]), *(len(r[i]) for r in rows)) if rows else max(len(h[0]), len(h[1]))
              for i, h in enumerate(headers)]

    def line(cells: list[str]) -> str:
        return "  ".join(c.rjust(w) if r else c.ljust(w) for c, w, r in zip(cells, widths, right)).rstrip()

    out = [line([h[0] for h in headers]), line([h[1] for h in headers]),
           "  ".join("-" * w for w in widths)]
    out.extend(line(r) for r in rows)
    return out


#: the columns the terminal table shows (the full set is in CSV/XLSX)
_TERMINAL = ("issued", "served", "no_show", "cancelled", "transferred", "wait_s.mean", "wait_s.median", "wait_s.p90",
             "service_s.mean", "within_target_pct", "ratings.count", "ratings.rated_share_pct", "ratings.unattached",
             "bookings.made", "bookings.checked_in", "bookings.no_show", "appointment_wait_s.mean")
_TERMINAL_EN = {"issued": "Issued", "served": "Served", "no_show": "No-show", "cancelled": "Cancel", "transferred": "Transf",
                "wait_s.mean": "Wait avg", "wait_s.median": "Wait med", "wait_s.p90": "Wait p90",
                "service_s.mean": "Serv avg", "within_target_pct": "On time", "ratings.count": "Rated",
                "ratings.rated_share_pct": "Rated %", "ratings.unattached": "Unatt.",
                "bookings.made": "Booked", "bookings.checked_in": "Came", "bookings.no_show": "Missed",
                "appointment_wait_s.mean": "Appt wait"}


def render_table(report: dict[str, Any], labels: dict[str, Any] | None = None) -> str:
    """A plain-text report for the terminal: one block per breakdown."""
    labels = labels or {}
    levels = rating_levels(report, labels)
    by_id = {c.id: c for c in figure_columns(levels)}
    title = labels.get("site") or "onestop-queue"
    lines = [f"{title}", f"Báo cáo / Report {report['from']} → {report['to']}", ""]
    for section, _key, vi, en in SECTIONS:
        rows = section_rows(report, section)
        if not rows:
            continue
        keys = key_columns(section, labels)
        shown = [by_id[p] for p in _TERMINAL]
        headers = [(k.vi, k.en) for k in keys] + [(c.short or c.vi, _TERMINAL_EN[p]) for p, c in zip(_TERMINAL, shown)]
        body = [[format_value(k.get(r), "text") for k in keys] + [format_value(c.get(r), c.kind) for c in shown] for r in rows]
        lines.append(f"== {vi} / {en} ==")
        lines.extend(_format_table(headers, body, [False] * len(keys) + [True] * len(shown)))
        lines.append("")
    totals = report["totals"]["ratings"]
    lines.append("== Mức độ hài lòng / Satisfaction ==")
    for value, label, label_en in levels:
        count = totals["by_value"].get(str(value), 0)
        pct = totals["pct_by_value"].get(str(value))
        lines.append(f"  {value}  {label} / {label_en}: {count} ({format_value(pct, 'pct')})")
    lines.append("")
    lines.append("== Số phát theo giờ / Arrivals by hour ==")
    busy = [a for a in report["arrivals_by_hour"] if a["issued"]]
    peak = max((a["issued"] for a in busy), default=0)
    for a in busy:
        bar = "#" * max(1, round(30 * a["issued"] / peak)) if peak else ""
        lines.append(f"  {a['hour']:02d}:00  {a['issued']:>6}  {bar}")
    if not busy:
        lines.append("  -")
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------- CSV

def _csv_value(value: Any) -> Any:
    """Numbers as in the JSON (seconds, percent 0-100); empty cell for null."""
    return "" if value is None else value


def csv_rows(report: dict[str, Any], labels: dict[str, Any] | None = None) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of the one-table CSV (also handy for tests)."""
    labels = labels or {}
    levels = rating_levels(report, labels)
    figures = figure_columns(levels)
    header = ["Phần / Section", "Mã / Key", "Tên / Name"] + [c.header for c in figures]
    rows: list[list[Any]] = []
    for section, _key, vi, en in SECTIONS:
        keys = key_columns(section, labels)
        for row in section_rows(report, section):
            key_value = keys[0].get(row) if section != "totals" else ""
            name = keys[1].get(row) if len(keys) > 1 else ("Tổng cộng / Totals" if section == "totals" else "")
            rows.append([f"{vi} / {en}", key_value, name] + [_csv_value(c.get(row)) for c in figures])
    issued_at = 3  # column of "issued"
    for a in report["arrivals_by_hour"]:
        line: list[Any] = ["Theo giờ / By hour", f"{a['hour']:02d}", f"{a['hour']:02d}:00-{a['hour']:02d}:59"]
        line += [""] * len(figures)
        line[issued_at] = a["issued"]
        rows.append(line)
    return header, rows


def write_csv(report: dict[str, Any], target: str | Path | io.TextIOBase, labels: dict[str, Any] | None = None) -> None:
    """Write the CSV (UTF-8 with BOM, comma-separated, CRLF line ends as Excel expects)."""
    header, rows = csv_rows(report, labels)
    _write_rows(target, header, rows)


def _write_rows(target: str | Path | io.TextIOBase, header: list[str], rows: list[list[Any]]) -> None:
    """UTF-8 with a BOM (Excel then reads Vietnamese right), to a path or an open text stream."""
    if isinstance(target, (str, Path)):
        with open(target, "w", encoding="utf-8", newline="") as handle:
            _write_rows(handle, header, rows)
        return
    target.write("\ufeff")
    writer = csv.writer(target)
    writer.writerow(header)
    writer.writerows(rows)


# ----------------------------------------------------------------- XLSX

SHEET_TITLES = {
    "summary": "Tổng hợp - Summary",
    "by_day": "Theo ngày - By day",
    "by_service": "Theo dịch vụ - By service",
    "by_counter": "Theo quầy - By counter",
    "by_officer": "Theo cán bộ - By officer",
    "arrivals": "Theo giờ - By hour",
}

#: the extra sheet of an all-sites report (``--all-sites``), after the summary
SITE_SHEET_TITLE = "Theo điểm - By site"

_FORMATS = {"int": "#,##0", "seconds": "[h]:mm:ss", "pct": "0.00%", "date": "dd/mm/yyyy", "text": "@"}


def _cell_value(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "seconds":
        return timedelta(seconds=round(float(value)))
    if kind == "pct":
        return float(value) / 100.0
    if kind == "date":
        return date.fromisoformat(value) if isinstance(value, str) else value
    return value


def _style_header(ws, ncols: int) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    fill = PatternFill("solid", fgColor="0B2E59")
    for col in range(1, ncols + 1):
        cell = ws.cell(row=1, column=col)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        ws.column_dimensions[get_column_letter(col)].width = 16
    ws.row_dimensions[1].height = 48
    ws.freeze_panes = "A2"


def _table_sheet(wb, title: str, columns: list[Column], rows: list[Row]) -> None:
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title)
    for col, column in enumerate(columns, start=1):
        ws.cell(row=1, column=col, value=f"{column.vi}\n{column.en}")
    for r, row in enumerate(rows, start=2):
        for col, column in enumerate(columns, start=1):
            cell = ws.cell(row=r, column=col, value=_cell_value(column.get(row), column.kind))
            cell.number_format = _FORMATS[column.kind]
    _style_header(ws, len(columns))
    for col, column in enumerate(columns, start=1):
        if column.kind == "text":
            longest = max((len(str(column.get(r) or "")) for r in rows), default=0)
            ws.column_dimensions[get_column_letter(col)].width = min(48, max(16, longest + 2))
    if rows:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(rows) + 1}"


def build_workbook(report: dict[str, Any], labels: dict[str, Any] | None = None):
    """The XLSX workbook (``openpyxl.Workbook``): a summary sheet and one sheet per breakdown."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    labels = labels or {}
    levels = rating_levels(report, labels)
    figures = figure_columns(levels)
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_TITLES["summary"]
    ws.cell(row=1, column=1, value="Chỉ tiêu\nFigure")
    ws.cell(row=1, column=2, value="Giá trị\nValue")
    info = [
        (Column("site", "Đơn vị", "Site", "text", lambda r: labels.get("site", "")), report),
        (Column("from", "Từ ngày", "From", "date", _path("from")), report),
        (Column("to", "Đến ngày", "To", "date", _path("to")), report),
        (Column("generated", "Lập lúc", "Generated", "text", lambda r: datetime.now().strftime("%d/%m/%Y %H:%M")), report),
    ] + [(c, report["totals"]) for c in figures]
    for r, (column, source) in enumerate(info, start=2):
        ws.cell(row=r, column=1, value=f"{column.vi} / {column.en}")
        cell = ws.cell(row=r, column=2, value=_cell_value(column.get(source), column.kind))
        cell.number_format = _FORMATS[column.kind]
    _style_header(ws, 2)
    ws.column_dimensions["A"].width = 58
    ws.column_dimensions["B"].width = 46
    ws.cell(row=2, column=2).font = Font(bold=True)

    for section, *_titles in SECTIONS[1:]:
        if section == "by_site" and "by_site" not in report:
            continue
        _table_sheet(wb, SHEET_TITLES.get(section, SITE_SHEET_TITLE), key_columns(section, labels) + figures,
                     section_rows(report, section))
    hour_cols = [Column("hour", "Giờ", "Hour", "text", lambda r: f"{r['hour']:02d}:00"),
                 Column("issued", "Số phát", "Issued", "int", _path("issued"))]
    _table_sheet(wb, SHEET_TITLES["arrivals"], hour_cols, report["arrivals_by_hour"])
    return wb


def write_xlsx(report: dict[str, Any], target: str | Path | io.BufferedIOBase, labels: dict[str, Any] | None = None) -> None:
    build_workbook(report, labels).save(target)


# ----------------------------------------------------------------- rated dossiers

#: The columns of ``onestop ratings-export`` (keys of db.dossiers.ratings_export rows).
DOSSIER_COLUMNS = [
    Column("dossier", "Mã hồ sơ", "Dossier", "text", _path("dossier")),
    Column("ticket_code", "Số phiếu", "Ticket", "text", _path("ticket_code")),
    Column("service_day", "Ngày", "Day", "date", _path("service_day")),
    Column("service", "Dịch vụ", "Service", "text", _path("service")),
    Column("counter", "Quầy", "Counter", "int", _path("counter")),
    Column("officer", "Cán bộ", "Officer", "text", _path("officer")),
    Column("value", "Mức đánh giá", "Rating", "int", _path("value")),
    Column("pressed_at", "Thời điểm đánh giá", "Rated at", "text", _path("pressed_at")),
]


def write_dossier_csv(rows: list[Row], target: str | Path | io.TextIOBase, *, headers: str = "keys") -> None:
    """Rated dossiers as CSV (UTF-8 with BOM).

    ``headers="keys"`` writes the stable column names other systems import
    (``dossier,ticket_code,...``); ``"vi"`` the Vietnamese / English headers
    for people opening it in Excel.
    """
    header = [c.id if headers == "keys" else c.header for c in DOSSIER_COLUMNS]
    body = [[_csv_value(c.get(row)) for c in DOSSIER_COLUMNS] for row in rows]
    _write_rows(target, header, body)


def write_dossier_xlsx(rows: list[Row], target: str | Path | io.BufferedIOBase) -> None:
    """Rated dossiers as one sheet with Vietnamese / English headers."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    _table_sheet(wb, "Đánh giá theo hồ sơ", DOSSIER_COLUMNS, rows)
    wb.save(target)
