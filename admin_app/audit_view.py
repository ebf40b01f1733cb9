"""Audit tab: who changed what (``db.audit``) and the last ``onestop verify`` outcome.

Read-only: the trail is written by the changes themselves (the program roles
may only INSERT into ``audit``), and a verification needs the owner's
credentials (``onestop verify --db OWNER_URL``), so this tab only shows them.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtWidgets import QHeaderView, QLabel, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from db.audit import entries
from db.integrity import VerifyResult, last_verification
from ui_common import theme
from ui_common.errors import error_text
from ui_common.i18n import N_, _, language
from ui_common.tasks import Lane

#: how far back the tab lists entries (``onestop audit --from`` reads any range)
DAYS_SHOWN = 31
COLUMNS = (N_("Thời điểm"), N_("Người thực hiện"), N_("Thao tác"), N_("Đối tượng"),
           N_("Trước"), N_("Sau"))


def _compact(value) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def verification_text(result: VerifyResult | None, tz_name: str) -> tuple[str, bool]:
    """The line shown above the trail, and whether it is good news."""
    if result is None:
        return (_("Chưa kiểm tra tính toàn vẹn lần nào (onestop verify)"), False)
    when = datetime.fromtimestamp(result.at or 0, tz=ZoneInfo(tz_name)).strftime("%d/%m/%Y %H:%M")
    if result.ok:
        return (_("Kiểm tra toàn vẹn lần cuối {when}: không phát hiện sửa đổi", when=when), True)
    shown = "; ".join(result.problems[:5]) + (" …" if len(result.problems) > 5 else "")
    return (_("Kiểm tra toàn vẹn lần cuối {when}: {n} vấn đề — {shown}", when=when, n=len(result.problems),
              shown=shown), False)


class AuditTab(QWidget):
    def __init__(self, lane: Lane, *, timezone: str, now: Callable[[], float] = time.time) -> None:
        super().__init__()
        self._lane = lane
        self._tz = timezone
        self._now = now
        self.verification = QLabel()
        self.verification.setWordWrap(True)
        self.verification.setFont(theme.font(15, bold=True))
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([_(title) for title in COLUMNS])
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        for column in (4, 5):   # before / after share what is left; the whole JSON is in the tooltip
            self.table.horizontalHeader().setSectionResizeMode(column, QHeaderView.Stretch)
        self.reload_button = QPushButton(_("Tải lại"))
        self.error = QLabel()
        self.error.setStyleSheet(f"color:{theme.RED};")
        layout = QVBoxLayout(self)
        layout.addWidget(self.verification)
        layout.addWidget(QLabel(_("Nhật ký thay đổi {n} ngày gần nhất (onestop audit)", n=DAYS_SHOWN)))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.reload_button)
        self.reload_button.clicked.connect(self.refresh)
        self.loaded = False

    def refresh(self) -> None:
        since = datetime.fromtimestamp(self._now(), tz=ZoneInfo(self._tz)).date() - timedelta(days=DAYS_SHOWN)
        self._lane.run(lambda: (entries(since), last_verification()), self._show,
                       lambda exc: self.error.setText(error_text(exc, language())))

    def _show(self, loaded) -> None:
        trail, result = loaded
        text, good = verification_text(result, self._tz)
        self.verification.setText(text)
        self.verification.setStyleSheet(f"color:{theme.GREEN if good else theme.RED};")
        newest_first = list(reversed(trail))
        self.table.setRowCount(len(newest_first))
        for r, entry in enumerate(newest_first):
            when = datetime.fromisoformat(entry["at"]).strftime("%d/%m/%Y %H:%M:%S")
            cells = (when, entry["actor"], entry["action"], entry.get("target") or "",
                     _compact(entry.get("before")), _compact(entry.get("after")))
            for c, value in enumerate(cells):
                item = QTableWidgetItem(str(value))
                item.setToolTip(str(value))
                self.table.setItem(r, c, item)
        self.error.clear()
        self.loaded = True
