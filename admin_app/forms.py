"""A small form dialog for the management actions (add a service, reset a PIN, ...)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ui_common.i18n import _


def line(text: str = "", *, password: bool = False, placeholder: str = "") -> QLineEdit:
    edit = QLineEdit(text)
    if password:
        edit.setEchoMode(QLineEdit.Password)
    edit.setPlaceholderText(placeholder)
    return edit


def number(value: int, low: int = 0, high: int = 99999, *, none_below: bool = False) -> QSpinBox:
    """An integer field; with ``none_below`` the lowest value reads "không / none" and means None."""
    box = QSpinBox()
    box.setRange(low, high)
    box.setValue(value)
    if none_below:
        box.setSpecialValueText(_("không"))
    return box


def choice(items: list[tuple[str, Any]], current: Any = None) -> QComboBox:
    box = QComboBox()
    for text, data in items:
        box.addItem(text, data)
        if data == current:
            box.setCurrentIndex(box.count() - 1)
    return box


class FormDialog(QDialog):
    """Labelled fields with OK / Cancel; ``values()`` reads them back as plain Python values."""

    def __init__(self, title: str, fields: list[tuple[str, str, QWidget]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(480)
        self._fields = fields
        form = QFormLayout()
        for _key, label, widget in fields:
            form.addRow(label, widget)
        buttons = QDialogButtonBox()
        buttons.addButton(_("Đồng ý"), QDialogButtonBox.ButtonRole.AcceptRole)     # Qt's own "OK" is English only
        buttons.addButton(_("Huỷ"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def values(self) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, _label, widget in self._fields:
            if isinstance(widget, QLineEdit):
                result[key] = widget.text().strip()
            elif isinstance(widget, QSpinBox):
                empty = widget.specialValueText() and widget.value() == widget.minimum()
                result[key] = None if empty else widget.value()
            elif isinstance(widget, QComboBox):
                result[key] = widget.currentData()
            elif isinstance(widget, QCheckBox):
                result[key] = widget.isChecked()
        return result

    def ask(self) -> dict[str, Any] | None:
        return self.values() if self.exec() == QDialog.Accepted else None
