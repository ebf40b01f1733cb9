"""A broken site file is refused whole, naming file, line and field; nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from db.errors import ConfigError
from db.site_config import load_site_file, parse_site_text

GOOD = """
[site]
name = "UBND xã Thử"
timezone = "Asia/Ho_Chi_Minh"
opening_hours = ["07:30-11:30"]

[[services]]
code = "TP"
name = "Tư pháp"
prefix = "A"

[[services]]
code = "DD"
name = "Đất đai"
prefix = "B"

[[counters]]
number = 1
services = ["TP", "DD"]

[[officers]]
username = "lan"
full_name = "Vi Thị Lan"
pin = "1234"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "site.toml"
    path.write_text(text, encoding="utf-8")
    return path


def refused(tmp_path: Path, text: str) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        load_site_file(write(tmp_path, text))
    return info.value


def test_good_file_is_accepted_with_defaults(tmp_path):
    config = load_site_file(write(tmp_path, GOOD))
    assert [s["code"] for s in config.services] == ["TP", "DD"]
    assert config.kiosk["on_print_failure"] == "show"
    assert [lv["value"] for lv in config.ratings["levels"]] == [3, 2, 1]


def test_unknown_key_is_refused_with_line_and_field(tmp_path):
    error = refused(tmp_path, GOOD.replace('prefix = "B"', 'prefix = "B"\nprefx = "C"'))
    assert error.field == "services[1].prefx"
    assert error.line == GOOD.replace('prefix = "B"', 'prefix = "B"\nprefx = "C"').splitlines().index('prefx = "C"') + 1
    assert "site.toml" in str(error) and "unknown key" in str(error)


def test_syntax_error_names_the_line(tmp_path):
    text = GOOD.replace('name = "Đất đai"', 'name = "Đất đai')
    error = refused(tmp_path, text)
    assert error.field == "syntax"
    assert error.line == text.splitlines().index('name = "Đất đai') + 1


@pytest.mark.parametrize(
    "old, new, field",
    [
        ('services = ["TP", "DD"]', 'services = ["TP", "XX"]', "counters[0].services"),
        ('prefix = "B"', 'prefix = "A"', "services[1].prefix"),
        ('timezone = "Asia/Ho_Chi_Minh"', 'timezone = "Mars/Olympus"', "site.timezone"),
        ('opening_hours = ["07:30-11:30"]', 'opening_hours = ["11:30-07:30"]', "site.opening_hours"),
        ('pin = "1234"', 'pin = "12"', "officers[0].pin"),
        ('number = 1', 'number = "1"', "counters[0].number"),
        ('code = "DD"', 'code = "dd"', "services[1].code"),
    ],
)
def test_invalid_values_are_refused_naming_the_field(tmp_path, old, new, field):
    text = GOOD.replace(old, new)
    error = refused(tmp_path, text)
    assert error.field == field
    lines = text.splitlines()
    assert error.line == len(lines) - lines[::-1].index(new)  # the changed (last) occurrence


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_site_file(tmp_path / "nope.toml")
    assert "nope.toml" in str(info.value) and "not found" in str(info.value)


def test_builtin_example_has_the_promised_content():
    config = load_site_file(None)
    assert len(config.services) >= 6 and len(config.counters) == 4 and len(config.officers) >= 4
    groups = {s.get("group") for s in config.services}
    assert {"Tư pháp - Hộ tịch", "Đất đai - Xây dựng", "Kinh doanh", "Chính sách xã hội"} <= groups


def test_reimport_updates_in_place_and_keeps_tickets(site_db, clock, tmp_path):
    from db import queue
    from db.models import Counter, Service, Ticket
    from db.site import import_site

    queue.issue_ticket("TP", now=clock(9, 0))
    queue.call_next(3, now=clock(9, 1))  # nothing for counter 3; fine
    queue.call_next(1, now=clock(9, 1))
    import_site(parse_site_text(GOOD.replace('name = "Tư pháp"', 'name = "Tư pháp mới"')))
    assert Service.get(Service.code == "TP").name == "Tư pháp mới"
    assert Ticket.select().count() == 1
    # counters 2-4 are not in the new file: 1 remains, the others had no tickets and are gone
    assert [c.number for c in Counter.select().where(Counter.active == True)] == [1]  # noqa: E712
    assert not Service.get(Service.code == "XD").active  # dropped services are only deactivated


def test_invalid_file_writes_nothing(tmp_path, sqlite_url):
    from cli.main import main
    from db.connection import close, connect
    from db.models import Service

    assert main(["--db", sqlite_url, "init"]) == 0
    bad = write(tmp_path, GOOD.replace('prefix = "B"', 'prefix = "B"\ncolor = 3'))
    assert main(["--db", sqlite_url, "init", "--site", str(bad)]) == 2
    close()
    connect(sqlite_url)
    assert Service.select().count() == 7  # still the built-in site
    close()


@pytest.mark.parametrize("name", ["commune.toml", "province.toml"])
def test_shipped_examples_are_valid(name):
    config = load_site_file(Path(__file__).parents[2] / "examples" / name)
    assert config.services and config.counters and config.officers
