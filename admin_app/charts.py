"""The report charts (QtCharts, PySide6-Addons): arrivals per hour, waiting times, satisfaction.

Each function builds a fresh ``QChart`` from plain report data; the view just
swaps charts.  No animation, so offscreen screenshots show the final bars.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QChart, QValueAxis
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor

from ui_common import theme
from ui_common.i18n import _, site_text

LEVEL_COLOURS = {3: theme.GREEN, 2: theme.GOLD, 1: theme.RED}


def _base(title: str) -> QChart:
    chart = QChart()
    chart.setTitle(title)
    chart.setTitleFont(theme.font(15, bold=True))
    chart.setAnimationOptions(QChart.NoAnimation)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.legend().setFont(theme.font(12))
    chart.legend().setAlignment(Qt.AlignBottom)
    return chart


def _axes(chart: QChart, series: QBarSeries, categories: list[str], top: float, x_title: str = "") -> None:
    x = QBarCategoryAxis()
    x.append(categories)
    x.setLabelsFont(theme.font(11))
    if x_title:
        x.setTitleText(x_title)
        x.setTitleFont(theme.font(11))
    y = QValueAxis()
    y.setRange(0, max(4.0, top * 1.1))
    y.setLabelFormat("%d")
    y.setTickCount(5)
    y.applyNiceNumbers()  # 0, 25, 50, ... rather than 0, 24, 48, 73
    y.setLabelsFont(theme.font(11))
    chart.addAxis(x, Qt.AlignBottom)
    chart.addAxis(y, Qt.AlignLeft)
    series.attachAxis(x)
    series.attachAxis(y)


def arrivals_chart(arrivals: list[dict[str, int]]) -> QChart:
    """Tickets issued per hour of the day, over the whole range (when to staff counters)."""
    chart = _base(_("Số phát theo giờ"))
    busy = [a["hour"] for a in arrivals if a["issued"]]
    first, last = (min(busy + [7]), max(busy + [17])) if busy else (7, 17)
    shown = [a for a in arrivals if first <= a["hour"] <= last]
    bars = QBarSet(_("Số phát"))
    bars.setColor(QColor(theme.NAVY))
    for a in shown:
        bars.append(a["issued"])
    series = QBarSeries()
    series.append(bars)
    chart.addSeries(series)
    _axes(chart, series, [f"{a['hour']}h" for a in shown], max((a["issued"] for a in shown), default=0))
    chart.legend().setVisible(False)
    return chart


def wait_chart(histogram: list[dict[str, Any]]) -> QChart:
    """Served tickets per waiting-time bucket (minutes)."""
    chart = _base(_("Thời gian chờ"))
    bars = QBarSet(_("Phiếu đã phục vụ"))
    bars.setColor(QColor("#1565c0"))
    labels = []
    for bucket in histogram:
        low = bucket["from_s"] // 60  # each bar is labelled by its lower bound; the last one is open-ended
        labels.append(str(low) if bucket["to_s"] is not None else f"{low}+")
        bars.append(bucket["served"])
    series = QBarSeries()
    series.append(bars)
    series.setBarWidth(0.9)
    chart.addSeries(series)
    _axes(chart, series, labels, max((b["served"] for b in histogram), default=0),
          _("phút chờ (mỗi cột 5 phút)"))
    chart.legend().setVisible(False)
    return chart


def satisfaction_chart(ratings: dict[str, Any], levels: list[tuple[int, str, str]]) -> QChart:
    """Rated tickets per satisfaction level, with the level's share in the legend."""
    chart = _base(_("Hài lòng ({n} phiếu)", n=ratings["count"]))
    series = QBarSeries()
    top = 0
    for value, label, label_en in levels:
        count = ratings["by_value"].get(str(value), 0)
        pct = ratings["pct_by_value"].get(str(value))
        share = f" {pct:.0f} %" if pct is not None else ""
        bars = QBarSet(f"{site_text(label, label_en)}{share}")
        bars.setColor(QColor(LEVEL_COLOURS.get(value, theme.GREY)))
        bars.append(count)
        series.append(bars)
        top = max(top, count)
    chart.addSeries(series)
    _axes(chart, series, [""], top)
    return chart
