"""The admin program's "Nhật ký / Audit" tab: the trail of changes and the last verification, both engines."""

from __future__ import annotations

import pytest

from admin_app.window import AdminWindow
from db import admin_ops
from db.connection import database_proxy
from db.integrity import verify
from db.officers import authenticate
from db.permissions import Actor
from db.ratings import record_press
from db.site import load_site


@pytest.fixture
def audit_tab(site_db, qtbot):
    officer = authenticate("admin", "1234", roles=("supervisor", "admin"))
    window = AdminWindow(officer, load_site())
    qtbot.addWidget(window)
    window.show()
    window.start()
    qtbot.waitUntil(lambda: window.audit.loaded, timeout=10_000)
    window.tabs.setCurrentWidget(window.audit)
    yield window.audit
    window.close()


def _reload(qtbot, tab) -> None:
    tab.loaded = False
    tab.refresh()
    qtbot.waitUntil(lambda: tab.loaded, timeout=10_000)


def _rows(table) -> list[list[str]]:
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]


def test_the_tab_shows_changes_newest_first_and_the_last_verification(audit_tab, qtbot):
    assert "Chưa kiểm tra tính toàn vẹn lần nào" in audit_tab.verification.text()
    admin_ops.reset_pin("lan", "5555", actor=Actor(username="admin", role="admin"))
    verify()
    _reload(qtbot, audit_tab)
    rows = _rows(audit_tab.table)
    assert rows[0][1:4] == ["admin", "pin_reset", "lan"]
    assert '"pin": "reset"' in rows[0][5] and "5555" not in rows[0][5]
    assert any(r[2] == "site_imported" for r in rows)
    assert "không phát hiện sửa đổi" in audit_tab.verification.text()


def test_a_failed_verification_is_shown_with_what_it_found(audit_tab, qtbot):
    press = record_press(1, 3)
    database_proxy.obj.execute_sql(f"UPDATE rating SET value = 1 WHERE id = {press.id:d}")  # by hand, as with psql
    assert not verify().ok
    _reload(qtbot, audit_tab)
    text = audit_tab.verification.text()
    assert "1 vấn đề" in text and f"rating {press.id}: value changed" in text
