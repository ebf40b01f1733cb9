"""Small pieces the admin tabs share: tables, inline messages, formatting."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QPushButton, QTableWidget, QTableWidgetItem

from db.report_export import format_duration
from ui_common import theme
from ui_common.i18n import N_, _

ADMIN_ONLY = N_("Chỉ quản trị viên")


def duration(seconds: float | int | None) -> str:
    """``m:ss`` or ``h:mm:ss``; a dash for nothing to measure."""
    return "–" if seconds is None else format_duration(seconds)


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} %"


def make_table(headers: list[str], *, stretch: int | None = None) -> QTableWidget:
    """A read-only, row-selecting table (the admin lists and report breakdowns)."""
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectRows)
    table.setSelectionMode(QAbstractItemView.SingleSelection)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    header = table.horizontalHeader()
    header.setDefaultAlignment(Qt.AlignLeft | Qt.AlignVCenter)
    header.setSectionResizeMode(QHeaderView.ResizeToContents)
    if stretch is not None:
        header.setSectionResizeMode(stretch, QHeaderView.Stretch)
    else:
        header.setStretchLastSection(True)
    return table


def fill_table(table: QTableWidget, rows: Iterable[list[Any]], *, numeric: set[int] = frozenset(),
               colours: dict[tuple[int, int], str] | None = None, bold_rows: set[int] = frozenset()) -> None:
    """Replace the table's rows, keeping the selected row when it still exists."""
    selected = table.currentRow()
    rows = list(rows)
    table.setRowCount(len(rows))
    colours = colours or {}
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            item = QTableWidgetItem("" if value is None else str(value))
            if c in numeric:
                item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
            if (r, c) in colours:
                item.setForeground(QColor(colours[(r, c)]))
                font = QFont(item.font())
                font.setBold(True)
                item.setFont(font)
            if r in bold_rows:
                font = QFont(item.font())
                font.setBold(True)
                item.setFont(font)
            table.setItem(r, c, item)
    if 0 <= selected < len(rows):
        table.selectRow(selected)


def selected_key(table: QTableWidget, column: int = 0) -> str | None:
    row = table.currentRow()
    item = table.item(row, column) if row >= 0 else None
    return item.text() if item is not None else None


class Message(QLabel):
    """An inline result line (green for done, red for refused): never a modal box to dismiss."""

    def __init__(self) -> None:
        super().__init__("")
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextSelectableByMouse)

    def ok(self, text: str) -> None:
        self.setStyleSheet(f"color:{theme.GREEN}; font-weight:bold;")
        self.setText(text)

    def error(self, text: str) -> None:
        self.setStyleSheet(f"color:{theme.RED}; font-weight:bold;")
        self.setText(text)

    def clear_message(self) -> None:
        self.setText("")


def admin_button(text: str, allowed: bool) -> QPushButton:
    """A button for a privileged action: greyed out, with a tooltip, when ``allowed`` is false.

    ``allowed`` comes from ``db.permissions.allowed`` (the domain's table);
    the domain refuses the action anyway, this only spares a useless click.
    """
    button = QPushButton(text)
    button.setEnabled(allowed)
    if not allowed:
        button.setToolTip(_(ADMIN_ONLY))
    return button
