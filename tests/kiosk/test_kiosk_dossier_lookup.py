"""Kiosk "Tra cứu hồ sơ / Look up my dossier": scan the receipt, see the lookup page as a QR."""

from __future__ import annotations

from pathlib import Path

from kiosk_helpers import site_text
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from kiosk_app.controller import Screen

LOOKUP = "https://dichvucong.example.vn/tra-cuu?ma={code}"
RECEIPT_QR = "https://motcua.example.vn/bien-nhan?maHoSo=000.00.12.H26-241202-0001&hoTen=Nguyen"
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _with_lookup() -> None:
    from db.site import import_site
    from db.site_config import parse_site_text

    text = site_text().replace('[kiosk]\n', f'[kiosk]\ndossier_lookup_url = "{LOOKUP}"\n', 1)
    import_site(parse_site_text(text, "kiosk-lookup.toml"))


def _scan(harness, text: str) -> None:
    """A USB scanner: the characters, then Enter, as key events to the kiosk window."""
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(harness.window, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch))
    QTest.keyClick(harness.window, Qt.Key_Return)


def test_no_lookup_button_without_a_template(kiosk):
    harness = kiosk("dummy://")
    assert harness.state.extras == ()
    assert not harness.window.home.extras.isVisible()


def test_scanning_the_receipt_shows_the_provinces_lookup_page_as_qr(sqlite_site_db, make_kiosk):
    _with_lookup()
    harness = make_kiosk("dummy://")
    assert [e.key for e in harness.state.extras] == ["dossier"]
    SHOTS.mkdir(parents=True, exist_ok=True)
    harness.grab(str(SHOTS / "kiosk-home-dossier-lookup.png"))
    harness.pass_guards()
    harness.click(harness.window.home.extras.buttons["dossier"])
    harness.wait_for(lambda s: s.screen is Screen.CODE_ENTRY)
    SHOTS.mkdir(parents=True, exist_ok=True)
    harness.grab(str(SHOTS / "kiosk-dossier-entry.png"))
    _scan(harness, RECEIPT_QR)
    state = harness.wait_for(lambda s: s.screen is Screen.DOSSIER)
    assert state.dossier.code == "000.00.12.H26-241202-0001"
    assert state.dossier.url == "https://dichvucong.example.vn/tra-cuu?ma=000.00.12.H26-241202-0001"
    assert not harness.window.dossier.qr.pixmap().isNull()
    assert "Nguyen" not in harness.window.dossier.url.text()      # nothing but the code leaves the receipt
    harness.grab(str(SHOTS / "kiosk-dossier-result.png"))
    harness.pass_guards()
    harness.click(harness.window.dossier.done_button)
    harness.wait_for(lambda s: s.screen is Screen.HOME)


def test_typing_on_the_on_screen_keyboard_and_a_bad_code(sqlite_site_db, make_kiosk):
    _with_lookup()
    harness = make_kiosk("dummy://")
    harness.pass_guards()
    harness.click(harness.window.home.extras.buttons["dossier"])
    harness.wait_for(lambda s: s.screen is Screen.CODE_ENTRY)
    for key in "H26.99-7":
        harness.click(harness.window.code_entry.keys[key])
    harness.click(harness.window.code_entry.keys["del"])
    harness.wait_for(lambda s: s.code_entry is not None and s.code_entry.text == "H26.99-")
    harness.click(harness.window.code_entry.keys["8"])
    harness.pass_guards()
    harness.click(harness.window.code_entry.ok_button)
    state = harness.wait_for(lambda s: s.screen is Screen.DOSSIER)
    assert state.dossier.code == "H26.99-8"
    harness.pass_guards()
    harness.click(harness.window.dossier.done_button)
    harness.wait_for(lambda s: s.screen is Screen.HOME)
    harness.pass_guards()
    harness.click(harness.window.home.extras.buttons["dossier"])
    harness.wait_for(lambda s: s.screen is Screen.CODE_ENTRY)
    _scan(harness, "Họ tên: Trần Thị B")                     # a QR without a dossier code
    state = harness.wait_for(lambda s: s.code_entry is not None and s.code_entry.error is not None)
    assert state.screen is Screen.CODE_ENTRY and "mã hồ sơ" in state.code_entry.error.vi.lower()
    harness.pass_guards()
    harness.click(harness.window.code_entry.back_button)
    harness.wait_for(lambda s: s.screen is Screen.HOME)


def test_an_abandoned_code_entry_goes_home_by_itself(sqlite_site_db, make_kiosk):
    from kiosk_app.controller import IDLE_RESET_S

    _with_lookup()
    harness = make_kiosk("dummy://")
    harness.pass_guards()
    harness.click(harness.window.home.extras.buttons["dossier"])
    harness.wait_for(lambda s: s.screen is Screen.CODE_ENTRY)
    harness.clock.advance(IDLE_RESET_S + 1)
    harness.wait_for(lambda s: s.screen is Screen.HOME)
