"""Live overview: who waits for what, what each counter is doing, the longest wait.

Refreshed from ``db.status.hall_status()`` every second on the window's live
lane (under 5 ms on a 3-million-ticket database, see docs/performance.md);
today's totals come from the report query every 30 s.
"""

from __future__ import annotations

import time
from typing import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QGridLayout, QGroupBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ui_common.tasks import Lane
from admin_app.widgets import duration, fill_table, make_table, percent
from db import clock
from db.reports import build_report
from db.site import list_services
from db.status import HallStatus, hall_status
from ui_common import theme

STATE_TEXT = {"called": "Đang gọi / Calling", "serving": "Đang phục vụ / Serving"}
REFRESH_MS = 1000
TODAY_EVERY = 30  # refreshes


class _Figure(QWidget):
    """A big number with a caption (waiting now, longest wait, ...)."""

    def __init__(self, caption: str) -> None:
        super().__init__()
        self.value = QLabel("–")
        self.value.setFont(theme.font(30, bold=True))
        self.value.setStyleSheet(f"color:{theme.NAVY};")
        self.caption = QLabel(caption)
        self.caption.setStyleSheet(f"color:{theme.GREY};")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 6)
        layout.addWidget(self.value)
        layout.addWidget(self.caption)
        self.setStyleSheet("background:white; border-radius:6px;")

    def set(self, text: str, colour: str = theme.NAVY) -> None:
        self.value.setText(text)
        self.value.setStyleSheet(f"color:{colour};")


class OverviewTab(QWidget):
    def __init__(self, lane: Lane, *, timezone: str = "Asia/Ho_Chi_Minh", now: Callable[[], float] = time.time,
                 on_online: Callable[[bool], None] | None = None) -> None:
        super().__init__()
        self._lane = lane
        self._timezone = timezone
        self._now = now
        self._on_online = on_online
        self._targets: dict[str, int | None] = {}
        self._ticks = 0
        self.status: HallStatus | None = None

        self.waiting = _Figure("Đang chờ / Waiting now")
        self.longest = _Figure("Chờ lâu nhất / Longest wait")
        self.busy = _Figure("Quầy đang làm việc / Counters busy")
        self.today = _Figure("Hôm nay: phát · phục vụ / Today: issued · served")
        self.today_wait = _Figure("Hôm nay: chờ TB · đạt MT / Today: mean wait · on time")
        figures = QHBoxLayout()
        for figure in (self.waiting, self.longest, self.busy, self.today, self.today_wait):
            figures.addWidget(figure)

        self.services = make_table(["Mã\nCode", "Dịch vụ\nService", "Đang chờ\nWaiting", "Ưu tiên\nPriority",
                                    "Chờ lâu nhất\nLongest", "Mục tiêu\nTarget", "Số tiếp theo\nNext"], stretch=1)
        self.counters = make_table(["Quầy\nCounter", "Tên\nName", "Cán bộ\nOfficer", "Trạng thái\nState",
                                    "Số\nTicket", "Dịch vụ\nService", "Từ lúc gọi\nSince call"], stretch=1)
        self.updated = QLabel("")
        self.updated.setStyleSheet(f"color:{theme.GREY};")

        left = QGroupBox("Hàng chờ theo dịch vụ / Queues by service")
        QVBoxLayout(left).addWidget(self.services)
        right = QGroupBox("Quầy / Counters")
        QVBoxLayout(right).addWidget(self.counters)
        grid = QGridLayout()
        grid.addWidget(left, 0, 0)
        grid.addWidget(right, 0, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)

        layout = QVBoxLayout(self)
        layout.addLayout(figures)
        layout.addLayout(grid, 1)
        layout.addWidget(self.updated, 0, Qt.AlignRight)

        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh)

    def start(self) -> None:
        self.refresh()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    # ---------------------------------------------------------------- data
    def refresh(self) -> None:
        if self._lane.busy:
            return  # the previous refresh is still running: skip, never pile up
        moment = self._now()
        with_today = self._ticks % TODAY_EVERY == 0
        self._ticks += 1

        def read():
            status = hall_status(now=moment)
            targets = {s.code: s.target_wait_min for s in list_services(include_inactive=True)}
            today = build_report(status.service_day, status.service_day)["totals"] if with_today else None
            return status, targets, today

        self._lane.run(read, self._show, self._failed)

    def _failed(self, exc: BaseException) -> None:
        if self._on_online:
            self._on_online(False)
        self.updated.setText("Mất kết nối CSDL / Database offline")

    def _show(self, result) -> None:
        status, targets, today = result
        if self._on_online:
            self._on_online(True)
        self.status = status
        self._targets = targets
        moment = self._now()
        services = [s for s in status.services if s.active or s.waiting]
        rows, colours = [], {}
        for r, s in enumerate(services):
            target = targets.get(s.code)
            rows.append([s.code, s.name, s.waiting, s.priority_waiting or "", duration(s.longest_wait_s),
                         f"{target} phút" if target else "", "  ".join(s.next_codes)])
            if target and s.longest_wait_s is not None and s.longest_wait_s > target * 60:
                colours[(r, 4)] = theme.RED
        fill_table(self.services, rows, numeric={2, 3, 4}, colours=colours)

        rows, colours = [], {}
        for r, c in enumerate(status.counters):
            current = c.current
            if c.paused:
                state = "Tạm dừng / Paused"
                colours[(r, 3)] = theme.GREY
            elif current is not None:
                state = STATE_TEXT.get(current.status, current.status)
                colours[(r, 3)] = theme.GREEN if current.status == "serving" else theme.GOLD
            else:
                state = "Trống / Free" if c.officer else "Chưa có cán bộ / No officer"
            since = (duration(moment - current.called_at.timestamp())
                     if current is not None and current.called_at is not None else "")
            rows.append([c.number, c.name, c.officer_name or "", state, current.code if current else "",
                         current.service if current else "", since])
        fill_table(self.counters, rows, numeric={0, 6}, colours=colours)

        waiting = sum(s.waiting for s in status.services)
        self.waiting.set(str(waiting))
        longest = max(services, key=lambda s: s.longest_wait_s or -1, default=None)
        if longest is not None and longest.longest_wait_s is not None:
            target = targets.get(longest.code)
            late = bool(target and longest.longest_wait_s > target * 60)
            self.longest.set(f"{duration(longest.longest_wait_s)}  {longest.code}", theme.RED if late else theme.NAVY)
        else:
            self.longest.set("–")
        working = sum(1 for c in status.counters if c.current is not None)
        self.busy.set(f"{working} / {len(status.counters)}")
        if today is not None:
            self.today.set(f"{today['issued']} · {today['served']}")
            self.today_wait.set(f"{duration(today['wait_s']['mean'])} · {percent(today['within_target_pct'])}")
        local = clock.local_datetime(moment, self._timezone)
        self.updated.setText(f"Cập nhật / Updated {local:%H:%M:%S} · ngày / day {status.service_day}")
