"""A kiosk killed between issuing a ticket and settling its slip leaves no ghost once it starts again.

The kill is real: a separate process issues through ``issue_and_print`` with
a journal and a printer that ends the process (``os._exit``) in the middle of
the print, as ``kill -9`` would.  The ticket is then waiting in the database
and listed in the journal; the restarted kiosk's ``settle_unprinted`` cancels
it (``print_failed``) and clears the list.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from db import queue, statuses
from services.print_journal import PrintJournal
from services.ticket_printing import PRINT_FAILED, issue_and_print, settle_unprinted

ROOT = Path(__file__).resolve().parents[2]

KILLED_MID_PRINT = """
import os, sys
from db.connection import connect
from hardware.printing.printers import open_printer
from services.print_journal import PrintJournal
from services.ticket_printing import issue_and_print

connect(sys.argv[1])
printer = open_printer("dummy://")
printer.print_ticket = lambda image, name=None: os._exit(9)   # the power cut / kill -9 during the print
issue_and_print("TP", printer, kiosk="kiosk-1", journal=PrintJournal(sys.argv[2]))
"""


def test_a_kiosk_killed_mid_print_cancels_that_ticket_when_it_starts_again(db_url, site_db, tmp_path):
    journal = PrintJournal(tmp_path / "journal.json")
    killed = subprocess.run([sys.executable, "-c", KILLED_MID_PRINT, db_url, str(journal.path)], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert killed.returncode == 9, killed.stderr
    (ticket_id,) = journal.pending()
    assert queue.find_ticket(ticket_id).status == statuses.WAITING      # the ghost, as the soak found it

    settled = settle_unprinted(journal)
    assert [t.id for t in settled] == [ticket_id]
    ticket = queue.find_ticket(ticket_id)
    assert ticket.status == statuses.CANCELLED and ticket.cancel_reason == PRINT_FAILED
    assert journal.pending() == []


def test_a_printed_ticket_leaves_the_journal_empty(site_db, tmp_path):
    journal = PrintJournal(tmp_path / "journal.json")
    outcome = issue_and_print("TP", "dummy://", kiosk="kiosk-1", journal=journal)
    assert outcome.printed and journal.pending() == []
    assert settle_unprinted(journal) == []
    assert queue.find_ticket(outcome.ticket.id).status == statuses.WAITING


def test_a_listed_ticket_a_counter_called_meanwhile_is_kept(site_db, tmp_path):
    journal = PrintJournal(tmp_path / "journal.json")
    ticket = queue.issue_ticket("TP", kiosk="kiosk-1")
    journal.add(ticket.id)
    queue.call_next(1)
    settle_unprinted(journal)
    assert queue.find_ticket(ticket.id).status == statuses.CALLED
    assert journal.pending() == []


def test_a_broken_journal_file_lists_nothing_and_is_rewritten(site_db, tmp_path):
    journal = PrintJournal(tmp_path / "journal.json")
    journal.path.write_text("{not json", encoding="utf-8")
    assert journal.pending() == []
    journal.add(7)
    assert journal.pending() == [7]
