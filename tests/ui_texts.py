"""Walking a window's widget tree for the texts a person reads, and telling a Vietnamese one.

Used by the language tests: a program switched to English must show no text that is still
Vietnamese (a string somebody forgot to pass through ``_()``), site data excepted.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTabWidget,
    QWidget,
)


def is_vietnamese(text: str) -> bool:
    """A letter with a Vietnamese diacritic (tone mark, ă â ê ô ơ ư) or đ: English texts have none."""
    for char in text:
        if char in "đĐ":
            return True
        if char.isalpha() and any(unicodedata.combining(c) for c in unicodedata.normalize("NFD", char)):
            return True
    return False


def shown_texts(root: QWidget, *, table_cells: bool = True) -> Iterator[tuple[str, str]]:
    """(where, text) of every text of ``root`` and its descendants: labels, buttons, placeholders,
    tooltips, combo items, tab titles, group titles, table headers (and cells), window titles."""
    widgets = [root, *root.findChildren(QWidget)]
    for widget in widgets:
        name = f"{type(widget).__name__}#{widget.objectName() or '?'}"
        if widget.isWindow() and widget.windowTitle():
            yield f"{name} title", widget.windowTitle()
        if widget.toolTip():
            yield f"{name} tooltip", widget.toolTip()
        if isinstance(widget, QLabel | QAbstractButton):
            yield name, widget.text()
        if isinstance(widget, QLineEdit):
            yield f"{name} placeholder", widget.placeholderText()
        if isinstance(widget, QGroupBox):
            yield f"{name} title", widget.title()
        if isinstance(widget, QComboBox):
            for i in range(widget.count()):
                yield f"{name} item {i}", widget.itemText(i)
        if isinstance(widget, QTabWidget):
            for i in range(widget.count()):
                yield f"{name} tab {i}", widget.tabText(i)
        if isinstance(widget, QTableWidget):
            for c in range(widget.columnCount()):
                header = widget.horizontalHeaderItem(c)
                if header is not None:
                    yield f"{name} header {c}", header.text()
            if table_cells:
                for r in range(widget.rowCount()):
                    for c in range(widget.columnCount()):
                        item = widget.item(r, c)
                        if item is not None:
                            yield f"{name} cell {r},{c}", item.text()


def vietnamese_leftovers(root: QWidget, data: set[str], **options) -> list[tuple[str, str]]:
    """The texts still in Vietnamese, once each piece of site data in ``data`` is taken out of them."""
    found = []
    for where, text in shown_texts(root, **options):
        rest = text
        for value in sorted(data, key=len, reverse=True):
            rest = rest.replace(value, "")
        if is_vietnamese(rest):
            found.append((where, text))
    return found
