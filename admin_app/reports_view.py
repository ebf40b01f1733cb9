"""The reports tab: a date range, a breakdown table, three charts and the exports.

The figures are ``db.reports.build_report`` (docs/interfaces.md §7), the same
document ``onestop report`` prints; exports are ``db.report_export``, the same
files the command line writes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCharts import QChartView
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from admin_app.charts import arrivals_chart, satisfaction_chart, wait_chart
from admin_app.widgets import Message, fill_table, make_table
from db import clock, report_export
from db.dossiers import ratings_export
from db.reports import build_report, report_labels, wait_histogram
from ui_common import theme
from ui_common.errors import error_text
from ui_common.i18n import N_, _, language, site_text
from ui_common.tasks import Lane

#: the breakdown that lists rated dossiers (``onestop ratings-export``) instead of FIGURES
DOSSIERS = "by_dossier"
BREAKDOWNS = [("by_day", N_("Theo ngày")), ("by_service", N_("Theo dịch vụ")),
              ("by_counter", N_("Theo quầy")), ("by_officer", N_("Theo cán bộ")),
              (DOSSIERS, N_("Đánh giá theo hồ sơ"))]
PRESETS = [N_("Tháng này"), N_("Hôm nay"), N_("7 ngày qua"), N_("Tháng trước"),
           N_("Năm nay")]
#: figure columns shown on screen (all of them go into CSV/XLSX)
SHOWN = ("issued", "served", "no_show", "cancelled", "transferred", "wait_s.mean", "wait_s.median", "wait_s.p90",
         "service_s.mean", "within_target_pct", "dossiers", "ratings.count", "ratings.rated_share_pct")


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def preset_range(index: int, today: date) -> tuple[date, date]:
    if index == 1:
        return today, today
    if index == 2:
        return today - timedelta(days=6), today
    if index == 3:
        last = today.replace(day=1) - timedelta(days=1)
        return last.replace(day=1), last
    if index == 4:
        return today.replace(month=1, day=1), today
    return today.replace(day=1), today


class ReportsTab(QWidget):
    def __init__(self, lane: Lane, *, timezone: str = "Asia/Ho_Chi_Minh",
                 now: Callable[[], float] = time.time) -> None:
        super().__init__()
        self._lane = lane
        self._timezone = timezone
        self._now = now
        self.report: dict[str, Any] | None = None
        self.histogram: list[dict[str, Any]] = []
        self.dossier_rows: list[dict[str, Any]] = []
        self.labels: dict[str, Any] = {}

        self.preset = QComboBox()
        self.preset.addItems([_(text) for text in PRESETS])
        self.date_from = QDateEdit()
        self.date_to = QDateEdit()
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd/MM/yyyy")
        self.show_button = QPushButton(_("Xem báo cáo"))
        self.show_button.setStyleSheet(f"background:{theme.NAVY}; color:white; padding:6px 14px; font-weight:bold;")
        self.breakdown = QComboBox()
        for _section, text in BREAKDOWNS:
            self.breakdown.addItem(_(text))
        self.breakdown.setCurrentIndex(1)
        self.csv_button = QPushButton(_("Xuất CSV"))
        self.xlsx_button = QPushButton(_("Xuất Excel"))

        controls = QHBoxLayout()
        controls.addWidget(self.preset)
        controls.addWidget(QLabel(_("Từ")))
        controls.addWidget(self.date_from)
        controls.addWidget(QLabel(_("đến")))
        controls.addWidget(self.date_to)
        controls.addWidget(self.show_button)
        controls.addSpacing(16)
        controls.addWidget(self.breakdown)
        controls.addStretch(1)
        controls.addWidget(self.csv_button)
        controls.addWidget(self.xlsx_button)

        self.summary = QLabel("")
        self.summary.setFont(theme.font(15, bold=True))
        self.summary.setStyleSheet(f"color:{theme.NAVY};")
        self.summary.setWordWrap(True)
        self.message = Message()
        self.table = make_table(["–"])

        self.arrivals_view = self._chart_view()
        self.wait_view = self._chart_view()
        self.satisfaction_view = self._chart_view()
        charts = QWidget()
        row = QHBoxLayout(charts)
        row.setContentsMargins(0, 0, 0, 0)
        for view in (self.arrivals_view, self.wait_view, self.satisfaction_view):
            row.addWidget(view)
        splitter = QSplitter(Qt.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(charts)
        splitter.setSizes([300, 320])

        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.summary)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.message)

        self.preset.currentIndexChanged.connect(self.apply_preset)
        self.show_button.clicked.connect(self.show_report)
        self.breakdown.currentIndexChanged.connect(self._render_table)
        self.csv_button.clicked.connect(lambda: self.export("csv"))
        self.xlsx_button.clicked.connect(lambda: self.export("xlsx"))
        self.apply_preset(0)

    @staticmethod
    def _chart_view() -> QChartView:
        view = QChartView()
        view.setRenderHint(QPainter.Antialiasing)
        view.setMinimumHeight(260)
        return view

    def today(self) -> date:
        return clock.local_datetime(self._now(), self._timezone).date()

    def apply_preset(self, index: int) -> None:
        first, last = preset_range(index, self.today())
        self.set_range(first, last)

    def set_range(self, first: date, last: date) -> None:
        self.date_from.setDate(_qdate(first))
        self.date_to.setDate(_qdate(last))

    def range(self) -> tuple[date, date]:
        return self.date_from.date().toPython(), self.date_to.date().toPython()

    # ---------------------------------------------------------------- loading
    def show_report(self) -> None:
        if self._lane.busy:
            return
        first, last = self.range()
        if first > last:
            self.message.error(_("Ngày bắt đầu sau ngày kết thúc"))
            return
        self.show_button.setEnabled(False)
        self.message.setText(_("Đang tính…"))
        self._lane.run(lambda: (build_report(first, last), wait_histogram(first, last), report_labels(),
                                ratings_export(first.isoformat(), last.isoformat())),
                       self._loaded, self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.show_button.setEnabled(True)
        self.message.error(error_text(exc, language()))

    def _loaded(self, result) -> None:
        self.report, self.histogram, self.labels, self.dossier_rows = result
        self.show_button.setEnabled(True)
        self.message.clear_message()
        totals = self.report["totals"]
        self.summary.setText(
            _("{start} → {end}:  phát {issued}  ·  phục vụ {served}  ·  chờ TB {mean}  ·  trung vị {median}  ·  "
              "đạt mục tiêu {on_time}  ·  đánh giá {rated}  ·  hồ sơ được đánh giá {dossiers}",
              start=self.report["from"], end=self.report["to"], issued=totals["issued"], served=totals["served"],
              mean=report_export.format_duration(totals["wait_s"]["mean"]),
              median=report_export.format_duration(totals["wait_s"]["median"]),
              on_time=report_export.format_value(totals["within_target_pct"], "pct"),
              rated=report_export.format_value(totals["ratings"]["rated_share_pct"], "pct"),
              dossiers=len(self.dossier_rows)))
        self._render_table()
        self._set_chart(self.arrivals_view, arrivals_chart(self.report["arrivals_by_hour"]))
        self._set_chart(self.wait_view, wait_chart(self.histogram))
        self._set_chart(self.satisfaction_view, satisfaction_chart(totals["ratings"], self._levels()))

    def _levels(self) -> list[tuple[int, str, str]]:
        return report_export.rating_levels(self.report, self.labels) if self.report else []

    @staticmethod
    def _set_chart(view: QChartView, chart) -> None:
        old = view.chart()
        view.setChart(chart)
        if old is not None:
            old.deleteLater()

    def _render_table(self, *_args: object) -> None:
        if self.report is None:
            return
        section = BREAKDOWNS[self.breakdown.currentIndex()][0]
        if section == DOSSIERS:
            columns = report_export.DOSSIER_COLUMNS
            self.table.setColumnCount(len(columns))
            self.table.setHorizontalHeaderLabels([site_text(c.vi, c.en) for c in columns])
            rows = [["" if c.get(r) is None else str(c.get(r)) for c in columns] for r in self.dossier_rows]
            fill_table(self.table, rows, numeric={4, 6})
            return
        keys = report_export.key_columns(section, self.labels)
        by_id = {c.id: c for c in report_export.figure_columns(self._levels())}
        figures = [by_id[i] for i in SHOWN]
        columns = keys + figures
        self.table.setColumnCount(len(columns))
        self.table.setHorizontalHeaderLabels([site_text(c.vi, c.en) for c in columns])
        rows = [[report_export.format_value(c.get(r), c.kind) if c.kind != "text" else (c.get(r) or "")
                 for c in columns] for r in report_export.section_rows(self.report, section)]
        rows.append([report_export.format_value(c.get(self.report["totals"]), c.kind) if c in figures else ""
                     for c in columns])
        rows[-1][0] = _("Tổng")
        fill_table(self.table, rows, numeric=set(range(len(keys), len(columns))), bold_rows={len(rows) - 1})

    # ---------------------------------------------------------------- exports
    def export(self, fmt: str, path: str | Path | None = None) -> None:
        """Write the shown report as CSV or XLSX; asks for a file name unless ``path`` is given."""
        if self.report is None:
            self.message.error(_("Hãy bấm “Xem báo cáo” trước"))
            return
        dossiers = BREAKDOWNS[self.breakdown.currentIndex()][0] == DOSSIERS
        if path is None:
            stem = "danh-gia-ho-so" if dossiers else "bao-cao"
            suggested = f"{stem}_{self.report['from']}_{self.report['to']}.{fmt}"
            filters = "CSV (*.csv)" if fmt == "csv" else "Excel (*.xlsx)"
            path, _filter = QFileDialog.getSaveFileName(self, _("Lưu báo cáo"), suggested, filters)
            if not path:
                return
        report, labels, rows = self.report, self.labels, self.dossier_rows
        if dossiers:   # what the province's index takes: one row per rated dossier, Vietnamese headers
            def write() -> None:
                if fmt == "csv":
                    report_export.write_dossier_csv(rows, path, headers="vi")
                else:
                    report_export.write_dossier_xlsx(rows, path)
        else:
            def write() -> None:
                (report_export.write_csv if fmt == "csv" else report_export.write_xlsx)(report, path, labels)
        self._lane.run(write,
                       lambda _written: self.message.ok(_("Đã lưu: {path}", path=path)),
                       lambda exc: self.message.error(_("Không lưu được: {problem}", problem=exc)))
