"""Live overview: who waits for what, what each counter is doing, the longest wait.

The tab follows the event log like every other screen: a ``FeedWatcher``
event (a ticket issued, called, served, a counter paused, ...) triggers one
read of ``db.status.hall_status()`` on the window's live lane (under 5 ms on a
3-million-ticket database, see docs/performance.md); events arriving while a
read is running cost one more read, never a pile-up.  Nothing is read while
the hall is quiet.  The figures that change with the clock alone ("longest
wait", "since call") are re-drawn every second from the last read, without
the database (a wait grows exactly with the clock until an event changes it).
A slow timer reads again anyway for what only the clock changes in the
database's view (the service day at midnight).  Today's totals come from the
report query at most every 10 s; one skipped for that reason is read when due.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QGridLayout, QGroupBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from admin_app.widgets import duration, fill_table, make_table, percent
from db import clock, statuses
from db.reports import build_report
from db.site import list_services
from db.status import HallStatus, hall_status
from ui_common import theme
from ui_common.feed import FeedWatcher
from ui_common.i18n import N_, _, _p, site_text
from ui_common.tasks import Lane

STATE_TEXT = {statuses.CALLED: N_("Đang gọi"), statuses.SERVING: N_("Đang phục vụ")}
CLOCK_MS = 1000            # re-draw the clock-based figures (no database read)
SLOW_READ_MS = 60_000      # read again even without events: the service day changes at midnight
TODAY_EVERY_S = 10.0       # today's totals (the report query) at most this often, and owed after events
RETRY_MS = 3000            # a failed read is tried again this soon (the feed may not notice a blip)


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
        self._today_at: float | None = None      # when today's totals were last read
        self._read_at = 0.0                      # the clock moment of the last read
        self._today: dict | None = None
        self._dirty = False                      # an event came while a read was running
        self._offline = False
        self.feed: FeedWatcher | None = None
        self.reads = 0                           # database reads so far (tests, diagnostics)
        self.status: HallStatus | None = None

        self.waiting = _Figure(_("Đang chờ"))
        self.longest = _Figure(_("Chờ lâu nhất"))
        self.busy = _Figure(_("Quầy đang làm việc"))
        self.today = _Figure(_("Hôm nay: phát · phục vụ"))
        self.today_wait = _Figure(_("Hôm nay: chờ TB · đạt MT"))
        figures = QHBoxLayout()
        for figure in (self.waiting, self.longest, self.busy, self.today, self.today_wait):
            figures.addWidget(figure)

        self.services = make_table([_("Mã"), _("Dịch vụ"), _("Đang chờ"), _("Ưu tiên"),
                                    _("Chờ lâu nhất"), _("Mục tiêu"), _("Số tiếp theo")], stretch=1)
        self.counters = make_table([_("Quầy"), _("Tên"), _("Cán bộ"), _("Trạng thái"),
                                    _("Số"), _("Dịch vụ"), _("Từ lúc gọi")], stretch=1)
        self.updated = QLabel("")
        self.updated.setStyleSheet(f"color:{theme.GREY};")

        left = QGroupBox(_("Hàng chờ theo dịch vụ"))
        QVBoxLayout(left).addWidget(self.services)
        right = QGroupBox(_p("nhóm", "Quầy"))
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

        self.clock_timer = QTimer(self)
        self.clock_timer.setInterval(CLOCK_MS)
        self.clock_timer.timeout.connect(self._redraw)
        self.slow_timer = QTimer(self)
        self.slow_timer.setInterval(SLOW_READ_MS)
        self.slow_timer.timeout.connect(self.refresh)
        self.retry_timer = QTimer(self)
        self.retry_timer.setSingleShot(True)
        self.retry_timer.setInterval(RETRY_MS)
        self.retry_timer.timeout.connect(self.refresh)
        self.today_timer = QTimer(self)        # today's totals skipped by a read: read them when due
        self.today_timer.setSingleShot(True)
        self.today_timer.timeout.connect(self.refresh)

    def start(self, feed: FeedWatcher | None = None) -> None:
        """Follow the feed (from its current end: the first read comes after it) and read once."""
        self.feed = watcher = feed or FeedWatcher(parent=self)
        watcher.events.connect(self._on_events)
        watcher.online_changed.connect(self._on_feed_online)
        # A window dropped without being closed must not leave the feed's thread running:
        # ``destroyed`` comes before the children (the watcher) go.  The slot holds the
        # watcher only, never this tab.
        self.destroyed.connect(lambda *_args: watcher.stop())
        watcher.start()
        self.refresh()
        self.clock_timer.start()
        self.slow_timer.start()

    def stop(self) -> None:
        """Stop reading (the window closes); also done by itself if the tab is destroyed unclosed."""
        self.clock_timer.stop()
        self.slow_timer.stop()
        self.retry_timer.stop()
        self.today_timer.stop()
        if self.feed is not None:
            self.feed.stop()

    # ---------------------------------------------------------------- data
    def _on_events(self, _events: list) -> None:
        self.refresh()

    def _on_feed_online(self, online: bool) -> None:
        if online:
            self.refresh()      # back: read what changed meanwhile
        else:
            self._failed(None)

    def refresh(self) -> None:
        """Read the hall once; while a read runs, one more is owed instead (never a pile-up)."""
        if self._lane.busy:
            self._dirty = True
            return
        self._dirty = False
        moment = self._now()
        with_today = self._today_at is None or moment - self._today_at >= TODAY_EVERY_S
        if not with_today and not self.today_timer.isActive():
            self.today_timer.start(int((TODAY_EVERY_S - (moment - self._today_at)) * 1000) + 50)
        self.reads += 1

        def read():
            status = hall_status(now=moment)
            targets = {s.code: s.target_wait_min for s in list_services(include_inactive=True)}
            today = build_report(status.service_day, status.service_day)["totals"] if with_today else None
            return moment, status, targets, today

        self._lane.run(read, self._read_done, self._failed)

    def _failed(self, exc: BaseException | None) -> None:
        self._offline = True
        if self._on_online:
            self._on_online(False)
        self.updated.setText(_("Mất kết nối CSDL"))
        if exc is not None:
            self.retry_timer.start()

    def _read_done(self, result) -> None:
        moment, status, targets, today = result
        self._offline = False
        if self._on_online:
            self._on_online(True)
        self._read_at = moment
        self.status = status
        self._targets = targets
        if today is not None:
            self._today, self._today_at = today, moment
        self._redraw()
        if self._dirty:
            self.refresh()

    def _redraw(self) -> None:
        """Fill the tab from the last read; the waits are aged by the time since that read."""
        status, targets, today = self.status, self._targets, self._today
        if status is None:
            return
        moment = self._now()
        aged = max(0.0, moment - self._read_at)

        def wait(seconds: float | None) -> float | None:
            return None if seconds is None else seconds + aged

        services = [s for s in status.services if s.active or s.waiting]
        rows, colours = [], {}
        for r, s in enumerate(services):
            target = targets.get(s.code)
            rows.append([s.code, site_text(s.name, s.name_en), s.waiting, s.priority_waiting or "",
                         duration(wait(s.longest_wait_s)), _("{m} phút", m=target) if target else "",
                         "  ".join(s.next_codes)])
            if target and s.longest_wait_s is not None and wait(s.longest_wait_s) > target * 60:
                colours[(r, 4)] = theme.RED
        fill_table(self.services, rows, numeric={2, 3, 4}, colours=colours)

        rows, colours = [], {}
        for r, c in enumerate(status.counters):
            current = c.current
            if c.paused:
                state = _("Tạm dừng")
                colours[(r, 3)] = theme.GREY
            elif current is not None:
                state = _(STATE_TEXT[current.status]) if current.status in STATE_TEXT else current.status
                colours[(r, 3)] = theme.GREEN if current.status == statuses.SERVING else theme.GOLD
            else:
                state = _("Trống") if c.officer else _("Chưa có cán bộ")
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
            late = bool(target and wait(longest.longest_wait_s) > target * 60)
            self.longest.set(f"{duration(wait(longest.longest_wait_s))}  {longest.code}",
                             theme.RED if late else theme.NAVY)
        else:
            self.longest.set("–")
        working = sum(1 for c in status.counters if c.current is not None)
        self.busy.set(f"{working} / {len(status.counters)}")
        if today is not None:
            self.today.set(f"{today['issued']} · {today['served']}")
            self.today_wait.set(f"{duration(today['wait_s']['mean'])} · {percent(today['within_target_pct'])}")
        if self._offline:
            return   # keep saying so; the figures are those of the last good read
        local = clock.local_datetime(self._read_at, self._timezone)
        self.updated.setText(_("Cập nhật {time} · ngày {day}", time=f"{local:%H:%M:%S}", day=status.service_day))
