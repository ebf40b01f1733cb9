"""The admin program's main window: overview, province, reports, bookings, management, settings and audit tabs.

The province tab is there when the database holds more than one site (a province's or a
centre-with-branches' database): a commune's own single-site database would show one row
that repeats the overview.  It is decided when the window opens; a site added later (the
first sync of a new commune) appears in the tab's table at its next read.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtWidgets import QHBoxLayout, QLabel, QMainWindow, QPushButton, QTabWidget, QVBoxLayout, QWidget

from admin_app.audit_view import AuditTab
from admin_app.bookings_view import BookingsTab
from admin_app.management import ManagementTab
from admin_app.overview import OverviewTab
from admin_app.province_view import ProvinceTab
from admin_app.reports_view import ReportsTab
from admin_app.settings_view import SettingsTab
from db.officers import OfficerInfo
from db.province import holds_several_sites
from db.values import SiteInfo
from ui_common import theme
from ui_common.feed import FeedWatcher
from ui_common.tasks import Lane
from ui_common.widgets import ClockSkewBanner, OfflineBanner

ROLE_TEXT = {"supervisor": "giám sát viên / supervisor", "admin": "quản trị viên / administrator"}


class AdminWindow(QMainWindow):
    def __init__(self, officer: OfficerInfo, site: SiteInfo, *, now: Callable[[], float] = time.time,
                 province: bool | None = None) -> None:
        """``province``: show the province tab (None: when the database holds several sites)."""
        super().__init__()
        self.officer = officer
        self.setWindowTitle(f"Quản trị / Administration – {site.name}")
        self.resize(1366, 768)
        # Two lanes: the every-second overview never waits behind a long report or a backup.
        self.live = Lane("admin-live")
        self.work = Lane("admin-work")

        title = QLabel(site.name)
        title.setFont(theme.font(20, bold=True))
        title.setStyleSheet("color:white;")
        who = QLabel(f"{officer.full_name} · {ROLE_TEXT.get(officer.role, officer.role)}")
        who.setStyleSheet("color:white;")
        self.logout_button = QPushButton("Đăng xuất / Log out")
        header = QWidget()
        header.setStyleSheet(f"background:{theme.NAVY};")
        row = QHBoxLayout(header)
        row.addWidget(title, 1)
        row.addWidget(who)
        row.addWidget(self.logout_button)

        self.banner = OfflineBanner()
        self.clock_banner = ClockSkewBanner()
        self.overview = OverviewTab(self.live, timezone=site.timezone, now=now, on_online=self.banner.set_online)
        self.reports = ReportsTab(self.work, timezone=site.timezone, now=now)
        self.management = ManagementTab(self.work, officer)
        self.settings = SettingsTab(self.work, officer)
        self.bookings = BookingsTab(self.work, officer, timezone=site.timezone, now=now)
        self.audit = AuditTab(self.work, timezone=site.timezone, now=now)
        # Its own lane: reading a hundred sites never delays this site's live overview.
        self.province_lane: Lane | None = None
        self.province: ProvinceTab | None = None
        if holds_several_sites() if province is None else province:
            self.province_lane = Lane("admin-province")
            self.province = ProvinceTab(self.province_lane, timezone=site.timezone, now=now)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.overview, "Tổng quan / Overview")
        if self.province is not None:
            self.tabs.addTab(self.province, "Tỉnh / Province")
        self.tabs.addTab(self.reports, "Báo cáo / Reports")
        self.tabs.addTab(self.bookings, "Lịch hẹn / Bookings")
        self.tabs.addTab(self.management, "Quản lý / Management")
        self.tabs.addTab(self.settings, "Cài đặt / Settings")
        self.tabs.addTab(self.audit, "Nhật ký / Audit")

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(header)
        layout.addWidget(self.banner)
        layout.addWidget(self.clock_banner)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        self.setStyleSheet(f"QMainWindow {{ background:{theme.LIGHT}; }}")
        self.logout_button.clicked.connect(self.close)

    def start(self) -> None:
        """Begin the live refresh and load the lists (separate from __init__ so tests control it)."""
        # One follower of the event log for the window: the overview starts (and stops) it,
        # the bookings tab listens to it as well.
        feed = FeedWatcher(parent=self)
        self.overview.start(feed)
        self.bookings.start(feed)
        self.management.refresh()
        self.settings.refresh()
        self.audit.refresh()
        if self.province is not None:
            self.province.start()

    def closeEvent(self, event) -> None:
        self.overview.stop()
        self.bookings.stop()
        if self.province is not None:
            self.province.stop()
            self.province_lane.close()
        self.live.close()
        self.work.close()
        super().closeEvent(event)
