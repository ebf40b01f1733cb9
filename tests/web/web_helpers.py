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
