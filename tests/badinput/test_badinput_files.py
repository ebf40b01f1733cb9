"""Every file the product imports, broken: the refusal names the file, the line and the field.

The importers are the site file (``onestop init --site``, the admin program's
import) and the kiosk's own settings file (``onestop kiosk --config``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from db.errors import ConfigError
from kiosk_app.config import load_config

GOOD_KIOSK = """\
# kiosk settings
printer = "dummy://"
kiosk_id = "kiosk-1"
touch = true
screen = 0
admin_users = ["admin"]
"""


def _write(tmp_path: Path, text: str, *, bom: bool = False, raw: bytes | None = None) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_bytes(raw if raw is not None else (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


@pytest.mark.parametrize("old, new, field", [
    ('kiosk_id = "kiosk-1"', f'kiosk_id = "{"k" * 65}"', "kiosk_id"),
    ('kiosk_id = "kiosk-1"', 'kiosk_id = "k\\u0000"', "kiosk_id"),
    ('kiosk_id = "kiosk-1"', 'kiosk_id = "\\u202ek1"', "kiosk_id"),
    ('kiosk_id = "kiosk-1"', 'kiosk_id = ""', "kiosk_id"),
    ("screen = 0", "screen = 99999999999", "screen"),
    ("screen = 0", "screen = -1", "screen"),
    ("screen = 0", 'screen = "0"', "screen"),
    ("touch = true", "tuoch = true", "tuoch"),
    ('admin_users = ["admin"]', "admin_users = []", "admin_users"),
    ('admin_users = ["admin"]', 'admin_users = ["a\\u001b[2J"]', "admin_users"),
    ('printer = "dummy://"', 'printer = "\\u0007"', "printer"),
    ('printer = "dummy://"', 'printer = "dummy://', "syntax"),
])
def test_a_broken_kiosk_file_names_file_line_and_key(tmp_path, old, new, field):
    text = GOOD_KIOSK.replace(old, new)
    with pytest.raises(ConfigError) as info:
        load_config(_write(tmp_path, text))
    error = info.value
    assert error.field == field
    assert error.line == text.splitlines().index(new) + 1
    assert "kiosk.toml:" in str(error) and "\n" not in str(error)


def test_a_kiosk_file_with_a_byte_order_mark_is_read(tmp_path):
    assert load_config(_write(tmp_path, GOOD_KIOSK, bom=True)).kiosk_id == "kiosk-1"


@pytest.mark.parametrize("raw, problem", [(b"kiosk_id = \"\xff\xfe\"\n", "not UTF-8"), (None, "directory")])
def test_an_unreadable_kiosk_file_is_one_refusal(tmp_path, raw, problem):
    target = tmp_path if raw is None else _write(tmp_path, "", raw=raw)
    with pytest.raises(ConfigError) as info:
        load_config(target)
    assert problem in str(info.value)


def test_a_broken_site_file_through_the_cli_names_file_line_and_field(tmp_path, sqlite_url, capsys):
    from cli.main import main
    from db.connection import close

    site = tmp_path / "site.toml"
    site.write_text('[site]\nname = "X"\n\n[[services]]\ncode = "TP"\nname = "T"\nprefix = "A1"\n', encoding="utf-8")
    try:
        assert main(["--db", sqlite_url, "init", "--site", str(site)]) == 2
    finally:
        close()
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{site}:7: services[0].prefix" in err
