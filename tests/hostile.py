"""The hostile values of the bad-input tests and the helpers that judge one refusal.

Shared by the CLI test (every command, every argument) and the web test (every
route, every field): the same values must be refused the same way in both.
"""

from __future__ import annotations

import hashlib

#: name -> value.  Strings only: that is what a command line or a form carries.
VALUES: dict[str, str] = {
    "empty": "",
    "blank": "   ",
    "long_10k": "A" * 10_000,
    "long_1m": "A" * 1_000_000,
    "nul": "TP\x00X",
    "invalid_utf8": "TP\udcff\udcfe",           # what Python makes of the bytes ff fe in argv (surrogateescape)
    "lone_surrogate": "\ud800",
    "escape": "\x1b[2J\x1b[31mTP\x07",           # clear screen, red, bell
    "newline": "TP\nonestop: all fine",
    "rtl_override": "\u202eTP",
    "sql_quote": "' OR '1'='1'; DROP TABLE ticket; --",
    "traversal": "../../../../../../../../etc/passwd",
    "negative": "-1",
    "zero": "0",
    "huge": "9" * 30,
    "negative_huge": "-" + "9" * 30,
    "fraction": "1.5",
    "exponent": "1e9",
    "nan": "nan",
    "inf": "inf",
    "hex": "0x10",
    "word": "abc",
    "json": '{"a": []}',
    "feb_30": "2026-02-30",
    "month_99": "9999-99-99",
    "year_0": "0000-00-00",
    "hour_25": "2026-12-03T25:61",
}

#: Values that can never be correct text of any field: refused wherever text is typed.
NEVER_TEXT = {"nul", "invalid_utf8", "lone_surrogate", "escape", "newline", "rtl_override", "long_1m"}

#: The longest refusal line we accept: a message may quote what was typed, but not a megabyte of it.
LONGEST_LINE = 2000


def refusal_problems(code: int, stdout: str, stderr: str, allowed: set[int]) -> list[str]:
    """What is wrong with how one command refused (empty: a clean refusal)."""
    problems = []
    if code not in allowed:
        problems.append(f"exit {code}, expected one of {sorted(allowed)}")
    problems += line_problems(stderr)
    return problems


def line_problems(stderr: str) -> list[str]:
    """A refusal is one line, ``onestop: <vi> / <en>``, no traceback, nothing raw for the terminal."""
    problems = []
    lines = stderr.splitlines()
    if "Traceback" in stderr:
        problems.append("traceback on stderr")
    if len(lines) != 1:
        problems.append(f"{len(lines)} lines on stderr")
    if lines and not lines[-1].startswith("onestop: "):
        problems.append("stderr does not start with 'onestop: '")
    if lines and " / " not in lines[-1]:
        problems.append("no Vietnamese / English pair")
    if any(ch < " " and ch not in "\n" for ch in stderr) or "\x7f" in stderr or "\u202e" in stderr:
        problems.append("raw control character on stderr")
    if any(len(line) > LONGEST_LINE for line in lines):
        problems.append(f"a line of {max(len(line) for line in lines)} characters")
    return problems


def fingerprint(skip: frozenset[str] | set[str] = frozenset()) -> str:
    """A digest of every row of every table of the bound database (but ``skip``): equal means nothing was written."""
    from db.connection import database_proxy
    from db.models import ALL_MODELS

    digest = hashlib.sha256()
    db = database_proxy.obj
    present = set(db.get_tables())
    for model in ALL_MODELS:
        table = model._meta.table_name
        if table not in present or table in skip:
            continue
        columns = ", ".join(f'"{c.name}"' for c in db.get_columns(table))
        cursor = db.execute_sql(f'SELECT {columns} FROM "{table}" ORDER BY 1')
        digest.update(table.encode())
        for row in cursor.fetchall():
            digest.update(repr(row).encode("utf-8", "backslashreplace"))
    return digest.hexdigest()
