"""The benchmark status file: off unless ONESTOP_STATUS_FILE names it; each write replaces the record."""

from __future__ import annotations

import json
import os
from pathlib import Path

from ui_common.status_file import from_env


def test_no_status_file_unless_asked() -> None:
    assert from_env({}) is None


def test_write_replaces_the_record_with_the_painted_event(tmp_path: Path) -> None:
    path = tmp_path / "display.status"
    status = from_env({"ONESTOP_STATUS_FILE": str(path)})
    assert status is not None
    status.write(41)
    status.write(42)
    record = json.loads(path.read_text())
    assert record["event_id"] == 42 and record["pid"] == os.getpid()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["display.status"]   # no temp file left behind
