"""The admin program's main window: overview, province, reports, bookings, management, settings and audit tabs.

The province tab is there when the database holds more than one site (a province's or a
centre-with-branches' database): a commune's own single-site database would show one row
that repeats the overview.  It is decided when the window opens; a site added later (the
first sync of a new commune) appears in the tab's table at its next read.

A language switch rebuilds the tabs (``retranslate``): each tab sets its texts once, when it is
made, and reloads its data from the database when it starts, so building it again in the new
language is the simplest way to leave no text behind.  The tab shown stays shown; a form being
filled in is lost (the officer chose to switch).  The counter program, whose screen holds a
citizen being served, retranslates its widgets in place instead.
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
from ui_common.i18n import N_, LanguageButton, Retranslating, _, site_text
from ui_common.tasks import Lane
from ui_common.widgets import ClockSkewBanner, OfflineBanner

PROGRAM = "onestop-admin"      # the workstation setting that remembers the language
ROLE_TEXT = {"supervisor": N_("giám sát viên"), "admin": N_("quản trị viên")}


class AdminWindow(Retranslating, QMainWindow):
    def __init__(self, officer: OfficerInfo, site: SiteInfo, *, now: Callable[[], float] = time.time,
                 province: bool | None = None) -> None:
        """``province``: show the province tab (None: when the database holds several sites)."""
        super().__init__()
        self.officer = officer
        self.site = site
        self._now = now
        self._started = False
        self._feed: FeedWatcher | None = None
        self._with_province = holds_several_sites() if province is None else province
        self.tabs: QTabWidget | None = None
        self.resize(1366, 768)
        self.setStyleSheet(f"QMainWindow {{ background:{theme.LIGHT}; }}")
        self._build()

    def _build(self) -> None:
        """Header, banners and tabs in the current language; replaces the ones shown before."""
        officer, site, now = self.officer, self.site, self._now
        self.setWindowTitle(_("Quản trị – {site}", site=site_text(site.name, site.name_en)))
        # Two lanes: the every-second overview never waits behind a long report or a backup.
        self.live = Lane("admin-live")
        self.work = Lane("admin-work")

        title = QLabel(site_text(site.name, site.name_en))
        title.setFont(theme.font(20, bold=True))
        title.setStyleSheet("color:white;")
        who = QLabel(f"{officer.full_name} · {_(ROLE_TEXT.get(officer.role, officer.role))}")
        who.setStyleSheet("color:white;")
        self.language = LanguageButton(PROGRAM)
        self.logout_button = QPushButton(_("Đăng xuất"))
        header = QWidget()
        header.setStyleSheet(f"background:{theme.NAVY};")
        row = QHBoxLayout(header)
        row.addWidget(title, 1)
        row.addWidget(who)
        row.addWidget(self.language)
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
        if self._with_province:
            self.province_lane = Lane("admin-province")
            self.province = ProvinceTab(self.province_lane, timezone=site.timezone, now=now)
        shown = self.tabs.currentIndex() if self.tabs is not None else 0
        self.tabs = QTabWidget()
        self.tabs.addTab(self.overview, _("Tổng quan"))
        if self.province is not None:
            self.tabs.addTab(self.province, _("Tỉnh"))
        self.tabs.addTab(self.reports, _("Báo cáo"))
        self.tabs.addTab(self.bookings, _("Lịch hẹn"))
        self.tabs.addTab(self.management, _("Quản lý"))
        self.tabs.addTab(self.settings, _("Cài đặt"))
        self.tabs.addTab(self.audit, _("Nhật ký"))
        self.tabs.setCurrentIndex(shown)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(header)
        layout.addWidget(self.banner)
        layout.addWidget(self.clock_banner)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)     # the previous one (if any) is deleted by Qt
        self.logout_button.clicked.connect(self.close)

    def retranslate(self) -> None:
        """The language changed: build the tabs again in it (see the module docstring)."""
        if self.tabs is None:
            return
        started = self._started
        self._stop()
        self._build()
        if started:
            self.start()

    def start(self) -> None:
        """Begin the live refresh and load the lists (separate from __init__ so tests control it)."""
        # One follower of the event log for the window: the overview starts (and stops) it,
        # the bookings tab listens to it as well.
        self._started = True
        self._feed = FeedWatcher(parent=self)
        self.overview.start(self._feed)
        self.bookings.start(self._feed)
        self.management.refresh()
        self.settings.refresh()
        self.audit.refresh()
        if self.province is not None:
            self.province.start()

    def _stop(self) -> None:
        self.overview.stop()
        self.bookings.stop()
        if self.province is not None:
            self.province.stop()
            self.province_lane.close()
        self.live.close()
        self.work.close()
        self._feed = None      # stopped by the overview; a child of the window, it goes with it

    def closeEvent(self, event) -> None:
        self._stop()
        super().closeEvent(event)
