"""The tickets a kiosk issued whose slip it has not settled yet, kept in a small local file.

A kiosk killed between issuing a ticket and settling its slip (printed,
cancelled, or kept on purpose) leaves a waiting ticket nobody holds: the
citizen saw no number, and nothing in the database says the slip never came
out.  The soak's ``kill -9`` of a kiosk found exactly that ghost.  So the
kiosk writes the ticket's id here as soon as the ticket exists and takes it
off once the outcome is settled; a restarted kiosk cancels whatever is still
listed (``ticket_printing.settle_unprinted``: reason ``print_failed``, and
only while the ticket still waits - one a counter has called is kept).

The trade-off, said plainly: a kiosk killed in the middle of a print may have
delivered the slip, and its ticket is cancelled anyway (the officer sees
"cancelled: print_failed" if the citizen comes with it).  A ticket that may
be in nobody's hand is the worse error in a hall: it blocks nothing, but the
queue shows one person too many all day.

A file, not a table: the point is to remember across a crash of this PC's
program, even while the database is away; it is written atomically
(temporary file, fsync, rename) so a crash mid-write leaves the old list.
"""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
from pathlib import Path

from platformdirs import user_state_dir

log = logging.getLogger(__name__)

#: where the journals live unless ``ONESTOP_PRINT_JOURNAL_DIR`` says otherwise
ENV_DIR = "ONESTOP_PRINT_JOURNAL_DIR"


class PrintJournal:
    """A set of ticket ids, one file per kiosk."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    @classmethod
    def for_kiosk(cls, kiosk_id: str | None) -> PrintJournal:
        folder = Path(os.environ.get(ENV_DIR) or user_state_dir("onestop-queue", appauthor=False))
        name = re.sub(r"[^A-Za-z0-9._-]", "_", kiosk_id or "kiosk")
        return cls(folder / f"unsettled-slips-{name}.json")

    def pending(self) -> list[int]:
        """The ids still listed (an unreadable file counts as empty: it can only list ids, never invent one)."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []
        return sorted({int(i) for i in data if isinstance(i, int)}) if isinstance(data, list) else []

    def add(self, ticket_id: int) -> None:
        self._write(set(self.pending()) | {int(ticket_id)})

    def discard(self, ticket_id: int) -> None:
        ids = set(self.pending())
        if int(ticket_id) in ids:
            self._write(ids - {int(ticket_id)})

    def _write(self, ids: set[int]) -> None:
        """Best effort: a journal that cannot be written must not stop a ticket (it is logged)."""
        try:
            self._replace(ids)
        except OSError as exc:
            log.error("cannot write %s (%s): a kiosk killed now could leave a ticket without a slip",
                      self.path, exc)

    def _replace(self, ids: set[int]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=self.path.name, suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(sorted(ids), out)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
