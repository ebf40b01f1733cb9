"""Every site value that could not work later is refused at the door, naming file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from db.errors import ConfigError
from db.site_config import RULES, limits_markdown, load_site_file

ROOT = Path(__file__).parents[2]

GOOD = """\
[site]
name = "UBND xã Thử"
opening_hours = ["07:30-11:30"]

[[services]]
code = "TP"
name = "Tư pháp"
prefix = "A"
daily_limit = 100

[[counters]]
number = 1
services = ["TP"]

[[officers]]
username = "lan"
full_name = "Vi Thị Lan"
pin = "1234"

[ratings]
window_s = 120
debounce_s = 2

[notify]
driver = "none"
timeout_s = 3
"""

# (line as written in GOOD, hostile replacement, field named in the refusal)
HOSTILE = [
    ("debounce_s = 2", "debounce_s = inf", "ratings.debounce_s"),
    ("debounce_s = 2", "debounce_s = nan", "ratings.debounce_s"),
    ("debounce_s = 2", "debounce_s = -inf", "ratings.debounce_s"),
    ("debounce_s = 2", "debounce_s = -0.5", "ratings.debounce_s"),
    ("debounce_s = 2", "debounce_s = 86401", "ratings.debounce_s"),
    ("window_s = 120", "window_s = -1", "ratings.window_s"),
    ("window_s = 120", "window_s = 99999999999999999999", "ratings.window_s"),
    ("window_s = 120", "levels = []", "ratings.levels"),
    ("window_s = 120", "levels = [{ value = 1, label = \"\" }]", "ratings.levels[0].label"),
    ('prefix = "A"', 'prefix = ""', "services[0].prefix"),
    ('prefix = "A"', 'prefix = "A1"', "services[0].prefix"),
    ('prefix = "A"', 'prefix = "ABCDE"', "services[0].prefix"),
    ("daily_limit = 100", "daily_limit = 2147483648", "services[0].daily_limit"),
    ("daily_limit = 100", "end = 99999999999999999999999", "services[0].end"),
    ("daily_limit = 100", "target_wait_min = 0", "services[0].target_wait_min"),
    ("number = 1", "number = 2147483648", "counters[0].number"),
    ("number = 1", "number = -1", "counters[0].number"),
    ('username = "lan"', f'username = "{"l" * 65}"', "officers[0].username"),
    ('username = "lan"', 'username = ""', "officers[0].username"),
    ('full_name = "Vi Thị Lan"', 'full_name = ""', "officers[0].full_name"),
    ('name = "UBND xã Thử"', 'name = ""', "site.name"),
    ('code = "TP"', f'code = "{"T" * 17}"', "services[0].code"),
    ("timeout_s = 3", "timeout_s = inf", "notify.timeout_s"),
    ("timeout_s = 3", "timeout_s = 0", "notify.timeout_s"),
    ("timeout_s = 3", "retry_s = nan", "notify.retry_s"),
    ("timeout_s = 3", "max_attempts = 1000000", "notify.max_attempts"),
]


def _write(tmp_path: Path, text: str, *, bom: bool = False) -> Path:
    path = tmp_path / "site.toml"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


@pytest.mark.parametrize("old, new, field", HOSTILE, ids=[case[1][:40] for case in HOSTILE])
def test_a_value_that_cannot_work_is_refused_with_its_line_and_field(tmp_path, old, new, field):
    assert old in GOOD
    text = GOOD.replace(old, new, 1)
    with pytest.raises(ConfigError) as info:
        load_site_file(_write(tmp_path, text))
    error = info.value
    assert error.field == field
    assert error.line == text.splitlines().index(new) + 1
    assert str(error).count("\n") == 0 and "site.toml:" in str(error)


@pytest.mark.parametrize("old, new", [
    ("daily_limit = 100", "daily_limit = 2147483647"),
    ("number = 1", "number = 2147483647"),
    ('username = "lan"', f'username = "{"l" * 64}"'),
    ('prefix = "A"', 'prefix = "ABCD"'),
    ("debounce_s = 2", "debounce_s = 0"),
    ("window_s = 120", "window_s = 86400"),
])
def test_the_values_at_the_limits_are_accepted(tmp_path, old, new):
    load_site_file(_write(tmp_path, GOOD.replace(old, new, 1)))


def test_a_file_with_a_utf8_byte_order_mark_is_accepted(tmp_path):
    config = load_site_file(_write(tmp_path, GOOD, bom=True))
    assert config.site["name"] == "UBND xã Thử"


def test_a_syntax_error_after_a_bom_still_names_its_line(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_site_file(_write(tmp_path, GOOD.replace('prefix = "A"', 'prefix = "A'), bom=True))
    assert info.value.line == GOOD.splitlines().index('prefix = "A"') + 1


def test_a_directory_given_as_the_site_file_is_one_clear_refusal(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_site_file(tmp_path)
    assert "directory" in str(info.value)


def test_column_limits_come_from_the_models():
    from db.models import Officer, Service

    assert RULES["officers.username"].max_len == Officer.username.max_length
    assert RULES["services.prefix"].max_len == Service.prefix.max_length


def test_docs_errors_md_carries_the_generated_limits():
    assert limits_markdown() in (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
