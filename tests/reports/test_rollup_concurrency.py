"""Many processes opening the same day at once roll its closed days once, on both engines.

Every kiosk and counter process rolls the site's last week at its first operation of the day
(``db.rollup.close_days_before``); on a Monday morning they all start together.  The soak on
PostgreSQL found them inserting the same ``report_state`` rows ("daily report rollup skipped:
duplicate key"); now one process rolls and the others go on (``db.rollup._claim``).  Whether
processes really overlap depends on the machine's timing, so the second test holds the lock
from another connection and shows the operation going on without it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from rollup_data import TODAY, fill, midnight

from db.rollup_read import calendar

WORKER = Path(__file__).with_name("rollup_worker.py")
PROCESSES = 8


def test_processes_opening_a_day_together_roll_it_once_and_all_issue(site_db):
    from db.models import ReportState, Service, Ticket

    fill(first=TODAY - timedelta(days=10), last=TODAY - timedelta(days=1), per_day=300)
    morning = midnight(TODAY) + 8 * 3600
    services = [s.code for s in Service.select().order_by(Service.id)]
    workers = [subprocess.Popen([sys.executable, str(WORKER), site_db, str(morning + n), services[n % len(services)]],
                                stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for n in range(PROCESSES)]
    for worker in workers:                      # every one connected and waiting
        assert worker.stdout.readline().strip() == "ready", worker.stderr.read()
    for worker in workers:
        worker.stdin.write("go\n")
        worker.stdin.flush()
    results = []
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))

    assert [r["warnings"] for r in results] == [[]] * PROCESSES
    assert len({r["code"] for r in results}) == PROCESSES
    days = [s.first_day for s in ReportState.select().where(ReportState.kind == "day")]
    assert sorted(days) == calendar("2026-11-01", "2026-11-24")   # the month so far, each day once
    assert Ticket.select().where(Ticket.service_day == TODAY.isoformat()).count() == PROCESSES


def test_a_process_that_finds_the_rollup_taken_issues_at_once_and_leaves_it_to_the_other(site_db):
    """The lock itself (PostgreSQL): while another connection rolls the site, an operation skips it."""
    from db import current_site, queue, rollup
    from db.connection import is_postgres, write_transaction
    from db.models import ReportState

    fill(first=TODAY - timedelta(days=5), last=TODAY - timedelta(days=1), per_day=10)
    queue._rolled_over.clear()
    if is_postgres():
        import psycopg

        other = psycopg.connect(site_db)          # "another kiosk", in the middle of its rollup
        other.execute("SELECT pg_advisory_xact_lock(%s, %s)", (rollup.ROLLUP_LOCK, current_site.site_id()))
        try:
            assert queue.issue_ticket("TP", now=midnight(TODAY) + 8 * 3600).code
            assert ReportState.select().count() == 0     # left to the one holding the lock
        finally:
            other.rollback()
            other.close()
        with write_transaction():
            rollup.close_days_before(TODAY.isoformat())
    else:                                         # SQLite: writers queue for the database lock
        assert queue.issue_ticket("TP", now=midnight(TODAY) + 8 * 3600).code
    days = [s.first_day for s in ReportState.select().where(ReportState.kind == "day")]
    assert sorted(days) == calendar("2026-11-01", "2026-11-24")
