"""Hand the current citizen on: to another service, or to one particular counter, with a note.

The dialog only collects the choice; ``db.queue.transfer`` decides whether it
is allowed (inactive service, same counter) and the session shows a refusal.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from db.values import CounterInfo, ServiceInfo, TicketInfo
from ui_common import theme
from ui_common.i18n import Retranslating, _, site_text


class TransferDialog(Retranslating, QDialog):
    """Emits ``chosen(to_service, to_counter, note)``: exactly one of the first two is set."""

    chosen = Signal(object, object, str)

    def __init__(self, ticket: TicketInfo, services: tuple[ServiceInfo, ...], counters: tuple[CounterInfo, ...],
                 own_counter: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("transfer_dialog")
        self.ticket = ticket
        self.setModal(True)
        self.setMinimumWidth(640)
        self.setStyleSheet(f"QDialog {{ background:{theme.WHITE}; }}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(14)
        self.title = title = QLabel()
        title.setFont(theme.font(24, bold=True))
        title.setStyleSheet(f"color:{theme.NAVY};")
        title.setWordWrap(True)
        layout.addWidget(title)
        self.hint = hint = QLabel()
        hint.setFont(theme.font(15))
        hint.setStyleSheet(f"color:{theme.GREY};")
        hint.setWordWrap(True)
        layout.addWidget(hint)

        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(10)
        self.to_service = QRadioButton()
        self.to_service.setObjectName("to_service")
        self.to_counter = QRadioButton()
        self.to_counter.setObjectName("to_counter")
        group = QButtonGroup(self)
        group.addButton(self.to_service)
        group.addButton(self.to_counter)
        self.service_box = QComboBox()
        self.service_box.setObjectName("service_choice")
        for svc in services:
            if svc.active and svc.code != ticket.service:
                self.service_box.addItem(f"{site_text(svc.name, svc.name_en)} ({svc.code})", svc.code)
        self.counter_box = QComboBox()
        self.counter_box.setObjectName("counter_choice")
        for ctr in counters:
            if ctr.active and ctr.number != own_counter:
                who = f" - {ctr.officer_name}" if ctr.officer_name else ""
                self.counter_box.addItem(f"{ctr.name}{who}", ctr.number)
        self.note = QLineEdit()
        self.note.setObjectName("transfer_note")
        self.note.setMaxLength(200)
        self.note_label = note_label = QLabel()
        for widget in (self.to_service, self.to_counter, self.service_box, self.counter_box, self.note, note_label):
            widget.setFont(theme.font(18))
            widget.setMinimumHeight(40)
        grid.addWidget(self.to_service, 0, 0)
        grid.addWidget(self.service_box, 0, 1)
        grid.addWidget(self.to_counter, 1, 0)
        grid.addWidget(self.counter_box, 1, 1)
        grid.addWidget(note_label, 2, 0)
        grid.addWidget(self.note, 2, 1)
        grid.setColumnStretch(1, 1)
        layout.addLayout(grid)

        # buttons of our own, not Qt's standard Ok/Cancel: a language switch makes the box reset
        # a standard button to Qt's own text ("OK"), over ours
        self.buttons = QDialogButtonBox()
        self.ok_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setObjectName("transfer_ok")
        self.cancel_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.RejectRole)
        for button in self.buttons.buttons():
            button.setFont(theme.font(18, bold=True))
            button.setMinimumHeight(46)
            button.setMinimumWidth(120)
        layout.addWidget(self.buttons)

        self.to_service.toggled.connect(self._sync)
        self.to_counter.toggled.connect(self._sync)
        self.service_box.activated.connect(lambda _index: self.to_service.setChecked(True))
        self.counter_box.activated.connect(lambda _index: self.to_counter.setChecked(True))
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        self.to_service.setEnabled(self.service_box.count() > 0)
        self.to_counter.setEnabled(self.counter_box.count() > 0)
        (self.to_service if self.service_box.count() else self.to_counter).setChecked(True)
        self._sync()
        self.retranslate()

    def retranslate(self) -> None:
        ticket = self.ticket
        self.setWindowTitle(_("Chuyển số {code}", code=ticket.code))
        self.title.setText(_("Chuyển số {code} ({service})", code=ticket.code,
                             service=site_text(ticket.service_name, ticket.service_name_en)))
        self.hint.setText(_("Công dân giữ nguyên số và thứ tự theo giờ lấy số ban đầu."))
        self.to_service.setText(_("Sang dịch vụ khác"))
        self.to_counter.setText(_("Sang quầy khác"))
        self.note.setPlaceholderText(_("Ghi chú cho cán bộ tiếp nhận (không bắt buộc)"))
        self.note_label.setText(_("Ghi chú"))
        self.ok_button.setText(_("Chuyển"))
        self.cancel_button.setText(_("Huỷ"))

    def _sync(self) -> None:
        self.service_box.setEnabled(self.to_service.isChecked())
        self.counter_box.setEnabled(self.to_counter.isChecked())
        self.ok_button.setEnabled(
            (self.to_service.isChecked() and self.service_box.count() > 0)
            or (self.to_counter.isChecked() and self.counter_box.count() > 0))

    def selection(self) -> tuple[str | None, int | None, str]:
        note = self.note.text().strip()
        if self.to_service.isChecked():
            return self.service_box.currentData(), None, note
        return None, self.counter_box.currentData(), note

    def _accept(self) -> None:
        to_service, to_counter, note = self.selection()
        self.accept()
        self.chosen.emit(to_service, to_counter, note)
