"""Issuing on a full disk: one clear refusal (storage, exit 3), no half ticket, and the next number after.

The database lives on a small tmpfs mounted for this test (``mount -t tmpfs
-o size=4m``); the disk is then filled to the last byte with a filler file.
Mounting needs root (or a user namespace); where it is impossible the test
is skipped and says so.  The refusal must leave nothing behind: no number
consumed, no event, no ticket - the digest of every row is unchanged - and
once the filler is removed, issuing gives the next number.
"""

from __future__ import annotations

import io
import json
import subprocess
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from hostile import fingerprint, line_problems

import cli.main
from errors import KINDS, Kind


@pytest.fixture
def small_disk(tmp_path):
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount_point)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({done.stderr.strip()}): the full-disk test needs root")
    try:
        yield mount_point
    finally:
        from db.connection import close

        close()
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = cli.main.main(argv)
    return code, out.getvalue(), err.getvalue()


def _fill(directory: Path) -> Path:
    """Write until the disk refuses (ENOSPC), leaving not one free block."""
    filler = directory / "filler"
    with open(filler, "wb", buffering=0) as handle:
        for size in (1 << 20, 1 << 16, 1 << 12, 1 << 9, 1):
            block = b"\0" * size
            try:
                while True:
                    handle.write(block)
            except OSError:
                continue
    return filler


def test_issuing_on_a_full_disk_is_refused_cleanly_and_works_again_after(small_disk, monkeypatch):
    from db.connection import connect

    monkeypatch.delenv("ONESTOP_DEBUG", raising=False)
    url = f"sqlite:///{(small_disk / 'onestop.db').as_posix()}"
    assert _run(["--db", url, "init"])[0] == 0
    code, out, err = _run(["--db", url, "issue", "TP"])
    assert code == 0, err
    assert json.loads(out)["code"] == "A001"
    connect(url)
    before = fingerprint()

    filler = _fill(small_disk)
    refusals = [_run(["--db", url, "issue", "TP"]) for _ in range(3)]
    for code, out, err in refusals:
        assert code == KINDS[Kind.STORAGE].exit_code, err
        assert out == ""
        assert line_problems(err) == [], err
        assert "disk is full" in err
    filler.unlink()
    connect(url)
    assert fingerprint() == before          # no number consumed, no ghost event, no half ticket

    code, out, err = _run(["--db", url, "issue", "TP"])
    assert code == 0, err
    assert json.loads(out)["code"] == "A002"
