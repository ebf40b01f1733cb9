"""Render the admin program's province tab: ``admin-province.png``.

``python -m tools.screenshots --only province`` builds a throwaway SQLite database
holding a provincial centre and seven communes (the example site under other codes
and names), plays a morning at each through the real queue engine (arrivals, four
counters calling and serving, keypad ratings), makes two communes wait past their
target and marks four as synced copies, one of which has not synced for 40 minutes
(its link is down), then drives the real admin program on its province tab at 10:30.
"""

from __future__ import annotations

import json
import random
import shutil
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DAY = date(2026, 11, 25)
STOP_AT = (10, 30)
SIZE = (1366, 768)
#: (code, name, arrivals this morning, synced copy, minutes since its last sync)
SITES = [
    ("TT-HCC", "Trung tâm Phục vụ hành chính công tỉnh Lào Cai", 110, False, 0),
    ("BAC-HA", "UBND xã Bắc Hà", 60, True, 0),
    ("BAN-XEO", "UBND xã Bản Xèo", 30, True, 40),
    ("MUONG-KHUONG", "UBND xã Mường Khương", 50, True, 0),
    ("SA-PA", "UBND phường Sa Pa", 200, False, 0),
    ("SI-MA-CAI", "UBND xã Si Ma Cai", 25, True, 0),
    ("VAN-BAN", "UBND xã Văn Bàn", 45, False, 0),
    ("Y-TY", "UBND xã Y Tý", 12, False, 0),
]
CODES = ["TP", "TP", "TP", "KS", "KS", "DD", "XH"]
USERS = {1: "lan", 2: "hung", 3: "mai", 4: "quang"}


def _epoch(hour: int, minute: int = 0) -> float:
    return datetime(DAY.year, DAY.month, DAY.day, hour, minute, tzinfo=TZ).timestamp()


def _play_morning(rng: random.Random, arrivals: int, stop: float, counters: int = 4) -> None:
    """Citizens from 07:30 to ``stop``; the counters call, serve 2-7 min, and get rated."""
    from db import queue
    from db.officers import sign_in_at_counter
    from db.ratings import record_press

    start = _epoch(7, 30)
    times = sorted(start + (stop - start) * rng.random() ** 0.9 for _ in range(arrivals))
    for number in range(1, counters + 1):
        sign_in_at_counter(USERS[number], number, now=start - 300)
    busy: dict[int, float] = {}
    now = start
    while now < stop:
        while times and times[0] <= now:
            queue.issue_ticket(rng.choice(CODES), now=times.pop(0))
        for number in range(1, counters + 1):
            if number in busy:
                if busy[number] > now:
                    continue
                queue.finish_service(number, now=busy.pop(number))
                if rng.random() < 0.7:
                    record_press(number, rng.choices([3, 2, 1], weights=[80, 16, 4])[0], now=now + 5)
            if queue.call_next(number, now=now) is not None:
                queue.start_service(number, now=now + 30)
                busy[number] = now + 30 + rng.uniform(120, 420)
        now += 60


def import_site_as(code: str, name: str) -> None:
    """The example site file under another ``[site] code`` and name."""
    from db.site import import_site
    from db.site_config import parse_site_text

    text = (Path(__file__).resolve().parents[2] / "db" / "example_site.toml").read_text(encoding="utf-8")
    head, rest = text.split("[site]", 1)
    name_line = next(line for line in rest.splitlines() if line.startswith("name ="))
    import_site(parse_site_text(head + "[site]" + rest.replace(name_line, f'code = "{code}"\nname = "{name}"', 1),
                                f"{code}.toml"))


def build_database(path: Path) -> str:
    from db import current_site
    from db.connection import connect
    from db.models import Event, Setting
    from db.replica import replica_key

    url = f"sqlite:///{path.as_posix()}"
    connect(url)
    rng = random.Random(20261125)
    stop = _epoch(*STOP_AT)
    for code, name, *_ in SITES:
        import_site_as(code, name)
    for code, _name, arrivals, synced, quiet_min in SITES:
        current_site.choose(code)
        _play_morning(rng, arrivals, stop - quiet_min * 60)
        if synced:
            Setting.create(key=replica_key(code), value=json.dumps({"source": f"{code.lower()}-pc"}))
        if quiet_min:   # its link is down: the copy here stops at its last sync
            Event.delete().where((Event.site_id == current_site.site_id()) & (Event.at > stop - quiet_min * 60)
                                 ).execute()
    current_site.choose(SITES[0][0])
    return url


def render(out_dir: Path) -> list[Path]:
    from PySide6.QtWidgets import QApplication

    from admin_app.window import AdminWindow
    from db.connection import close
    from db.officers import authenticate
    from db.site import load_site
    from ui_common import theme

    out_dir.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="onestop-province-shots-"))
    try:
        build_database(workdir / "onestop.db")
        app = QApplication.instance() or QApplication(sys.argv[:1])
        app.setFont(theme.font(14))
        now = _epoch(*STOP_AT)
        admin = authenticate("admin", "1234", roles=("supervisor", "admin"), now=now)
        window = AdminWindow(admin, load_site(), now=lambda: now)
        window.resize(*SIZE)
        window.tabs.setCurrentWidget(window.province)
        window.show()
        window.start()
        tab = window.province
        deadline = time.monotonic() + 20
        while tab.reads == 0 or window.province_lane.busy or window.live.busy:
            if time.monotonic() > deadline:
                raise RuntimeError("the province tab did not load")
            app.processEvents()
            time.sleep(0.02)
        for _ in range(5):
            app.processEvents()
        saved = [out_dir / "admin-province.png"]
        window.grab().save(str(saved[0]))
        window.close()
        return saved
    finally:
        close()
        shutil.rmtree(workdir, ignore_errors=True)

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    for path in render(Path(sys.argv[1])):
        print(path)
