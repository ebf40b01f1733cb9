"""Screenshots of every kiosk screen, portrait 1080x1920 and landscape 1920x1080.

    python -m tools.screenshots.kiosk OUT_DIR      (all screenshots: python -m tools.screenshots)

Each screen is reached the way a citizen reaches it (real taps on a real
window, a real database, the printer simulator on TCP), so the pictures show
what the kiosk really draws.  Written as ``OUT_DIR/kiosk-<screen>-<orientation>.png``.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import datetime
from importlib.resources import files
from pathlib import Path
from zoneinfo import ZoneInfo

from db import queue
from db.connection import close, connect
from db.site import import_site
from db.site_config import parse_site_text
from hardware.printing.simulator import PrinterSimulator
from kiosk_app.controller import Screen
from tools.kiosk_harness import LANDSCAPE, PORTRAIT, KioskHarness
from ui_common.app import make_app

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
MORNING = datetime(2026, 11, 25, 9, 30, tzinfo=TZ).timestamp()      # a Wednesday
LUNCH = datetime(2026, 11, 25, 12, 5, tzinfo=TZ).timestamp()


def site_text(*, policy: str = "show", real_hours: bool = False, dd_limit: int = 2, bookings: bool = False) -> str:
    """The built-in commune, with a small land-office limit so "limit reached" can be shown.

    ``bookings``: TP and KS take appointments and the web service has a public address (for the QR).
    """
    text = files("db").joinpath("example_site.toml").read_text(encoding="utf-8")
    text = text.replace("daily_limit = 150", f"daily_limit = {dd_limit}")
    text = text.replace('on_print_failure = "show"', f'on_print_failure = "{policy}"')
    if real_hours:
        text = text.replace('opening_hours = ["00:00-24:00"]', 'opening_hours = ["07:30-11:30", "13:30-17:00"]')
        text = text.replace('days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]',
                            'days = ["mon", "tue", "wed", "thu", "fri"]')
    if bookings:
        text = text.replace('code = "TP"\n', 'code = "TP"\nbooking = { slot_min = 15, per_slot = 2 }\n', 1)
        text = text.replace('code = "KS"\n', 'code = "KS"\nbooking = { slot_min = 30, per_slot = 1 }\n', 1)
        text += '\n[web]\npublic_url = "https://motcua.quangkim.example.vn"\n'
    return text


def fresh_db(directory: Path, name: str, **site: object) -> str:
    url = f"sqlite:///{(directory / f'{name}.db').as_posix()}"
    close()
    connect(url)
    import_site(parse_site_text(site_text(**site), f"{name}.toml"))
    return url


def some_queue(moment: float) -> None:
    """A morning's worth of people: some served (so waits can be estimated), some still waiting."""
    for code, count in (("TP", 9), ("KS", 3), ("DD", 2), ("XD", 1), ("XH", 6), ("KN", 1)):
        for i in range(count):
            queue.issue_ticket(code, now=moment - 3600 + i * 60)
    start = moment - 3000
    for counter in (1, 4, 1, 4):          # two people served at each of counters 1 and 4
        queue.call_next(counter, now=start)
        queue.start_service(counter, now=start + 30)
        queue.finish_service(counter, now=start + 30 + 420)
        start += 500


def render(out_dir: Path) -> list[Path]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    make_app("onestop-kiosk-screenshots")
    written: list[Path] = []
    work = Path(tempfile.mkdtemp(prefix="kiosk-shots-"))

    def shoot(kiosk: KioskHarness, name: str) -> None:
        for label, size in (("portrait", PORTRAIT), ("landscape", LANDSCAPE)):
            kiosk.resize(size)
            kiosk.settle(0.05)
            path = out / f"kiosk-{name}-{label}.png"
            kiosk.grab(str(path))
            written.append(path)
        kiosk.resize(PORTRAIT)

    with PrinterSimulator(out_dir=work / "sim") as sim:
        # --- normal day, policy "show"
        fresh_db(work, "show")
        some_queue(MORNING)
        with KioskHarness(sim.url, epoch=MORNING).start() as kiosk:
            kiosk.settle()
            shoot(kiosk, "home")
            kiosk.click(kiosk.window.priority)
            kiosk.click(kiosk.window.language)
            kiosk.wait_for(lambda s: s.lang == "en" and s.priority)
            shoot(kiosk, "home-english-priority")
            kiosk.click(kiosk.window.language)
            kiosk.click(kiosk.window.priority)
            kiosk.pass_guards()
            kiosk.tap_tile("field:Đất đai - Xây dựng")
            kiosk.wait_for(lambda s: s.screen is Screen.SERVICES)
            shoot(kiosk, "services")
            kiosk.pass_guards()
            kiosk.click(kiosk.window.services.back)
            kiosk.pass_guards()
            sim.state.slow_s = 2.5
            kiosk.tap_tile("field:Chính sách xã hội")
            kiosk.wait_for(lambda s: s.busy)
            shoot(kiosk, "printing")
            kiosk.wait_for(lambda s: s.screen is Screen.TICKET, timeout=10)
            sim.state.slow_s = 0
            shoot(kiosk, "ticket")
            kiosk.pass_guards()
            kiosk.click(kiosk.window.ticket)
            kiosk.wait_for(lambda s: s.screen is Screen.HOME)
            # paper runs out: banner, and the next ticket is shown on screen
            sim.state.paper_out = True
            kiosk.clock.advance(11)
            kiosk.wait_for(lambda s: s.printer_banner is not None)
            shoot(kiosk, "printer-paper-out")
            kiosk.pass_guards()
            kiosk.click(kiosk.window.priority)
            kiosk.tap_tile("field:Kinh doanh")
            kiosk.wait_for(lambda s: s.screen is Screen.TICKET and s.ticket is not None and not s.ticket.printed)
            shoot(kiosk, "ticket-on-screen")
            sim.state.paper_out = False
            kiosk.session.controller.open_admin()
            kiosk.wait_for(lambda s: s.screen is Screen.ADMIN)
            shoot(kiosk, "admin-exit")
            kiosk.session.controller.feed_online(False)
            kiosk.session.controller.cancel_admin()
            kiosk.wait_for(lambda s: s.screen is Screen.OFFLINE)
            shoot(kiosk, "out-of-service")

        # --- everyone can use it: Listen (while reading), large text, high contrast, both
        from hardware.speech.qt_player import SilentPlayer

        fresh_db(work, "access")
        some_queue(MORNING)
        with KioskHarness(sim.url, epoch=MORNING, player=SilentPlayer(speed=50)).start() as kiosk:
            kiosk.settle()
            kiosk.click(kiosk.window.access.listen)
            kiosk.wait_for(lambda s: s.speaking)
            shoot(kiosk, "listening")
            kiosk.click(kiosk.window.access.listen)
            kiosk.click(kiosk.window.access.large_text)
            kiosk.wait_for(lambda s: s.large_text and not s.speaking)
            shoot(kiosk, "large-text")
            kiosk.pass_guards()
            kiosk.tap_tile("field:Tư pháp - Hộ tịch")
            kiosk.wait_for(lambda s: s.screen is Screen.SERVICES)
            shoot(kiosk, "services-large-text")
            kiosk.click(kiosk.window.access.large_text)
            kiosk.click(kiosk.window.access.contrast)
            kiosk.wait_for(lambda s: s.high_contrast and not s.large_text)
            shoot(kiosk, "services-high-contrast")
            kiosk.pass_guards()
            kiosk.click(kiosk.window.services.back)
            kiosk.wait_for(lambda s: s.screen is Screen.HOME)
            shoot(kiosk, "high-contrast")
            kiosk.click(kiosk.window.access.large_text)
            kiosk.wait_for(lambda s: s.large_text and s.high_contrast)
            shoot(kiosk, "large-text-high-contrast")
            kiosk.pass_guards()
            kiosk.click(kiosk.window.home.quick)                 # the one-tap tile: straight to the ticket
            kiosk.wait_for(lambda s: s.screen is Screen.TICKET, timeout=10)
            shoot(kiosk, "ticket-large-text-high-contrast")

        # --- policy "cancel": printer offline disables issuing; a failed print is refused on screen
        fresh_db(work, "cancel", policy="cancel")
        some_queue(MORNING)
        sim.state.offline = True
        with KioskHarness(sim.url, epoch=MORNING).start() as kiosk:
            kiosk.wait_for(lambda s: s.issuing_disabled)
            shoot(kiosk, "printer-offline-cancel")
            sim.state.offline = False
            kiosk.clock.advance(3)
            kiosk.wait_for(lambda s: not s.issuing_disabled)
            sim.state.hangup_after = 200
            kiosk.pass_guards()
            kiosk.tap_tile("field:Chính sách xã hội")
            kiosk.wait_for(lambda s: s.screen is Screen.MESSAGE, timeout=10)
            shoot(kiosk, "print-failed-cancelled")
            sim.state.hangup_after = None

        # --- appointments: the check-in screen, an appointment's ticket, a late citizen
        from db import bookings

        fresh_db(work, "booking", bookings=True)
        some_queue(MORNING)
        on_time = bookings.book("TP", "2026-11-25T09:45", "Trịnh Văn Nam", "0912345678", now=MORNING - 7200)
        late = bookings.book("KS", "2026-11-25T09:00", "Lê Thị Hoa", "0987654321", now=MORNING - 7200)
        with KioskHarness(sim.url, epoch=MORNING).start() as kiosk:
            kiosk.settle()
            shoot(kiosk, "home-appointment")
            for code, name in ((on_time.code, "checkin"), (late.code, None)):
                kiosk.pass_guards()
                kiosk.click(kiosk.window.home.extras.buttons["booking"])
                kiosk.wait_for(lambda s: s.screen is Screen.CODE_ENTRY)
                for ch in code[:4]:
                    kiosk.click(kiosk.window.code_entry.keys[ch])
                if name:
                    kiosk.wait_for(lambda s: len(s.code_entry.text) == 4)
                    shoot(kiosk, name)
                for ch in code[4:]:
                    kiosk.click(kiosk.window.code_entry.keys[ch])
                kiosk.pass_guards()
                kiosk.click(kiosk.window.code_entry.ok_button)
                if name:
                    kiosk.wait_for(lambda s: s.screen is Screen.TICKET, timeout=10)
                    shoot(kiosk, "appointment-ticket")
                    kiosk.pass_guards()
                    kiosk.click(kiosk.window.ticket)
                    kiosk.wait_for(lambda s: s.screen is Screen.HOME)
            kiosk.wait_for(lambda s: s.screen is Screen.MESSAGE, timeout=10)
            shoot(kiosk, "checkin-late")

        # --- lunch break at a commune with real hours
        fresh_db(work, "hours", real_hours=True)
        with KioskHarness(sim.url, epoch=LUNCH).start(wait_home=False) as kiosk:
            kiosk.wait_for(lambda s: s.screen is Screen.CLOSED)
            shoot(kiosk, "closed")
    close()
    return written


if __name__ == "__main__":
    for item in render(Path(sys.argv[1])):
        print(item)
