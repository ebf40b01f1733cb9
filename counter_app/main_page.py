"""The counter's working screen: the current ticket, the action keys, the queue and the day.

Widgets here show what ``CounterSession`` emits and emit what the officer
asks for; which keys are enabled comes from ``rules.enabled_actions`` through
the session, never from a decision made here.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from counter_app.formatting import clock_text, keypad_text, minutes_text, status_text
from counter_app.rules import SHORTCUTS, Action
from counter_app.snapshot import CounterSnapshot
from db import statuses
from db.values import RatingInfo, RatingLevel, TicketInfo
from ui_common import theme
from ui_common.i18n import N_, LanguageButton, Retranslating, _, _p, site_text

#: msgids (translated where shown)
BUTTON_TEXT = {
    Action.CALL_NEXT: N_("Gọi số tiếp"),
    Action.RECALL: N_("Gọi lại"),
    Action.START: N_("Bắt đầu"),
    Action.DONE: N_("Hoàn thành"),
    Action.NO_SHOW: N_("Vắng mặt"),
    Action.TRANSFER: N_("Chuyển"),
    Action.PAUSE: N_("Tạm dừng"),
}
#: the pause key once paused is ``_p("quầy", "Tiếp tục")``: "Resume" (the kiosk's "Tiếp tục" is "Continue")
#: the appointment mark (ticket card badge, next-up list): teal, apart from priority red
APPOINTMENT = "#00796b"
BUTTON_COLOUR = {
    Action.CALL_NEXT: theme.GREEN,
    Action.RECALL: "#1565c0",
    Action.START: "#1565c0",
    Action.DONE: theme.NAVY,
    Action.NO_SHOW: "#ef6c00",
    Action.TRANSFER: "#6a1b9a",
    Action.PAUSE: theme.GREY,
}


def _box(title: str, name: str) -> tuple[QFrame, QVBoxLayout, QLabel]:
    frame = QFrame()
    frame.setObjectName(name)
    frame.setStyleSheet(f"#{name} {{ background:{theme.WHITE}; border:1px solid #cfd8dc; border-radius:8px; }}")
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(14, 10, 14, 12)
    layout.setSpacing(6)
    heading = QLabel(title)
    heading.setFont(theme.font(17, bold=True))
    heading.setStyleSheet(f"color:{theme.NAVY}; border:none;")
    layout.addWidget(heading)
    return frame, layout, heading


def _label(name: str, px: int, *, bold: bool = False, colour: str = theme.TEXT) -> QLabel:
    label = QLabel("")
    label.setObjectName(name)
    label.setFont(theme.font(px, bold=bold))
    label.setStyleSheet(f"color:{colour}; border:none;")
    return label


def _seconds_since(moment: datetime | None, now: float) -> float | None:
    return None if moment is None else now - moment.timestamp()


class TicketPanel(Retranslating, QFrame):
    """The ticket being handled, very large, with its waiting time and a running service timer."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ticket_panel")
        self.setStyleSheet(f"#ticket_panel {{ background:{theme.WHITE}; border:2px solid {theme.NAVY}; border-radius:10px; }}")
        self.ticket: TicketInfo | None = None
        self.paused = False
        self.code = _label("ticket_code", 120, bold=True, colour=theme.NAVY)
        self.code.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.priority = _label("ticket_priority", 18, bold=True, colour=theme.WHITE)
        self.priority.setStyleSheet(f"background:{theme.RED}; color:white; border-radius:4px; padding:2px 6px;")
        self.appointment = _label("ticket_appointment", 18, bold=True, colour=theme.WHITE)
        self.service = _label("ticket_service", 26, bold=True)
        self.service.setWordWrap(True)
        self.status = _label("ticket_status", 19, colour=theme.GREY)
        self.waited = _label("ticket_waited", 19)
        self.timer_caption = _label("ticket_timer_caption", 17, colour=theme.GREY)
        self.timer = _label("ticket_timer", 40, bold=True, colour=theme.NAVY)
        self.note = _label("ticket_note", 17, colour="#6a1b9a")
        self.note.setWordWrap(True)
        self.dossiers = _label("ticket_dossiers", 17, colour=theme.NAVY)
        self.dossiers.setWordWrap(True)

        # code on top, as wide as the panel allows; the details in two columns under it
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 10, 20, 12)
        layout.setSpacing(4)
        badge_row = QHBoxLayout()
        badge_row.addStretch(1)
        badge_row.addWidget(self.priority)
        badge_row.addWidget(self.appointment)
        badge_row.addStretch(1)
        layout.addLayout(badge_row)
        layout.addWidget(self.code, 1)
        self.service.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.service)
        details = QGridLayout()
        details.setHorizontalSpacing(24)
        details.setVerticalSpacing(2)
        details.addWidget(self.status, 0, 0)
        details.addWidget(self.waited, 1, 0)
        details.addWidget(self.dossiers, 2, 0)      # beside the timer, which spans rows 1-2
        self.timer_caption.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.timer.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        details.addWidget(self.timer_caption, 0, 1)
        details.addWidget(self.timer, 1, 1, 2, 1)
        details.setColumnStretch(0, 3)
        details.setColumnStretch(1, 2)
        layout.addSpacing(6)
        layout.addLayout(details)
        layout.addWidget(self.note)

        self._tick = QTimer(self)
        self._tick.timeout.connect(self._update_timer)
        self._tick.start(1000)
        self.note_text: str | None = None
        self.dossier_codes: tuple[str, ...] = ()
        self.set_ticket(None)

    def retranslate(self) -> None:
        self.set_ticket(self.ticket)
        self._show_note()
        self._show_dossiers()

    @Slot(object)
    def set_ticket(self, ticket: TicketInfo | None) -> None:
        if ticket is None or self.ticket is None or ticket.id != self.ticket.id:
            self.note_text = None  # a note belongs to one ticket; the next snapshot brings the new one's
            self._show_note()
        self.ticket = ticket
        self.priority.setText(f"  {_('ƯU TIÊN')}  " if ticket and ticket.priority else "")
        self.priority.setStyleSheet(f"background:{theme.RED}; color:white; border-radius:4px; padding:2px 6px;"
                                    if ticket and ticket.priority else "background:transparent; border:none;")
        self.appointment.setText(f"  {_('LỊCH HẸN {time}', time=f'{ticket.slot_start:%H:%M}')}  "
                                 if ticket and ticket.appointment else "")
        self.appointment.setStyleSheet(f"background:{APPOINTMENT}; color:white; border-radius:4px; padding:2px 6px;"
                                       if ticket and ticket.appointment else "background:transparent; border:none;")
        if ticket is None:
            self.code.setText("- - -")
            self.code.setStyleSheet("color:#b0bec5; border:none;")
            self.service.setText(_("Chưa có công dân tại quầy"))
            self.status.setText(_("Quầy đang tạm dừng - nhấn F7 để tiếp tục") if self.paused
                                else _("Sẵn sàng - nhấn F1 để gọi số tiếp theo"))
            self.waited.setText("")
            self.timer_caption.setText("")
            self.timer.setText("")
            return
        self.code.setText(ticket.code)
        self.code.setStyleSheet(f"color:{theme.NAVY}; border:none;")
        self.service.setText(site_text(ticket.service_name, ticket.service_name_en))
        self.status.setText(status_text(ticket.status))
        waited = (ticket.called_at.timestamp() - ticket.issued_at.timestamp()) if ticket.called_at else None
        self.waited.setText(_("Đã chờ: {waited} (lấy số lúc {time})", waited=minutes_text(waited),
                              time=f"{ticket.issued_at:%H:%M}"))
        self._update_timer()

    @Slot(bool)
    def set_paused(self, paused: bool) -> None:
        self.paused = paused
        if self.ticket is None:
            self.set_ticket(None)

    @Slot(tuple)
    def set_dossiers(self, codes: tuple[str, ...]) -> None:
        """The dossier codes attached to the ticket shown (none: nothing, so the card stays calm)."""
        self.dossier_codes = tuple(codes)
        self._show_dossiers()

    def _show_dossiers(self) -> None:
        codes = self.dossier_codes
        self.dossiers.setText(_("Hồ sơ: {codes}", codes=", ".join(codes)) if codes and self.ticket else "")

    @Slot(object)
    def set_note(self, note: str | None) -> None:
        self.note_text = note
        self._show_note()

    def _show_note(self) -> None:
        note = self.note_text
        self.note.setText(_("Ghi chú chuyển quầy: {note}", note=note) if note and self.ticket else "")

    def _update_timer(self) -> None:
        ticket = self.ticket
        if ticket is None:
            return
        now = time.time()
        if ticket.status == statuses.SERVING:
            self.timer_caption.setText(_("Thời gian phục vụ"))
            self.timer.setText(clock_text(_seconds_since(ticket.started_at, now)))
        else:
            self.timer_caption.setText(_("Đã gọi cách đây"))
            self.timer.setText(clock_text(_seconds_since(ticket.called_at, now)))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        size = max(48, min(int(self.height() * 0.40), int(self.width() * 0.26)))
        self.code.setFont(theme.font(size, bold=True))


class ActionBar(Retranslating, QWidget):
    """F1..F7; a button is enabled only when the session says the action is valid."""

    triggered = Signal(object)   # Action

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        self.buttons: dict[Action, QPushButton] = {}
        for column, action in enumerate(SHORTCUTS):
            button = QPushButton()
            button.setObjectName(f"action_{action.value}")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)   # keep the keyboard in the call box (scanner)
            button.setMinimumHeight(78)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            button.setFont(theme.font(17, bold=True))
            colour = BUTTON_COLOUR[action]
            button.setStyleSheet(
                f"QPushButton {{ background:{colour}; color:white; border-radius:8px; padding:4px; }}"
                f"QPushButton:disabled {{ background:#dfe4e8; color:#90a4ae; }}")
            button.setEnabled(False)
            button.clicked.connect(lambda _checked=False, a=action: self.triggered.emit(a))
            layout.addWidget(button, 0, column)
            self.buttons[action] = button
            # A QShortcut fires at once; a button's own shortcut "animates" the click for 100 ms first.
            shortcut = QShortcut(QKeySequence(SHORTCUTS[action]), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.setAutoRepeat(False)
            shortcut.activated.connect(lambda a=action: self._shortcut(a))
        self.paused = False
        self.set_paused(False)

    def retranslate(self) -> None:
        self.set_paused(self.paused)

    def _shortcut(self, action: Action) -> None:
        if self.buttons[action].isEnabled():
            self.triggered.emit(action)

    @Slot(object)
    def set_enabled(self, actions: frozenset[Action]) -> None:
        for action, button in self.buttons.items():
            button.setEnabled(action in actions)

    @Slot(bool)
    def set_paused(self, paused: bool) -> None:
        self.paused = paused
        for action, button in self.buttons.items():
            text = _p("quầy", "Tiếp tục") if action is Action.PAUSE and paused else _(BUTTON_TEXT[action])
            button.setText(f"{SHORTCUTS[action]}\n{text}")


@dataclass(frozen=True)
class ScanMode:
    caption: str
    placeholder: str
    button: str


#: What the one scan line does, by the action the counter's state allows: a free
#: counter calls the ticket scanned; a counter holding a ticket attaches the
#: dossier code of the receipt scanned (docs/dossiers.md).
SCAN_MODES: dict[Action, ScanMode] = {
    Action.DOSSIER: ScanMode(N_("Mã hồ sơ:"), N_("Nhập mã hồ sơ hoặc quét mã QR trên giấy tiếp nhận, rồi Enter"),
                             N_("Gắn hồ sơ")),
    Action.CALL_TICKET: ScanMode(N_("Gọi số cụ thể:"), N_("Nhập số (vd: A012) hoặc quét mã QR trên phiếu, rồi Enter"),
                                 N_("Gọi số này")),
}


class ScanBox(Retranslating, QWidget):
    """The one line a scanner types into (it types the code + Enter), with its button.

    What it does follows the counter's state (``SCAN_MODES``): ``submitted``
    carries the action with the text.  The line edit stays usable while no
    action is allowed (a scan must not be lost); only submitting waits.
    """

    submitted = Signal(object, str)     # Action, text

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.caption = QLabel()
        self.caption.setFont(theme.font(17, bold=True))
        self.edit = QLineEdit()
        self.edit.setObjectName("call_input")
        self.edit.setFont(theme.font(20))
        self.edit.setMinimumHeight(44)
        self.edit.setMaxLength(2000)   # a receipt's QR may hold a long URL or JSON
        self.button = QPushButton()
        self.button.setObjectName("call_ticket")
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.button.setFont(theme.font(17, bold=True))
        self.button.setMinimumHeight(44)
        layout.addWidget(self.caption)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.button)
        self.button.clicked.connect(self._submit)
        self.edit.returnPressed.connect(self._submit)
        self.mode = Action.CALL_TICKET
        self.enabled = False
        self._show_mode()

    def _show_mode(self) -> None:
        mode = SCAN_MODES[self.mode]
        self.caption.setText(_(mode.caption))
        self.edit.setPlaceholderText(_(mode.placeholder))
        self.button.setText(_(mode.button))

    def retranslate(self) -> None:
        self._show_mode()

    def _submit(self) -> None:
        text = self.edit.text()
        if not text.strip() or not self.enabled:
            return
        self.edit.clear()
        self.submitted.emit(self.mode, text)

    @Slot(object)
    def set_enabled(self, actions: frozenset[Action]) -> None:
        allowed = [action for action in SCAN_MODES if action in actions]
        if allowed and allowed[0] is not self.mode:
            self.mode = allowed[0]
            self._show_mode()
        self.enabled = bool(allowed)
        self.button.setEnabled(self.enabled)


class WaitingPanel(Retranslating, QFrame):
    """The counter's services: waiting counts, priority, next codes, longest wait; then the call order."""

    COLUMNS = (N_("Dịch vụ"), N_("Chờ"), N_("Ưu tiên"), N_("Số tiếp theo"), N_("Chờ lâu nhất"))

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        frame, layout, self.heading = _box("", "waiting_box")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(frame)
        self.total = _label("waiting_total", 16, colour=theme.GREY)
        layout.addWidget(self.total)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setObjectName("waiting_table")
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setWordWrap(True)
        self.table.setFont(theme.font(15))
        self.table.horizontalHeader().setFont(theme.font(14, bold=True))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(self.COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setStyleSheet("border:none;")
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(self.table)
        self.next_caption = _label("next_caption", 15, bold=True)
        layout.addWidget(self.next_caption)
        self.next_up = _label("next_up", 18, bold=True, colour=theme.NAVY)
        self.next_up.setWordWrap(True)
        self.next_up.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.next_up)
        layout.addStretch(1)
        self.snapshot: CounterSnapshot | None = None
        self.retranslate()

    def retranslate(self) -> None:
        self.heading.setText(_("Công dân đang chờ"))
        self.table.setHorizontalHeaderLabels([_(title) for title in self.COLUMNS])
        self.next_caption.setText(_("Thứ tự gọi tiếp theo (F1):"))
        if self.snapshot is not None:
            self.set_snapshot(self.snapshot)

    @Slot(object)
    def set_snapshot(self, snapshot: CounterSnapshot) -> None:
        self.snapshot = snapshot
        lines = snapshot.services
        self.total.setText(_("Tổng số đang chờ các dịch vụ của quầy: {n}", n=snapshot.waiting_total))
        self.table.setRowCount(len(lines))
        for row, line in enumerate(lines):
            name = site_text(line.name, line.name_en)
            values = (name, str(line.waiting), str(line.priority_waiting) if line.priority_waiting else "-",
                      ", ".join(line.next_codes) or "-", minutes_text(line.longest_wait_s) if line.waiting else "-")
            for column, text in enumerate(values):
                item = QTableWidgetItem(text)
                if column:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if column == 2 and line.priority_waiting:
                    item.setForeground(Qt.GlobalColor.red)
                self.table.setItem(row, column, item)
        self.table.resizeRowsToContents()
        # as tall as its rows: the call order sits right under it, not below an empty grid
        height = self.table.horizontalHeader().height() + sum(self.table.rowHeight(r) for r in range(len(lines)))
        self.table.setFixedHeight(height + 2 * self.table.frameWidth() + 2)
        parts = []
        for ticket in snapshot.next_up:
            if ticket.priority:
                parts.append(f"<span style='color:{theme.RED}'>★{ticket.code}</span>")
            elif ticket.appointment:
                mark = _("{code} (hẹn {time})", code=ticket.code, time=f"{ticket.slot_start:%H:%M}")
                parts.append(f"<span style='color:{APPOINTMENT}'>{mark}</span>")
            elif ticket.target_counter is not None:
                parts.append(f"<span style='color:#6a1b9a'>{ticket.code}→</span>")
            else:
                parts.append(ticket.code)
        self.next_up.setText("&nbsp; ".join(parts) if parts else
                             f"<span style='color:#90a4ae'>{_('Không có ai đang chờ')}</span>")


class DayPanel(Retranslating, QFrame):
    """Today's own figures: served, no-show, median service time, ratings received."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        frame, layout, self.heading = _box("", "day_box")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(frame)
        self.served = _label("day_served", 17)
        self.median = _label("day_median", 17)
        self.ratings = _label("day_ratings", 16)
        self.ratings.setWordWrap(True)
        for label in (self.served, self.median, self.ratings):
            layout.addWidget(label)
        self.levels: tuple[RatingLevel, ...] = ()
        self.snapshot: CounterSnapshot | None = None
        self.retranslate()

    def retranslate(self) -> None:
        self.heading.setText(_("Kết quả hôm nay của tôi"))
        if self.snapshot is not None:
            self.set_snapshot(self.snapshot)

    def set_levels(self, levels: tuple[RatingLevel, ...]) -> None:
        self.levels = tuple(sorted(levels, key=lambda lv: -lv.value))

    @Slot(object)
    def set_snapshot(self, snapshot: CounterSnapshot) -> None:
        day = snapshot.figures
        if day is None:
            return
        self.snapshot = snapshot
        self.served.setText(_("Đã phục vụ: <b>{served}</b> &nbsp; Vắng mặt: <b>{no_show}</b>",
                              served=day.served, no_show=day.no_show))
        self.median.setText(_("Thời gian phục vụ (trung vị): <b>{time}</b>", time=clock_text(day.median_service_s))
                            if day.median_service_s is not None else _("Thời gian phục vụ (trung vị): -"))
        if not day.rated:
            self.ratings.setText(_("Đánh giá nhận được: chưa có"))
            return
        parts = [f"{site_text(lv.label, lv.label_en)} <b>{day.ratings.get(lv.value, 0)}</b>" for lv in self.levels]
        others = sum(v for k, v in day.ratings.items() if k not in {lv.value for lv in self.levels})
        if others:
            parts.append(_("khác <b>{n}</b>", n=others))
        self.ratings.setText(_("Đánh giá nhận được: <b>{n}</b> lượt", n=day.rated) + "<br>"
                             + " &nbsp;·&nbsp; ".join(parts))


class KeypadPanel(Retranslating, QFrame):
    """The rating keypad's state and the last rating received at this counter."""

    COLOURS = {"connected": theme.GREEN, "waiting_for_device": "#ef6c00", "waiting": "#ef6c00", "error": theme.RED}

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        frame, layout, self.heading = _box("", "keypad_box")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(frame)
        self.state = _label("keypad_state", 17, bold=True)
        self.last = _label("last_rating", 17)
        self.last.setWordWrap(True)
        layout.addWidget(self.state)
        layout.addWidget(self.last)
        self.levels: dict[int, RatingLevel] = {}
        self.keypad_state = "off"
        self.rating: RatingInfo | None = None
        self.retranslate()

    def retranslate(self) -> None:
        self.heading.setText(_("Bàn phím đánh giá"))
        self.set_state(self.keypad_state)
        self.set_rating(self.rating)

    def set_levels(self, levels: tuple[RatingLevel, ...]) -> None:
        self.levels = {lv.value: lv for lv in levels}

    @Slot(str)
    def set_state(self, state: str) -> None:
        self.keypad_state = state
        colour = self.COLOURS.get(state, theme.GREY)
        self.state.setText("● " + _("Trạng thái: {state}", state=keypad_text(state)))
        self.state.setStyleSheet(f"color:{colour}; border:none;")

    @Slot(object)
    def set_rating(self, rating: RatingInfo | None) -> None:
        self.rating = rating
        if rating is None:
            self.last.setText(_("Đánh giá gần nhất: chưa có"))
            return
        level = self.levels.get(rating.value)
        label = site_text(level.label, level.label_en) if level else (getattr(rating, "label", "") or str(rating.value))
        ticket = (_(" - số {code}", code=rating.ticket_code) if rating.ticket_code
                  else _(" - không gắn với số nào"))
        self.last.setText(_("Đánh giá gần nhất: <b>{label}</b> ({value}){ticket}, lúc {time}", label=label,
                            value=rating.value, ticket=ticket, time=f"{rating.pressed_at:%H:%M:%S}"))


class TopBar(Retranslating, QFrame):
    """Counter, officer, clock; the language switch, lock and logout."""

    lock_requested = Signal()
    logout_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("top_bar")
        self.setStyleSheet(f"#top_bar {{ background:{theme.NAVY}; }} QLabel {{ color:white; background:transparent; }}")
        self.timezone: str | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 8, 16, 8)
        self.counter = QLabel("")
        self.counter.setObjectName("top_counter")
        self.counter.setFont(theme.font(22, bold=True))
        self.officer = QLabel("")
        self.officer.setObjectName("top_officer")
        self.officer.setFont(theme.font(17))
        self.paused = QLabel()
        self.paused.setObjectName("top_paused")
        self.paused.setFont(theme.font(17, bold=True))
        self.paused.setStyleSheet(f"background:{theme.GOLD}; color:{theme.TEXT}; padding:2px 8px; border-radius:4px;")
        self.paused.hide()
        self.clock = QLabel("")
        self.clock.setFont(theme.font(20, bold=True))
        self.language = LanguageButton("onestop-counter")
        self.lock_button = QPushButton()
        self.lock_button.setObjectName("lock")
        self.logout_button = QPushButton()
        self.logout_button.setObjectName("logout")
        for button in (self.language, self.lock_button, self.logout_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setFont(theme.font(15, bold=True))
            button.setStyleSheet("QPushButton { background:white; color:#0b2e59; border-radius:5px; padding:6px 12px; }")
        layout.addWidget(self.counter)
        layout.addSpacing(16)
        layout.addWidget(self.officer)
        layout.addSpacing(12)
        layout.addWidget(self.paused)
        layout.addStretch(1)
        layout.addWidget(self.clock)
        layout.addSpacing(16)
        layout.addWidget(self.language)
        layout.addWidget(self.lock_button)
        layout.addWidget(self.logout_button)
        self.lock_button.clicked.connect(self.lock_requested)
        self.logout_button.clicked.connect(self.logout_requested)
        self._tick = QTimer(self)
        self._tick.timeout.connect(self._update_clock)
        self._tick.start(1000)
        self._update_clock()
        self.identity: tuple[str, str] = ("", "")
        self.retranslate()

    def retranslate(self) -> None:
        self.paused.setText(_("TẠM DỪNG"))
        self.lock_button.setText(_("Khoá màn hình"))
        self.logout_button.setText(_("Đăng xuất"))
        if self.identity[0]:
            self.officer.setText(_("Cán bộ: {name} ({username})", name=self.identity[0], username=self.identity[1]))

    def _update_clock(self) -> None:
        # the site's time, not the PC's time zone setting
        now = datetime.now(ZoneInfo(self.timezone)) if self.timezone else datetime.now()
        self.clock.setText(now.strftime("%H:%M"))

    def set_identity(self, counter_name: str, officer_name: str, username: str, timezone: str) -> None:
        self.timezone = timezone
        self._update_clock()
        self.counter.setText(counter_name)
        self.identity = (officer_name, username)
        self.retranslate()

    @Slot(bool)
    def set_paused(self, paused: bool) -> None:
        self.paused.setVisible(paused)


class MainPage(QWidget):
    """Assembles the working screen; routes the officer's intentions out as signals."""

    action_triggered = Signal(object)   # Action
    call_requested = Signal(str)
    dossier_requested = Signal(str)
    lock_requested = Signal()
    logout_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("main_page")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(f"#main_page {{ background:{theme.LIGHT}; }}")
        self.top = TopBar()
        self.ticket = TicketPanel()
        self.actions = ActionBar()
        self.call_box = ScanBox()
        self.message = _label("message", 18, bold=True)
        self.message.setWordWrap(True)
        self.message.setMinimumHeight(30)
        self.waiting = WaitingPanel()
        self.day = DayPanel()
        self.keypad = KeypadPanel()

        body = QHBoxLayout()
        body.setContentsMargins(14, 12, 14, 14)
        body.setSpacing(14)
        left = QVBoxLayout()
        left.setSpacing(10)
        left.addWidget(self.ticket, 1)
        left.addWidget(self.actions)
        left.addWidget(self.call_box)
        left.addWidget(self.message)
        right = QVBoxLayout()
        right.setSpacing(10)
        right.addWidget(self.waiting, 1)
        right.addWidget(self.day)
        right.addWidget(self.keypad)
        body.addLayout(left, 3)
        body.addLayout(right, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.top)
        layout.addLayout(body, 1)

        self.actions.triggered.connect(self.action_triggered)
        self.call_box.submitted.connect(self._scanned)
        self.top.lock_requested.connect(self.lock_requested)
        self.top.logout_requested.connect(self.logout_requested)

    @Slot(str, str)
    def show_message(self, text: str, kind: str) -> None:
        colour = {"error": theme.RED, "warning": "#e65100"}.get(kind, theme.GREEN)
        self.message.setStyleSheet(f"color:{colour}; border:none;")
        self.message.setText(text)

    @Slot(object)
    def set_actions(self, actions: frozenset[Action]) -> None:
        self.actions.set_enabled(actions)
        self.call_box.set_enabled(actions)

    @Slot(bool)
    def set_paused(self, paused: bool) -> None:
        self.actions.set_paused(paused)
        self.ticket.set_paused(paused)
        self.top.set_paused(paused)

    @Slot(object)
    def set_snapshot(self, snapshot: CounterSnapshot) -> None:
        self.waiting.set_snapshot(snapshot)
        self.day.set_snapshot(snapshot)
        shown = self.ticket.ticket
        same = shown is not None and snapshot.current is not None and snapshot.current.id == shown.id
        self.ticket.set_note(snapshot.handover_note if same else None)

    def _scanned(self, action: Action, text: str) -> None:
        (self.dossier_requested if action is Action.DOSSIER else self.call_requested).emit(text)

    def focus_call_box(self) -> None:
        self.call_box.edit.setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """A scanner typing while focus is elsewhere still lands in the scan line."""
        if event.text() and event.text().isprintable() and not event.modifiers() & ~Qt.KeyboardModifier.ShiftModifier:
            self.call_box.edit.setFocus()
            self.call_box.edit.insert(event.text())
            return
        super().keyPressEvent(event)
