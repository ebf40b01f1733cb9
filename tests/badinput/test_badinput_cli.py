"""Every ``onestop`` command, every argument, every hostile value: one clear line, nothing written.

The commands are read from the CLI's own parser (``cli.main.build_parser``),
not listed by hand: a command or an argument added without a row in
``ROWS`` fails ``test_every_command_and_argument_has_a_row``.  For each
argument of each command the test feeds every value of ``hostile.VALUES``
(empty, 10 KB, 1 MB, NUL, invalid UTF-8, surrogates, escape sequences, an
RTL override, SQL quotes, path traversal, negative and huge numbers, bad
dates, wrong types) through ``cli.main.main(argv)`` in this process, and
asserts what docs/errors.md promises:

* the exit code is the one the error table gives for the kind: 2 where the
  value is the caller's mistake (``invalid_input``, ``not_found``,
  ``config``), never 1 (an unexpected failure);
* stderr is one line ``onestop: <vi> / <en>``, no traceback, no raw
  control character, not a megabyte long;
* a refused command wrote nothing (a digest of every row of every table is
  unchanged), and the database still works afterwards (issuing gives the next
  number).

Commands that would run until stopped (the GUI programs, ``keypad``,
``printer-sim``) have their arguments checked up to the point they would
start: their ``func`` is replaced, so what is tested is that a value which
cannot work is refused at the door.  ``web`` runs for real up to ``serve``.
A few cases go through a real ``onestop`` process to prove the real exit code.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hostile import NEVER_TEXT, VALUES, fingerprint, line_problems, refusal_problems

import cli.main

ROOT = Path(__file__).parents[2]
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
BAD = 2   # errors.KINDS[invalid_input | not_found | config].exit_code

SITE = """\
[site]
name = "UBND xã Thử - Bộ phận Một cửa"
timezone = "Asia/Ho_Chi_Minh"
opening_hours = ["00:00-24:00"]
days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

[[services]]
code = "TP"
name = "Tư pháp"
prefix = "A"
booking = { slot_min = 15, per_slot = 50 }

[[services]]
code = "DD"
name = "Đất đai"
prefix = "C"

[[counters]]
number = 1
services = ["TP", "DD"]

[[counters]]
number = 2
services = ["DD"]

[[officers]]
username = "lan"
full_name = "Vi Thị Lan"
pin = "1234"
role = "officer"

[booking]
days_ahead = 7
max_per_phone_per_day = 50
"""


# ------------------------------------------------------------------ argument classes
@dataclass(frozen=True)
class Arg:
    """How one argument must treat the hostile values.

    ``kind``: int | float | code | text | date | path_in | path_out | url | choice | free.
    ``ok``: names of ``VALUES`` that are fine for this argument (they may succeed).
    """

    baseline: str | None
    kind: str
    ok: frozenset[str] = frozenset()


def arg(baseline: str | None, kind: str, *ok: str) -> Arg:
    return Arg(baseline, kind, frozenset(ok))


#: Values a free text may hold (a name, a note): anything printable of sane length.
PRINTABLE = ("empty", "blank", "sql_quote", "traversal", "negative", "zero", "huge", "negative_huge", "fraction",
             "exponent", "nan", "inf", "hex", "word", "json", "feb_30", "month_99", "year_0", "hour_25")
#: A file name to write may be any of these (they are plain names in the working directory).
WRITABLE_NAMES = ("traversal", "sql_quote", "negative", "zero", "huge", "negative_huge", "fraction", "exponent", "nan", "inf",
                  "hex", "word", "json", "feb_30", "month_99", "year_0", "hour_25", "invalid_utf8", "escape",
                  "rtl_override", "newline", "blank")


def expectation(a: Arg, name: str) -> set[int]:
    """The exit codes allowed for value ``name`` given to an argument like ``a``."""
    if name in a.ok:
        return {0, 2, 3}   # a fine value: success, or a refusal of the state (still one line)
    if a.kind in ("path_in", "path_out", "url"):
        return {2, 3}      # the caller's mistake (2) or a disk/device that refuses (storage, device: 3)
    if a.kind == "code" and name not in NEVER_TEXT and name not in ("long_10k", "empty", "blank"):
        return {2, 3}      # a well-formed name of nothing: not found (2), unless the state refuses first (3)
    return {BAD}


# ------------------------------------------------------------------ the table
@dataclass
class Row:
    args: dict[str, Arg]                        # "--option" or positional dest -> how it is fuzzed
    flags: tuple[str, ...] = ()                 # always given (e.g. --once)
    mode: str = "run"                           # run | parse (func replaced: runs until stopped)
    stub: tuple[str, str] | None = None         # (module, attribute) replaced by a no-op (web: serve)
    extra: dict = field(default_factory=dict)


def tomorrow_slot() -> str:
    moment = datetime.now(TZ) + timedelta(days=1)
    return moment.replace(hour=9, minute=0, second=0, microsecond=0).strftime("%Y-%m-%dT%H:%M")


def today() -> str:
    return datetime.now(TZ).date().isoformat()


COUNTER = arg("1", "int")
OFFICER = arg("lan", "code")
DB_ONLY: dict[str, Arg] = {}

ROWS: dict[tuple[str, ...], Row] = {
    ("init",): Row({"--site": arg("{site_file}", "path_in")}),
    ("sites",): Row(DB_ONLY),
    ("issue",): Row({"service": arg("TP", "code"), "--kiosk": arg("k1", "text", *PRINTABLE),
                     "--printer": arg(None, "url")}),
    ("call",): Row({"--counter": COUNTER, "--officer": OFFICER, "--ticket": arg(None, "code")}),
    ("recall",): Row({"--counter": COUNTER}),
    ("start",): Row({"--counter": COUNTER}),
    ("done",): Row({"--counter": COUNTER}),
    ("no-show",): Row({"--counter": COUNTER}),
    ("transfer",): Row({"--counter": COUNTER, "--to-service": arg("DD", "code"), "--to-counter": arg(None, "int"),
                        "--note": arg(None, "text", *PRINTABLE)}),
    ("pause",): Row({"--counter": COUNTER}),
    ("resume",): Row({"--counter": COUNTER}),
    ("cancel",): Row({"ticket": arg("A002", "code"), "--reason": arg(None, "text", *PRINTABLE)}),
    ("status",): Row(DB_ONLY),
    ("printer-sim",): Row({"--listen": arg("127.0.0.1:0", "code", "hour_25"), "--out": arg("{tmp}/sim", "free", *PRINTABLE),
                           "--slow": arg(None, "float", "zero", "fraction"),
                           "--hangup-after": arg(None, "int", "zero", "hex")}, mode="parse"),
    ("printer-status",): Row({"--printer": arg("dummy://", "url")}),
    ("keypad",): Row({"--port": arg("loop://", "free", *PRINTABLE), "--protocol": arg(None, "choice"),
                      "--counter": COUNTER, "--baudrate": arg(None, "int")}, mode="parse"),
    ("rate",): Row({"--counter": COUNTER, "--value": arg("5", "int")}),
    ("announce",): Row({"code": arg("A001", "code", "negative", "zero", "fraction", "exponent", "nan", "inf", "hex",
                                    "word", "feb_30", "month_99", "year_0"),   # speakable: an installer's test
                        "--counter": COUNTER, "--out": arg("{tmp}/a.wav", "path_out", *WRITABLE_NAMES),
                        "--lang": arg(None, "choice"), "--mode": arg(None, "choice"),
                        "--clips": arg(None, "path_in"), "--repeat": arg(None, "int"),
                        "--voice": arg(None, "code")}),
    ("report",): Row({"--from": arg("{today}", "date"), "--to": arg("{today}", "date"),
                      "--format": arg("json", "choice"), "--out": arg(None, "path_out", *WRITABLE_NAMES)}),
    ("rollup",): Row(DB_ONLY),
    ("backup",): Row({"file": arg("{tmp}/backup.db", "path_out", *WRITABLE_NAMES)}),
    ("dossier",): Row({"code": arg("HS-1", "code", "sql_quote", "traversal", "negative", "zero", "huge",
                                   "negative_huge", "fraction", "exponent", "nan", "inf", "hex", "word",
                                   "feb_30", "month_99", "year_0", "hour_25", "json"),
                       "--counter": COUNTER, "--officer": OFFICER}),
    ("ratings-export",): Row({"--from": arg("{today}", "date"), "--to": arg("{today}", "date"),
                              "--format": arg("json", "choice"), "--headers": arg(None, "choice"),
                              "--out": arg(None, "path_out", *WRITABLE_NAMES)}),
    ("kiosk",): Row({"--printer": arg(None, "free", *PRINTABLE), "--kiosk-id": arg(None, "text", *PRINTABLE),
                     "--config": arg(None, "free", *PRINTABLE)}, mode="parse"),
    ("counter",): Row({"--counter": COUNTER, "--keypad": arg(None, "free", *PRINTABLE),
                       "--keypad-protocol": arg(None, "choice"),
                       "--lock-after": arg(None, "float", "zero", "fraction"), "--lang": arg(None, "code")},
                      mode="parse"),
    ("display",): Row({"--screen": arg(None, "int", "zero"), "--counter": COUNTER, "--lang": arg(None, "code")},
                      mode="parse"),
    ("admin",): Row({"--lang": arg(None, "code")}, mode="parse"),
    ("demo",): Row({"--rate": arg(None, "float", "fraction"), "--printer-dir": arg(None, "free", *PRINTABLE),
                    "--seconds": arg(None, "float", "fraction", "zero"),
                    "--screenshots": arg(None, "free", *PRINTABLE)}, mode="parse"),
    ("book",): Row({"service": arg("TP", "code"), "--at": arg("{slot}", "date"),
                    "--name": arg("Bùi Thị Lan", "text", *(v for v in PRINTABLE if v not in ("empty", "blank"))),
                    "--phone": arg("0912345678", "code")}),
    ("bookings",): Row({"--day": arg(None, "date"), "--service": arg(None, "code")}),
    ("book-cancel",): Row({"code": arg("{booking}", "code")}),
    ("checkin",): Row({"code": arg("{booking}", "code"), "--kiosk": arg(None, "text", *PRINTABLE)}),
    ("slots",): Row({"service": arg("TP", "code"), "--day": arg("{today}", "date")}),
    ("notify",): Row(DB_ONLY, flags=("--once",)),
    ("events",): Row({"--after": arg(None, "int", "zero")}),
    # "2026-12-03T25:61" is a well-formed HOST:PORT (host "2026-12-03T25", port 61)
    ("web",): Row({"--listen": arg(None, "code", "hour_25"), "--rate-limit": arg(None, "code"),
                   "--forwarded-allow-ips": arg(None, "free", "word", "zero", "sql_quote", "json", "negative", "hex",
                                                "fraction", "exponent", "nan", "inf", "huge", "negative_huge",
                                                "feb_30", "month_99", "year_0", "hour_25", "traversal", "empty",
                                                "blank")},
                  stub=("web.server", "serve")),
    ("api-key", "create"): Row({"name": arg("k2", "text", "sql_quote", "traversal", "negative", "zero", "huge",
                                            "negative_huge", "fraction", "exponent", "nan", "inf", "hex", "word",
                                            "json", "feb_30", "month_99", "year_0", "hour_25"),
                                "--scope": arg(None, "choice")}),
    ("api-key", "list"): Row(DB_ONLY),
    ("api-key", "revoke"): Row({"name": arg("k1", "code")}),
    ("roles", "create"): Row(DB_ONLY),
    ("audit",): Row({"--from": arg(None, "date"), "--to": arg(None, "date")}),
    ("verify",): Row(DB_ONLY),
    ("sync",): Row({"--to": arg("sqlite:///{tmp}/province.db", "url"), "--batch": arg(None, "int"),
                    "--interval": arg(None, "float", "fraction")}, flags=("--once",)),
}

#: The options every database command shares are fuzzed on these commands (the same code path for all).
COMMON = {"--db", "--site"}
COMMON_ROWS = {("status",): {"--db": arg(None, "url"), "--site": arg(None, "code")},
               ("issue",): {"--db": arg(None, "url"), "--site": arg(None, "code")}}


# ------------------------------------------------------------------ the registry
def commands(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()):
    """(path, parser) of every runnable command, walked from the CLI's own parser."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                if any(isinstance(a, argparse._SubParsersAction) for a in sub._actions):
                    yield from commands(sub, (*prefix, name))
                else:
                    yield (*prefix, name), sub


def value_arguments(parser: argparse.ArgumentParser) -> set[str]:
    """The arguments of a command that take a value (options by their first string, positionals by dest)."""
    names = set()
    for action in parser._actions:
        if action.nargs == 0 or isinstance(action, argparse._HelpAction):
            continue
        names.add(action.option_strings[0] if action.option_strings else action.dest)
    return names


def registry() -> dict[tuple[str, ...], argparse.ArgumentParser]:
    return dict(commands(cli.main.build_parser()))


def test_every_command_and_argument_has_a_row():
    found = registry()
    assert set(found) == set(ROWS), (f"commands without a row: {sorted(set(found) - set(ROWS))}; "
                                     f"rows without a command: {sorted(set(ROWS) - set(found))}")
    for path, parser in found.items():
        missing = value_arguments(parser) - set(ROWS[path].args) - COMMON
        assert not missing, f"onestop {' '.join(path)}: arguments without a row: {sorted(missing)}"
        unknown = set(ROWS[path].args) - value_arguments(parser)
        assert not unknown, f"onestop {' '.join(path)}: rows for arguments it does not have: {sorted(unknown)}"


# ------------------------------------------------------------------ running one command in this process
def run_cli(argv: list[str]) -> tuple[int, str, str]:
    """``cli.main.main(argv)`` with its own stdout (strict UTF-8, as a real terminal) and stderr."""
    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding="utf-8", errors="strict", write_through=True)
    err = io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = cli.main.main(argv)
    out.flush()
    return code, raw.getvalue().decode("utf-8", "replace"), err.getvalue()


@pytest.fixture
def hall(db_url, tmp_path, monkeypatch):
    """A site open around the clock with two tickets (A001 called at counter 1), a booking and an API key."""
    from db.connection import close

    monkeypatch.delenv("ONESTOP_DEBUG", raising=False)
    monkeypatch.delenv("ONESTOP_SITE", raising=False)
    monkeypatch.setenv("ONESTOP_DB", db_url)
    monkeypatch.setenv("ONESTOP_KIOSK_CONFIG", str(tmp_path / "no-kiosk.toml"))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)        # relative file names land here
    site_file = tmp_path / "site.toml"
    site_file.write_text(SITE, encoding="utf-8")
    for argv in (["init", "--site", str(site_file)], ["issue", "TP"], ["issue", "TP"], ["call", "--counter", "1"],
                 ["api-key", "create", "k1"]):
        code, _, err = run_cli(argv)
        assert code == 0, (argv, err)
    code, out, err = run_cli(["book", "TP", "--at", tomorrow_slot(), "--name", "Bùi Thị Lan",
                              "--phone", "0912345678"])
    assert code == 0, err
    values = {"site_file": str(site_file), "tmp": str(tmp_path), "today": today(), "slot": tomorrow_slot(),
              "booking": json.loads(out)["code"]}
    yield db_url, values
    close()


def _argv(path: tuple[str, ...], row: Row, values: dict, fuzzed: str | None = None, value: str | None = None,
          extra: dict[str, Arg] | None = None) -> list[str]:
    argv = list(path)
    for name, a in {**row.args, **(extra or {})}.items():
        given = value if name == fuzzed else (a.baseline.format(**values) if a.baseline is not None else None)
        if given is None:
            continue
        argv += [name, given] if name.startswith("-") else [given]
    return [*argv, *row.flags]


def _hostile_value(a: Arg, name: str, tmp: str) -> str:
    if name == "traversal" and a.kind == "path_out":
        return "../no-such-dir/../../no-such-dir/x"   # stays inside the test's directory (we may be root here)
    return VALUES[name]


def _install_stubs(monkeypatch) -> None:
    """Commands that run until stopped: their ``func`` returns at once (the arguments are what is tested)."""
    build = cli.main.build_parser

    def parser_with_stubs():
        parser = build()
        found = dict(commands(parser))
        for path, row in ROWS.items():
            if row.mode == "parse":
                found[path].set_defaults(func=lambda args: 0)
        return parser

    monkeypatch.setattr(cli.main, "build_parser", parser_with_stubs)
    for row in ROWS.values():
        if row.stub:
            module = __import__(row.stub[0], fromlist=[row.stub[1]])
            monkeypatch.setattr(module, row.stub[1], lambda *a, **k: None)


def _still_works(url: str) -> list[str]:
    """The database answers and issues the next number after all that."""
    from db.connection import connect

    connect(url)
    before = _last_number()
    code, out, err = run_cli(["--db", url, "issue", "DD"])
    if code != 0:
        return [f"issue after the hostile runs: exit {code}: {err.strip()}"]
    number = json.loads(out)["number"]
    return [] if number == before + 1 else [f"issue after the hostile runs gave number {number}, not {before + 1}"]


def _last_number() -> int:
    from db.models import Service, Ticket

    last = Ticket.select(Ticket.number).join(Service, on=(Ticket.issued_service == Service.id)).where(
        Service.code == "DD").order_by(Ticket.id.desc()).first()
    return last.number if last else 0


@pytest.mark.parametrize("path", sorted(ROWS), ids=lambda p: "-".join(p))
def test_every_hostile_value_of_every_argument_is_one_clear_refusal(hall, path, monkeypatch):
    from db.connection import connect

    url, values = hall
    row = ROWS[path]
    _install_stubs(monkeypatch)
    fuzzed_args = {**row.args, **COMMON_ROWS.get(path, {})}
    failures = []
    for name, a in fuzzed_args.items():
        for value_name in VALUES:
            connect(url)
            before = fingerprint()
            argv = _argv(path, row, values, name, _hostile_value(a, value_name, values["tmp"]),
                         extra=COMMON_ROWS.get(path))
            code, out, err = run_cli(argv)
            allowed = expectation(a, value_name)
            problems = [] if code == 0 and 0 in allowed else refusal_problems(code, out, err, allowed)
            if code != 0 and not problems:
                connect(url)
                if fingerprint() != before:
                    problems.append("refused, but the database changed")
            if problems:
                shown = err.strip().splitlines()[-1][:200] if err.strip() else ""
                failures.append(f"{' '.join(path)} {name}={value_name}: {'; '.join(problems)} [{shown}]")
    failures += _still_works(url)
    assert not failures, f"{len(failures)} problems:\n" + "\n".join(failures)


# ------------------------------------------------------------------ a few through a real process
def _onestop(url: str, *args: str | bytes) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("ONESTOP_DEBUG", "ONESTOP_SITE")}
    env["ONESTOP_DB"] = url
    return subprocess.run([sys.executable, "-m", "cli.main", *args], capture_output=True, cwd=ROOT, env=env,
                          timeout=60)


@pytest.mark.parametrize("argv", [
    ("call", "--counter", "9" * 23),
    ("cancel", "9" * 23),
    ("issue", b"T\xff\xfe"),                                  # invalid UTF-8 in argv
    ("issue", "TP", "--kiosk", "\x1b[2J\x1b]0;pwned\x07"),   # escape sequences
    ("book", "TP", "--at", "2026-02-30T09:00", "--name", "A", "--phone", "0912345678"),
    ("report", "--from", "9999-99-99", "--to", "2026-12-01"),
    ("issue", "TP", "--kiosk", "k" * 100_000),
], ids=["huge-counter", "huge-ticket", "invalid-utf8", "escapes", "feb-30", "month-99", "100k-kiosk"])
def test_a_real_process_refuses_with_exit_2_and_one_line(hall, argv):
    url, _ = hall
    from db.connection import connect

    connect(url)
    before = fingerprint()
    result = _onestop(url, *argv)
    stderr = result.stderr.decode("utf-8", "replace")
    assert result.returncode == BAD, stderr
    assert result.stdout == b""
    assert line_problems(stderr) == []
    connect(url)
    assert fingerprint() == before


def test_what_the_hostile_values_are():
    """The table covers what the issue asks for (so nobody trims it quietly)."""
    assert {"empty", "long_10k", "long_1m", "nul", "invalid_utf8", "lone_surrogate", "escape", "rtl_override",
            "sql_quote", "traversal", "negative", "huge", "feb_30", "month_99", "word"} <= set(VALUES)
    assert NEVER_TEXT <= set(VALUES)
