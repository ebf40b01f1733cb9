"""Render the admin program's screenshots for the documentation.

``python -m tools.screenshots.admin OUT_DIR`` (or all: ``python -m tools.screenshots``) builds a throwaway
SQLite database with the built-in site, plays a believable working week
through the real queue engine (citizens arriving through the day, four
counters calling, serving, a few no-shows and transfers, keypad ratings),
stops on Wednesday 25/11/2026 at 10:30 with people waiting, then drives the
real admin program and saves:

* ``admin-login.png``       an officer's account refused at the login;
* ``admin-overview.png``    the live overview;
* ``admin-reports.png``     the week's report by service, with the three charts;
* ``admin-management.png``  the officers list;
* ``admin-settings.png``    notice line, opening hours, site file, backup;
* ``admin-bookings.png``    appointment slots per service and tomorrow's bookings;
* ``admin-audit.png``       the audit trail and the last integrity check;
* ``admin-overview-en.png`` the overview after a switch to English (every tab is rebuilt).

Offscreen Qt is enough (no display needed).
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
LAST_DAY = date(2026, 11, 25)
STOP_AT = (10, 30)
SIZE = (1366, 768)
SEATS = {1: "lan", 2: "hung", 3: "mai", 4: "tuan"}
#: relative demand per service code
DEMAND = {"TP": 8, "KS": 5, "DD": 4, "XD": 2, "KD": 2, "XH": 3, "KN": 1}


def _epoch(day: date, hour: int, minute: int = 0, second: int = 0) -> float:
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=TZ).timestamp()


def _arrivals(rng: random.Random, day: date, count: int, stop: float | None) -> list[tuple[float, str]]:
    codes = [code for code, weight in DEMAND.items() for _ in range(weight)]
    morning, afternoon = (_epoch(day, 7, 30), _epoch(day, 11, 0)), (_epoch(day, 13, 30), _epoch(day, 16, 30))
    times = []
    for _ in range(count):
        span = morning if rng.random() < 0.62 else afternoon
        # more people early in each session
        times.append(span[0] + (span[1] - span[0]) * rng.random() ** 1.6)
    return sorted((t, rng.choice(codes)) for t in times if stop is None or t < stop)


def play_day(rng: random.Random, day: date, *, stop: float | None = None) -> None:
    """One day in one-minute steps: arrivals, counters finishing, calling, the odd no-show and transfer."""
    from db import queue
    from db.ratings import record_press

    arrivals = _arrivals(rng, day, rng.randint(70, 95), stop)
    if stop is not None:  # the late-morning rush the overview screenshot catches
        codes = [code for code, weight in DEMAND.items() for _ in range(weight)]
        rush = [(stop - 1500 + 1500 * rng.random() ** 0.7, rng.choice(codes)) for _ in range(22)]
        arrivals = sorted(arrivals + rush)
    busy_until: dict[int, tuple[float, str]] = {}
    now, end = _epoch(day, 7, 30), stop or _epoch(day, 17, 0)
    while now < end:
        while arrivals and arrivals[0][0] <= now:
            moment, code = arrivals.pop(0)
            queue.issue_ticket(code, now=moment, priority=rng.random() < 0.05)
        for number in SEATS:
            if number in busy_until:
                until, outcome = busy_until[number]
                if until > now:
                    continue
                if outcome == "done":
                    queue.finish_service(number, now=until)
                    if rng.random() < 0.65:
                        value = rng.choices([3, 2, 1], weights=[78, 18, 4])[0]
                        record_press(number, value, now=until + rng.randint(3, 40))
                elif outcome == "no_show":
                    queue.mark_no_show(number, now=until)
                else:
                    queue.transfer(number, to_service=outcome, now=until)
                del busy_until[number]
            lunch = _epoch(day, 11, 30) <= now < _epoch(day, 13, 30)
            if lunch:
                continue
            ticket = queue.call_next(number, now=now)
            if ticket is None:
                continue
            roll = rng.random()
            if roll < 0.05:
                busy_until[number] = (now + 120, "no_show")
                continue
            queue.start_service(number, now=now + 40)
            if roll < 0.08 and ticket.service in ("TP", "KS"):
                busy_until[number] = (now + 180, "DD" if ticket.service == "TP" else "TP")
            else:
                busy_until[number] = (now + 40 + rng.uniform(180, 720), "done")
        now += 60


#: tomorrow's appointments: (service, time, name, phone)
BOOKINGS = [
    ("TP", "07:30", "Nguyễn Thị Hằng", "0912345601"), ("TP", "07:30", "Trần Văn Đức", "0983214562"),
    ("KS", "08:00", "Lê Thị Thu Trang", "0905678913"), ("TP", "08:15", "Phạm Quốc Việt", "0936456724"),
    ("TP", "09:00", "Hoàng Minh Châu", "0977112235"), ("KS", "09:30", "Đỗ Văn Lộc", "0868990046"),
    ("TP", "10:15", "Vũ Thị Ngọc Ánh", "0345123457"), ("TP", "14:00", "Bùi Đình Khải", "0389765438"),
]


def _bookings() -> None:
    """TP and KS take appointments; a few bookings for tomorrow (one cancelled) made during the morning."""
    from db import admin_ops, bookings
    from db.permissions import Actor

    supervisor = Actor("quang", "supervisor")
    admin_ops.set_booking_capacity("TP", 15, 2, actor=supervisor, now=_epoch(LAST_DAY, 7, 0))
    admin_ops.set_booking_capacity("KS", 30, 1, actor=supervisor, now=_epoch(LAST_DAY, 7, 0))
    tomorrow = LAST_DAY + timedelta(days=1)
    made = []
    for minute, (service, hhmm, name, phone) in enumerate(BOOKINGS):
        made.append(bookings.book(service, f"{tomorrow.isoformat()}T{hhmm}", name, phone,
                                  now=_epoch(LAST_DAY, 7, 40) + minute * 300))
    bookings.cancel(made[5].code, now=_epoch(LAST_DAY, 9, 50))


def build_database(path: Path) -> str:
    from db import admin_ops
    from db.connection import connect
    from db.officers import sign_in_at_counter
    from db.permissions import LOCAL_ADMIN
    from db.site import import_site, set_notice
    from db.site_config import load_site_file

    url = f"sqlite:///{path.as_posix()}"
    connect(url)
    import_site(load_site_file(None), now=_epoch(LAST_DAY, 6, 0) - 86400 * 7)
    admin_ops.set_opening_hours(["07:30-11:30", "13:30-17:00"], ["mon", "tue", "wed", "thu", "fri"], actor=LOCAL_ADMIN,
                                now=_epoch(LAST_DAY, 6, 0) - 86400 * 7)
    admin_ops.create_officer("tuan", "Phạm Văn Tuấn", "officer", "2580", actor=LOCAL_ADMIN,
                             now=_epoch(LAST_DAY, 6, 0) - 86400 * 7)
    rng = random.Random(20261125)
    days = [LAST_DAY - timedelta(days=offset) for offset in range(6, -1, -1)]
    for day in days:
        if day.weekday() >= 5:
            continue
        for number, user in SEATS.items():
            sign_in_at_counter(user, number, now=_epoch(day, 7, 20))
        play_day(rng, day, stop=_epoch(LAST_DAY, *STOP_AT) if day == LAST_DAY else None)
    _bookings()
    set_notice("Chiều thứ Sáu 27/11 Bộ phận Một cửa làm việc đến 16:00 – Friday 27/11 the office closes at 16:00")
    from db.integrity import verify

    admin_ops.reset_pin("tuan", "7391", actor=LOCAL_ADMIN, now=_epoch(LAST_DAY, 7, 5))
    verify(now=_epoch(LAST_DAY, 7, 0))
    return url


def _settle(app, window, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        app.processEvents()
        if not window.live.busy and not window.work.busy:
            for _ in range(5):
                app.processEvents()
                time.sleep(0.02)
            if not window.live.busy and not window.work.busy:
                return
        time.sleep(0.02)
    raise RuntimeError("admin window did not settle")


def render(out_dir: Path) -> list[Path]:
    from PySide6.QtWidgets import QApplication

    from admin_app.login import LoginDialog
    from admin_app.window import AdminWindow
    from db.officers import authenticate
    from db.site import load_site
    from ui_common import theme

    out_dir.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="onestop-admin-shots-"))
    build_database(workdir / "onestop.db")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setFont(theme.font(14))
    site = load_site()
    saved = []

    login = LoginDialog(site.name, site_name_en=site.name_en)
    login.username.setText("lan")
    login.pin.setText("1234")
    login.login_button.click()
    deadline = time.monotonic() + 10
    while not login.message.text() and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.02)
    login.username.setText("lan")
    login.show()
    app.processEvents()
    saved.append(out_dir / "admin-login.png")
    login.grab().save(str(saved[-1]))
    login.close()

    now = _epoch(LAST_DAY, *STOP_AT)
    officer = authenticate("quang", "1234", roles=("supervisor", "admin"), now=now)
    admin = authenticate("admin", "1234", roles=("supervisor", "admin"), now=now)
    window = AdminWindow(admin, site, now=lambda: now)
    window.resize(*SIZE)
    window.show()
    window.start()
    _settle(app, window)
    saved.append(out_dir / "admin-overview.png")
    window.grab().save(str(saved[-1]))

    window.tabs.setCurrentWidget(window.reports)
    window.reports.preset.setCurrentIndex(2)   # last 7 days
    window.reports.breakdown.setCurrentIndex(1)
    window.reports.show_report()
    _settle(app, window)
    saved.append(out_dir / "admin-reports.png")
    window.grab().save(str(saved[-1]))

    window.tabs.setCurrentWidget(window.management)
    window.management.pages.setCurrentIndex(2)
    _settle(app, window)
    saved.append(out_dir / "admin-management.png")
    window.grab().save(str(saved[-1]))

    window.tabs.setCurrentWidget(window.settings)
    _settle(app, window)
    saved.append(out_dir / "admin-settings.png")
    window.grab().save(str(saved[-1]))

    window.tabs.setCurrentWidget(window.bookings)
    window.bookings.services.selectRow(0)
    _settle(app, window)
    saved.append(out_dir / "admin-bookings.png")
    window.grab().save(str(saved[-1]))

    window.tabs.setCurrentWidget(window.audit)
    _settle(app, window)
    saved.append(out_dir / "admin-audit.png")
    window.grab().save(str(saved[-1]))

    # the language switch (what the header's button does, without remembering it on this PC)
    from ui_common import i18n

    window.tabs.setCurrentWidget(window.overview)
    i18n.set_language("en")
    _settle(app, window)
    saved.append(out_dir / "admin-overview-en.png")
    window.grab().save(str(saved[-1]))
    i18n.set_language("vi")
    window.close()
    del officer
    return saved


if __name__ == "__main__":
    target = Path(sys.argv[1])
    for path in render(target):
        print(path)
