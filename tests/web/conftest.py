"""Web tests: a real ``onestop web`` process on a free port, real Chromium through Playwright.

``web_server`` starts the service as a separate process (the way a site runs
it) over the test database on each engine, with the built-in site plus
``[web] public_url`` pointing at it; ``onestop(...)`` runs CLI commands in
their own processes, as an officer's counter program would change the queue.
"""

from __future__ import annotations

import pytest
from pg_server import free_port
from web_helpers import BOOKING_SITE, CHROMIUM, CHROMIUM_ARGS, PHONE, TV, run_onestop, serve_site, site_file, start_web


@pytest.fixture
def web_db(db_url, tmp_path):
    """The database (each engine) with the built-in site and ``public_url`` on a free port."""
    from site_setup import connect_with_site

    from db.connection import close

    port = free_port()
    connect_with_site(db_url, str(site_file(tmp_path, f"http://127.0.0.1:{port}")))
    yield db_url, port
    close()


@pytest.fixture
def web_server(web_db):
    """A running ``onestop web``; stopping it with SIGTERM must exit 0."""
    db_url, port = web_db
    server = start_web(db_url, port)
    yield server
    code = server.stop()
    stderr = server.process.stderr.read()
    assert code == 0, stderr
    assert "Traceback" not in stderr, stderr


@pytest.fixture
def booking_server(db_url, tmp_path):
    """A running ``onestop web`` over ``BOOKING_SITE`` on each engine."""
    yield from serve_site(db_url, tmp_path, BOOKING_SITE)


@pytest.fixture
def onestop(web_db):
    """``onestop("call", "--counter", "1")`` in a separate process; returns the CompletedProcess."""
    db_url, _ = web_db
    return lambda *args, check=True: run_onestop(db_url, *args, check=check)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def phone(browser):
    """A page in a 360x800 phone-sized window."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, is_mobile=True, has_touch=True)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def tv(browser):
    context = browser.new_context(viewport=TV)
    page = context.new_page()
    yield page
    context.close()

