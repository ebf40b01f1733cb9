"""Render the public pages to PNG for docs/screenshots (``python -m tools.screenshots --only web``).

A throwaway SQLite database gets the built-in site, a morning's worth of
tickets and calls, then a real ``onestop web`` process serves it and
Debian's Chromium (through Playwright) takes the pictures: the phone page
waiting and called at 360x800, the hall board at 1920x1080.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import time
from importlib import resources
from pathlib import Path
from urllib.request import urlopen

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _prepare(db_url: str, port: int):
    from db import queue
    from db.connection import connect
    from db.site import import_site, set_notice
    from db.site_config import parse_site_text

    text = resources.files("db").joinpath("example_site.toml").read_text(encoding="utf-8")
    text = text.replace('group_en = "Justice - Civil status"\n', 'group_en = "Justice - Civil status"\n'
                        'booking = { slot_min = 15, per_slot = 2 }\n', 1)     # TP takes bookings
    connect(db_url)
    import_site(parse_site_text(text + f'\n[web]\npublic_url = "http://127.0.0.1:{port}"\n'))
    now = time.time()
    served = [queue.issue_ticket("TP", now=now - 1800 + i) for i in range(3)]
    for i, _ in enumerate(served):           # three served tickets give the wait estimate its median
        queue.call_next(1, now=now - 1500 + i * 300)
        queue.start_service(1, now=now - 1490 + i * 300)
        queue.finish_service(1, now=now - 1250 + i * 300)
    for service in ("TP", "TP", "KS", "DD", "DD", "KD", "XH"):
        queue.issue_ticket(service, now=now - 900)
    mine = [queue.issue_ticket("TP", now=now - 600 + i) for i in range(4)][-1]
    queue.call_next(2, now=now - 120)
    queue.call_next(3, now=now - 60)
    queue.call_next(4, now=now - 30)
    set_notice("Bộ phận Một cửa nghỉ trưa từ 11 giờ 30 đến 13 giờ 30. Xin cảm ơn!")
    return mine


def _booking_pages(browser, base: str, folder: Path) -> list[Path]:
    """The booking form (a day with free slots, one refusal) and the booking's own page."""
    from db import bookings

    day = next(d for d in bookings.booking_days() if any(s.places_left for s in bookings.open_slots("TP", d)))
    phone = browser.new_page(viewport={"width": 360, "height": 800}, is_mobile=True, has_touch=True)
    phone.goto(f"{base}/book/TP?day={day.isoformat()}")
    phone.locator(".slot:not(.full)").nth(1).click()
    phone.get_by_label("Họ và tên").fill("Nguyễn Thị Hoà")
    phone.get_by_label("Số điện thoại di động").fill("0912 345 67")
    phone.get_by_role("button", name="Đặt lịch").click()
    phone.wait_for_selector(".refusal")
    shots = [folder / "web-book-refused-360x800.png"]
    phone.screenshot(path=str(shots[-1]), full_page=True)
    phone.get_by_label("Số điện thoại di động").fill("0912 345 678")
    phone.get_by_role("button", name="Đặt lịch").click()
    phone.wait_for_selector("#booking-code")
    shots.append(folder / "web-booking-360x800.png")
    phone.screenshot(path=str(shots[-1]), full_page=True)
    phone.goto(f"{base}/book/TP?day={day.isoformat()}")
    shots.append(folder / "web-book-slots-360x800.png")
    phone.screenshot(path=str(shots[-1]), full_page=True)
    return shots


def render(folder: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    from db import queue

    folder.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="onestop-web-shots-"))
    db_url = f"sqlite:///{(work / 'onestop.db').as_posix()}"
    port = _free_port()
    mine = _prepare(db_url, port)
    onestop = str(Path(sys.executable).with_name("onestop"))
    server = subprocess.Popen([onestop, "web", "--listen", f"127.0.0.1:{port}", "--db", db_url],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    written = []
    try:
        for _ in range(300):
            try:
                urlopen(base + "/api/v1/openapi.json", timeout=1)
                break
            except OSError:
                time.sleep(0.05)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            phone = browser.new_page(viewport={"width": 360, "height": 800}, is_mobile=True, has_touch=True)
            phone.goto(mine.track_url)
            phone.wait_for_selector(".state-waiting")
            written.append(folder / "web-track-waiting-360x800.png")
            phone.screenshot(path=str(written[-1]))
            queue.call_ticket(1, mine.code)                   # counter 1 is free: the officer picks it
            phone.wait_for_selector(".state-called")
            phone.wait_for_timeout(5000)                      # the pulse animation settles
            written.append(folder / "web-track-called-360x800.png")
            phone.screenshot(path=str(written[-1]))
            tv = browser.new_page(viewport={"width": 1920, "height": 1080})
            tv.goto(base + "/board")
            tv.wait_for_selector(".now-code")
            tv.wait_for_timeout(3500)                         # past the flash of a fresh call
            written.append(folder / "web-board-1920x1080.png")
            tv.screenshot(path=str(written[-1]))
            written += _booking_pages(browser, base, folder)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=15)
    return written


if __name__ == "__main__":  # pragma: no cover
    for path in render(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")):
        print(path)
