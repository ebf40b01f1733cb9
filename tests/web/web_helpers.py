"""Helpers of the web tests: a real ``onestop web`` process on a free port, real Chromium through Playwright.

``web_server`` starts the service as a separate process (the way a site runs
it) over the test database on each engine, with the built-in site plus
``[web] public_url`` pointing at it; ``onestop(...)`` runs CLI commands in
their own processes, as an officer's counter program would change the queue.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import httpx

ONESTOP = str(Path(sys.executable).with_name("onestop"))
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
PHONE = {"width": 360, "height": 800}
TV = {"width": 1920, "height": 1080}


def site_file(tmp_path: Path, public_url: str) -> Path:
    text = resources.files("db").joinpath("example_site.toml").read_text(encoding="utf-8")
    path = tmp_path / "site.toml"
    path.write_text(text + f'\n[web]\npublic_url = "{public_url}"\n', encoding="utf-8")
    return path


def run_onestop(db_url: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run([ONESTOP, *args, "--db", db_url], capture_output=True, text=True, timeout=60)
    if check and result.returncode != 0:
        raise AssertionError(f"onestop {' '.join(args)} exited {result.returncode}: {result.stderr}")
    return result


@dataclass
class WebServer:
    url: str
    db_url: str
    process: subprocess.Popen

    def stop(self, sig: int = signal.SIGTERM) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            return self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError("onestop web did not stop within 15 s of the signal") from None


def start_web(db_url: str, port: int, *extra: str) -> WebServer:
    process = subprocess.Popen([ONESTOP, "web", "--listen", f"127.0.0.1:{port}", "--db", db_url, *extra],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"onestop web exited {process.returncode}: {process.stderr.read()}")
        try:
            if httpx.get(url + "/api/v1/openapi.json", timeout=1).status_code == 200:
                return WebServer(url, db_url, process)
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    process.kill()
    raise AssertionError("onestop web did not answer within 30 s")


#: a site open around the clock every day (so today's slots exist whenever the tests run); TP takes
#: 2 places per 15-minute slot, KS one per 30 minutes, DD takes no bookings; ``{url}`` = public_url
BOOKING_SITE = """
[site]
name = "UBND xã Quang Kim - Bộ phận Một cửa"
timezone = "Asia/Ho_Chi_Minh"
opening_hours = ["00:00-24:00"]
days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

[[services]]
code = "TP"
name = "Chứng thực, hộ tịch"
name_en = "Certification, civil status"
prefix = "A"
booking = { slot_min = 15, per_slot = 2 }

[[services]]
code = "KS"
name = "Khai sinh"
name_en = "Birth registration"
prefix = "B"
booking = { slot_min = 30, per_slot = 1 }

[[services]]
code = "DD"
name = "Đất đai"
prefix = "C"

[[counters]]
number = 1
services = ["TP", "KS", "DD"]

[booking]
days_ahead = 3
max_per_phone_per_day = 2
max_per_client_per_day = 20

[web]
public_url = "{url}"
"""


def serve_site(db_url: str, tmp_path: Path, text: str, *extra: str):
    """A fixture body: ``text`` (with ``{url}``) as the site, a real ``onestop web`` over it; checks a clean stop."""
    from pg_server import free_port
    from site_setup import connect_with_site

    from db.connection import close

    port = free_port()
    path = tmp_path / "site.toml"
    path.write_text(text.replace("{url}", f"http://127.0.0.1:{port}"), encoding="utf-8")
    connect_with_site(db_url, str(path))
    server = start_web(db_url, port, *extra)
    yield server
    code = server.stop()
    stderr = server.process.stderr.read()
    close()
    assert code == 0, stderr
    assert "Traceback" not in stderr, stderr
