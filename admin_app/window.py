"""The admin program's main window: overview, reports, bookings, management, settings and audit tabs."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtWidgets import QHBoxLayout, QLabel, QMainWindow, QPushButton, QTabWidget, QVBoxLayout, QWidget

from admin_app.audit_view import AuditTab
from admin_app.bookings_view import BookingsTab
from admin_app.management import ManagementTab
from admin_app.overview import OverviewTab
from admin_app.reports_view import ReportsTab
from admin_app.settings_view import SettingsTab
from db.officers import OfficerInfo
from db.values import SiteInfo
from ui_common import theme
from ui_common.feed import FeedWatcher
from ui_common.tasks import Lane
from ui_common.widgets import ClockSkewBanner, OfflineBanner

ROLE_TEXT = {"supervisor": "giám sát viên / supervisor", "admin": "quản trị viên / administrator"}


class AdminWindow(QMainWindow):
    def __init__(self, officer: OfficerInfo, site: SiteInfo, *, now: Callable[[], float] = time.time) -> None:
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
        self.tabs = QTabWidget()
        self.tabs.addTab(self.overview, "Tổng quan / Overview")
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

    def closeEvent(self, event) -> None:
        self.overview.stop()
        self.bookings.stop()
        self.live.close()
        self.work.close()
        super().closeEvent(event)
