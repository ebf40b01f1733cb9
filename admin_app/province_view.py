"""Province tab ("Tỉnh"): every site of the database at a glance, live.

The tab only shows ``db.province.province_view()`` rows (the same figures as
``/province`` in the web service and ``GET /api/v1/province``); what counts as
"over target", "open" or "today" is decided there, not here.

It reads on a timer (``REFRESH_MS``), not from the event feed: the window's
feed follows the one site this program acts for, while the figures come from
every site's events (in a province database a hundred sites write all the
time, through ``onestop sync``); one grouped read of all sites every few
seconds costs the same however busy they are.  It reads only while the tab
is on screen (and at once when it comes on screen), on its own lane, so the
site's live overview never waits behind it.

An over-target site is marked by a word ("⚠ Quá mục tiêu"; English "⚠ Over target") and
by red bold text, never by colour alone, and the line above the table names
the sites over target so none is missed in a list of a hundred.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from admin_app.widgets import duration, fill_table, make_table
from db.province import province_view
from ui_common import theme
from ui_common.errors import error_text
from ui_common.i18n import N_, _, language
from ui_common.tasks import Lane

#: how often the tab reads the province view while it is on screen (the web page: 5 s too)
REFRESH_MS = 5_000
#: a failed read is tried again this soon
RETRY_MS = 3_000
#: "last sync" older than this is shown with its age (a commune whose link is down)
STALE_S = 10 * 60
OVER_MARK = N_("⚠ Quá mục tiêu")
SOURCE_TEXT = {True: N_("đồng bộ"), False: N_("tại chỗ")}
COLUMNS = [N_("Mã"), N_("Điểm"), N_("Đang chờ"), N_("Chờ lâu nhất / mục tiêu"), N_("Cảnh báo"), N_("Quầy mở"),
           N_("Phục vụ hôm nay"), N_("Hài lòng hôm nay"), N_("Dữ liệu đến"), N_("Nguồn")]
#: column of the over-target mark (tests and the colouring)
MARK_COLUMN = COLUMNS.index("Cảnh báo")


def last_sync_text(row: dict, moment: float) -> str:
    """``HH:MM:SS`` of the site's newest data in its own timezone (with the day if not today, the age if old).

    For a synced site that is how far its last sync reached (the sync copies the events).
    """
    at = row.get("data_up_to")
    if at is None:
        return "–"
    local = datetime.fromtimestamp(at, ZoneInfo(row.get("timezone") or "Asia/Ho_Chi_Minh"))
    text = local.strftime("%H:%M:%S") if local.date().isoformat() == row.get("today") else local.strftime(
        "%d/%m %H:%M")
    age = moment - at
    if age > STALE_S:
        text += " " + _("({minutes} phút)", minutes=int(age // 60))
    return text


def satisfaction_text(row: dict) -> str:
    mean = row.get("rating_mean")
    return "–" if mean is None else f"{mean:.2f} ({row.get('ratings', 0)})"


def table_rows(rows: list[dict], moment: float) -> tuple[list[list], dict[tuple[int, int], str]]:
    """The cells of each site and the colours of the over-target rows (every cell red: with the mark column)."""
    cells, colours = [], {}
    for r, row in enumerate(rows):
        target = row.get("target_wait_s")
        longest = duration(row.get("longest_wait_s"))
        if target:
            longest += " / " + _("{minutes} phút", minutes=target // 60)
        cells.append([row["site"], row["name"], row["waiting"], longest, _(OVER_MARK) if row["over_target"] else "",
                      row["counters_open"], row["served_today"], satisfaction_text(row),
                      last_sync_text(row, moment), _(SOURCE_TEXT[bool(row.get("synced"))])])
        if row["over_target"]:
            colours.update({(r, c): theme.RED for c in range(len(COLUMNS))})
    return cells, colours


class ProvinceTab(QWidget):
    def __init__(self, lane: Lane, *, timezone: str = "Asia/Ho_Chi_Minh", now: Callable[[], float] = time.time,
                 refresh_ms: int = REFRESH_MS) -> None:
        super().__init__()
        self._lane = lane
        self._timezone = timezone
        self._now = now
        self._dirty = False
        self.rows: list[dict] = []
        self.reads = 0          # completed reads (tests wait for the next one)
        self.ticks = 0          # timer ticks, read or not (tests: no read while off screen)
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.summary.setFont(theme.font(15, bold=True))
        self.table = make_table([_(c) for c in COLUMNS], stretch=1)
        self.updated = QLabel("")
        self.updated.setStyleSheet(f"color:{theme.GREY};")
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.updated, 0, Qt.AlignRight)
        self.timer = QTimer(self)
        self.timer.setInterval(refresh_ms)
        self.timer.timeout.connect(self._tick)
        self.retry_timer = QTimer(self)
        self.retry_timer.setSingleShot(True)
        self.retry_timer.setInterval(RETRY_MS)
        self.retry_timer.timeout.connect(self._tick)

    def start(self) -> None:
        self.timer.start()
        self.refresh()

    def stop(self) -> None:
        self.timer.stop()
        self.retry_timer.stop()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.refresh()      # coming on screen: show now, not at the next tick

    def _tick(self) -> None:
        self.ticks += 1
        if self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        """Read every site once; while a read runs, one more is owed instead (never a pile-up)."""
        if self._lane.busy:
            self._dirty = True
            return
        self._dirty = False
        moment = self._now()
        self._lane.run(lambda: (moment, province_view(now=moment)), self._show, self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.updated.setText(_("Mất kết nối CSDL — {error}", error=error_text(exc, language())))
        self.updated.setStyleSheet(f"color:{theme.RED};")
        self.retry_timer.start()

    def _show(self, result) -> None:
        moment, rows = result
        self.rows = rows
        cells, colours = table_rows(rows, moment)
        fill_table(self.table, cells, numeric={2, 3, 5, 6}, colours=colours)
        for r, row in enumerate(rows):      # the whole name when the column is too narrow for it
            self.table.item(r, 1).setToolTip(row["name"])
        over = [row["site"] for row in rows if row["over_target"]]
        if over:
            shown = ", ".join(over[:12]) + (" …" if len(over) > 12 else "")
            self.summary.setText(_("⚠ {over} / {sites} điểm quá thời gian chờ mục tiêu: {codes}",
                                   over=len(over), sites=len(rows), codes=shown))
            self.summary.setStyleSheet(f"color:{theme.RED};")
        else:
            self.summary.setText(_("{sites} điểm, không điểm nào quá mục tiêu", sites=len(rows)))
            self.summary.setStyleSheet(f"color:{theme.GREEN};")
        local = datetime.fromtimestamp(moment, ZoneInfo(self._timezone))
        self.updated.setText(_("Cập nhật {time} · {waiting} đang chờ toàn tỉnh", time=f"{local:%H:%M:%S}",
                               waiting=sum(r["waiting"] for r in rows)))
        self.updated.setStyleSheet(f"color:{theme.GREY};")
        self.reads += 1
        if self._dirty:
            self.refresh()
