"""Hostile conditions a careless installer meets: one line, the right exit code, nothing lost.

Each row is a real ``onestop`` process against a condition of the machine
rather than a bad argument: a database URL that is a device, a text file, a
port out of range or a database never initialised; an output file in a
missing directory or that is a directory; a backup onto the live database or
any of its ``-wal``/``-shm``/``-journal`` files; a database file on a
read-only mount (reads work, a write says read-only).  Each refusal must be
one ``onestop: <vi> / <en>`` line naming what to fix, and the live database
must be exactly as it was (a byte-for-byte copy of its files is compared).
"""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from hostile import line_problems

from db import clock

ONESTOP = str(Path(sys.executable).with_name("onestop"))
TODAY = date.today().isoformat()


@dataclass(frozen=True)
class Condition:
    """One row: the command (``{live}``, ``{tmp}`` filled in), the exit code, words the line must hold."""

    argv: tuple[str, ...]
    code: int
    words: tuple[str, ...]


CONDITIONS = {
    "db-is-a-device": Condition(("status", "--db", "sqlite:////dev/null"), 2, ("not a regular file",)),
    "db-is-a-text-file": Condition(("status", "--db", "sqlite:///{tmp}/notes.txt"), 2, ("not an SQLite database",)),
    "db-port-out-of-range": Condition(("status", "--db", "postgresql://u@127.0.0.1:99999/db"), 2,
                                      ("Port out of range",)),
    "db-never-initialised": Condition(("status", "--db", "sqlite:///{tmp}/empty.db"), 2, ("onestop init",)),
    "report-into-missing-dir": Condition(("report", "--from", TODAY, "--to", TODAY, "--out", "{tmp}/missing/x.json"),
                                         2, ("no such file or directory", "missing/x.json")),
    "report-onto-a-directory": Condition(("report", "--from", TODAY, "--to", TODAY, "--out", "{tmp}"), 2,
                                         ("directory",)),
    "backup-onto-live": Condition(("backup", "{live}"), 2, ("live database itself",)),
    "backup-onto-live-wal": Condition(("backup", "{live}-wal"), 2, ("-wal",)),
    "backup-onto-live-shm": Condition(("backup", "{live}-shm"), 2, ("-shm",)),
    "backup-onto-live-journal": Condition(("backup", "{live}-journal"), 2, ("-journal",)),
    "backup-onto-a-directory": Condition(("backup", "{tmp}"), 2, ("directory",)),
}


def _onestop(url: str, *argv: str) -> subprocess.CompletedProcess:
    has_db = "--db" in argv
    return subprocess.run([ONESTOP, *argv, *([] if has_db else ["--db", url])], capture_output=True, text=True,
                          timeout=120)


def _files(live: Path) -> dict[str, bytes]:
    """The live database's files as bytes (what "nothing changed" means for a refusal)."""
    return {p.name: p.read_bytes() for p in live.parent.glob(live.name + "*")}


@pytest.fixture
def live(tmp_path) -> Path:
    """A live SQLite hall with one waiting ticket, its WAL checkpointed so its files are at rest."""
    path = tmp_path / "hall" / "live.db"
    path.parent.mkdir()
    url = f"sqlite:///{path.as_posix()}"
    for argv in (("init",), ("issue", "TP")):
        done = _onestop(url, *argv)
        assert done.returncode == 0, done.stderr
    (tmp_path / "notes.txt").write_text("ghi chú của cán bộ\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("name", list(CONDITIONS))
def test_a_hostile_condition_is_one_clear_line_and_changes_nothing(live, tmp_path, name):
    condition = CONDITIONS[name]
    before = _files(live)
    argv = [a.replace("{live}", str(live)).replace("{tmp}", str(tmp_path)) for a in condition.argv]
    done = _onestop(f"sqlite:///{live.as_posix()}", *argv)
    assert done.returncode == condition.code, done.stderr
    assert line_problems(done.stderr) == [], done.stderr
    for word in condition.words:
        assert word in done.stderr, f"{word!r} not in {done.stderr!r}"
    assert done.stdout == ""
    assert _files(live) == before, "a refusal changed the live database's files"
    again = _onestop(f"sqlite:///{live.as_posix()}", "issue", "TP")
    assert again.returncode == 0 and '"A002"' in again.stdout, "the hall does not go on after the refusal"


@pytest.fixture
def read_only_copy(live, tmp_path):
    """The live hall seen through a read-only bind mount (root ignores file modes; a mount does not)."""
    view = tmp_path / "ro"
    view.mkdir()
    mounted = subprocess.run(["mount", "--bind", str(live.parent), str(view)], capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot bind-mount here ({mounted.stderr.strip()}): the read-only test needs root")
    try:
        remount = subprocess.run(["mount", "-o", "remount,bind,ro", str(view)], capture_output=True, text=True)
        if remount.returncode != 0:
            pytest.skip(f"cannot remount read-only here ({remount.stderr.strip()})")
        yield view / live.name
    finally:
        subprocess.run(["umount", "-l", str(view)], check=False)


def test_a_read_only_database_still_answers_reads_and_says_read_only_on_a_write(read_only_copy, live):
    url = f"sqlite:///{read_only_copy.as_posix()}"
    before = _files(live)
    status = _onestop(url, "status")
    assert status.returncode == 0, status.stderr
    assert '"TP": 1' in status.stdout
    today = clock.service_day(time.time(), "Asia/Ho_Chi_Minh")   # the built-in site's day, not UTC's
    report = _onestop(url, "report", "--from", today, "--to", today, "--format", "json")
    assert report.returncode == 0 and '"issued": 1' in report.stdout, report.stderr
    write = _onestop(url, "issue", "TP")
    assert write.returncode == 3, write.stderr
    assert line_problems(write.stderr) == [], write.stderr
    assert "read-only" in write.stderr and "unable to open" not in write.stderr
    assert _files(live) == before
