"""``onestop kiosk``: options, config file, and refusals before any window opens."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from db.errors import ConfigError
from kiosk_app.config import KioskConfig, default_printer_url, load_config

ROOT = Path(__file__).resolve().parents[2]


def test_kiosk_command_is_registered_without_importing_qt():
    code = ("import sys; from cli.main import build_parser; p = build_parser(); "
            "a = p.parse_args(['kiosk', '--printer', 'tcp://10.0.0.5', '--windowed', '--kiosk-id', 'k2', '--touch']); "
            "assert (a.printer, a.windowed, a.kiosk_id, a.touch) == ('tcp://10.0.0.5', True, 'k2', True); "
            "assert not any(m.startswith('PySide6') for m in sys.modules), 'PySide6 imported by the CLI'")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_a_malformed_printer_url_is_refused_with_exit_2_before_any_window(sqlite_site_db, capsys):
    from cli.main import main

    assert main(["--db", sqlite_site_db, "kiosk", "--printer", "bogus://x"]) == 2
    assert "Invalid printer URL" in capsys.readouterr().err


def test_config_file_sets_printer_kiosk_id_touch_and_admins(tmp_path):
    path = tmp_path / "kiosk.toml"
    path.write_text('printer = "tcp://192.168.1.50:9100"\nkiosk_id = "sanh-1"\ntouch = true\n'
                    'admin_users = ["admin", "quang"]\nscreen = 1\n', encoding="utf-8")
    config = load_config(path)
    assert config == KioskConfig(printer="tcp://192.168.1.50:9100", kiosk_id="sanh-1", touch=True, screen=1,
                                 admin_users=("admin", "quang"), source=str(path))


def test_config_defaults_to_a_preview_printer(tmp_path, monkeypatch):
    monkeypatch.delenv("ONESTOP_KIOSK_CONFIG", raising=False)
    monkeypatch.setattr("kiosk_app.config.default_config_path", lambda: tmp_path / "none.toml")
    config = load_config()
    assert config.printer == default_printer_url() and config.printer.startswith("preview://")
    assert config.printer.endswith("/tickets") and config.admin_users == ("admin",) and not config.touch


@pytest.mark.parametrize("text, field", [('printr = "dummy://"', "printr"), ("touch = 1", "touch"),
                                         ("admin_users = []", "admin_users"), ("screen = true", "screen")])
def test_config_typos_are_refused_not_ignored(tmp_path, text, field):
    path = tmp_path / "kiosk.toml"
    path.write_text(text + "\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.field == field


def test_every_screen_renders_in_both_orientations(tmp_path):
    """The screenshot script reaches every screen with real taps (and keeps doing so)."""
    result = subprocess.run([sys.executable, "-m", "tools.screenshots.kiosk", str(tmp_path)], cwd=ROOT,
                            capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stderr[-3000:]
    from PIL import Image

    shots = sorted(tmp_path.glob("kiosk-*.png"))
    names = {p.name.rsplit("-", 1)[0] for p in shots}
    assert names == {"kiosk-home", "kiosk-home-english-priority", "kiosk-services", "kiosk-printing",
                     "kiosk-ticket", "kiosk-printer-paper-out", "kiosk-ticket-on-screen", "kiosk-admin-exit",
                     "kiosk-out-of-service", "kiosk-printer-offline-cancel", "kiosk-print-failed-cancelled",
                     "kiosk-closed", "kiosk-home-appointment", "kiosk-checkin", "kiosk-appointment-ticket",
                     "kiosk-checkin-late", "kiosk-listening", "kiosk-large-text", "kiosk-services-large-text",
                     "kiosk-services-high-contrast", "kiosk-high-contrast", "kiosk-large-text-high-contrast",
                     "kiosk-ticket-large-text-high-contrast"}
    for shot in shots:
        with Image.open(shot) as image:
            expected = (1080, 1920) if shot.name.endswith("portrait.png") else (1920, 1080)
            assert image.size == expected, shot.name
            assert len(image.convert("L").getcolors(1 << 16)) > 20, f"{shot.name} looks blank"
