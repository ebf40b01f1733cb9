"""A database outage shows the banner, disables the keys, and the program recovers by itself."""

from __future__ import annotations

from PySide6.QtCore import Qt

from counter_app.rules import Action
from db import queue


def test_postgres_restart_shows_banner_then_recovers_without_restart(own_pg_server, make_counter):
    from db.connection import close, connect
    from db.site import import_site
    from db.site_config import load_site_file

    url = own_pg_server.create_database()
    close()
    connect(url)
    import_site(load_site_file(None))
    try:
        d = make_counter()
        d.login("lan", "1234", counter=1)
        queue.issue_ticket("TP")
        d.wait_fresh()
        banner = d.window.banner
        assert not banner.isVisible()

        own_pg_server.stop()
        d.qtbot.waitUntil(banner.isVisible, timeout=15000)
        assert d.enabled() == set()                     # no key pretends to work
        d.qtbot.mouseClick(d.button(Action.CALL_NEXT), Qt.MouseButton.LeftButton)
        assert d.session.busy is None                   # the click did nothing

        own_pg_server.start()
        d.qtbot.waitUntil(lambda: not banner.isVisible(), timeout=20000)
        d.qtbot.waitUntil(lambda: Action.CALL_NEXT in d.enabled(), timeout=10000)
        d.key(Qt.Key.Key_F1)
        assert d.code_shown == "A001"
        queue.issue_ticket("TP")                        # and the feed follows again
        d.qtbot.waitUntil(lambda: d.window.main.waiting.table.item(0, 1).text() == "1", timeout=10000)
    finally:
        close()                                         # the server is the test's own: thrown away after it


def test_an_action_that_fails_on_a_lost_database_says_so_plainly(counter_ui, monkeypatch):
    from db.errors import DatabaseUnavailable

    d = counter_ui
    d.login()

    def unreachable(*args, **kwargs):
        raise DatabaseUnavailable("server closed the connection")

    monkeypatch.setattr(queue, "call_next", unreachable)
    d.key(Qt.Key.Key_F1)
    assert d.message.startswith("Mất kết nối cơ sở dữ liệu, vui lòng thử lại sau")
    assert Action.CALL_NEXT in d.enabled()              # the officer can simply try again
