"""issue_and_print and ``onestop issue --printer``: the on_print_failure policy, no ghost tickets.

Real database (SQLite, built-in site) and the simulated printer over TCP.
"""

from __future__ import annotations

import json
import time

import pytest
from PIL import ImageChops

from db.models import Ticket
from errors import OnestopError
from hardware.printing import PrinterError
from services.ticket_printing import issue_and_print, render_ticket


def tickets() -> list[tuple[str, str, str | None]]:
    return [(t.code, t.status, t.cancel_reason) for t in Ticket.select().order_by(Ticket.id)]


def test_printed_ticket_is_the_issued_one(sqlite_site_db, simulator, clock):
    from db.site import get_service, load_site

    outcome = issue_and_print("TP", simulator.url, now=clock(9, 30))
    assert outcome.printed and outcome.error is None and not outcome.cancelled
    assert outcome.exit_code == 0
    assert tickets() == [("A001", "waiting", None)]
    [job] = simulator.wait_for_jobs(1)
    expected = render_ticket(outcome.ticket, load_site(), counters=get_service("TP").counters)
    assert ImageChops.difference(job.image.convert("L"), expected.convert("L")).getbbox() is None


def test_priority_and_kiosk_are_passed_through(sqlite_site_db, simulator, clock):
    outcome = issue_and_print("TP", simulator.url, priority=True, kiosk="K1", now=clock(9, 30))
    assert outcome.ticket.priority
    assert Ticket.get_by_id(outcome.ticket.id).kiosk == "K1"


def test_show_policy_keeps_the_ticket_when_paper_is_out(sqlite_site_db, make_simulator, clock):
    sim = make_simulator(paper_out=True)
    outcome = issue_and_print("TP", sim.url, now=clock(9, 30))
    assert not outcome.printed and outcome.error.fault == "paper_out" and not outcome.cancelled
    assert outcome.ticket.status == "waiting"
    assert tickets() == [("A001", "waiting", None)]
    assert sim.jobs == []            # known not ready: no job was sent into a printer without paper
    assert outcome.to_json()["printed"] is False


def test_cancel_policy_issues_nothing_when_printer_is_known_not_ready(sqlite_site_db, make_simulator, use_policy,
                                                                      clock):
    use_policy("cancel")
    for state, kind in (({"paper_out": True}, "paper_out"), ({"cover_open": True}, "cover_open"),
                        ({"offline": True}, "offline")):
        with pytest.raises(PrinterError) as info:
            issue_and_print("TP", make_simulator(**state).url, now=clock(9, 30))
        assert info.value.fault == kind
    assert tickets() == []           # no ghost, and no cancelled ticket either


def test_cancel_policy_with_nothing_listening_issues_nothing(sqlite_site_db, use_policy, unused_port, clock):
    use_policy("cancel")
    with pytest.raises(PrinterError) as info:
        issue_and_print("TP", f"tcp://127.0.0.1:{unused_port}", now=clock(9, 30))
    assert info.value.fault == "not_found"
    assert tickets() == []


def test_cancel_policy_hung_printer_gives_up_fast_and_issues_nothing(sqlite_site_db, make_simulator, use_policy,
                                                                     clock):
    use_policy("cancel")
    started = time.monotonic()
    with pytest.raises(PrinterError) as info:
        issue_and_print("TP", make_simulator(hang=True).url, now=clock(9, 30))
    assert info.value.fault == "timeout"
    assert time.monotonic() - started < 2.0
    assert tickets() == []


def test_cancel_policy_cancels_a_ticket_whose_print_failed_mid_job(sqlite_site_db, make_simulator, use_policy,
                                                                   clock):
    use_policy("cancel")
    sim = make_simulator(hangup_after=3000)
    outcome = issue_and_print("TP", sim.url, now=clock(9, 30))
    assert outcome.cancelled and not outcome.printed and outcome.error.fault == "disconnected"
    assert outcome.exit_code == 3
    assert outcome.ticket.status == "cancelled" and outcome.ticket.cancel_reason == "print_failed"
    assert tickets() == [("A001", "cancelled", "print_failed")]
    # a cancelled ticket is never called
    from db import queue

    assert queue.call_next(1, now=clock(9, 31)) is None


def test_cancel_policy_keeps_the_ticket_a_5s_printer_printed(sqlite_site_db, make_simulator, use_policy, clock):
    use_policy("cancel")
    sim = make_simulator(slow_s=5.0)                     # onestop printer-sim --slow 5
    outcome = issue_and_print("TP", sim.url, now=clock(9, 30))
    assert outcome.printed and not outcome.cancelled and outcome.exit_code == 0
    assert tickets() == [("A001", "waiting", None)]
    assert sim.wait_for_jobs(1)[0].printed


def test_cancel_policy_keeps_a_delivered_but_unconfirmed_ticket(sqlite_site_db, make_simulator, use_policy, clock):
    use_policy("cancel")
    sim = make_simulator(slow_s=2.0)
    outcome = issue_and_print("TP", f"{sim.url}?confirm_timeout=0.5", now=clock(9, 30))
    assert not outcome.printed and not outcome.cancelled and outcome.exit_code == 0
    assert outcome.error.fault == "timeout" and outcome.error.delivered
    assert tickets() == [("A001", "waiting", None)]      # the citizen holds it: it will be called
    assert sim.wait_for_jobs(1)[0].printed


def test_show_policy_keeps_a_ticket_whose_print_failed_mid_job(sqlite_site_db, make_simulator, clock):
    sim = make_simulator(hangup_after=3000)
    outcome = issue_and_print("TP", sim.url, now=clock(9, 30))
    assert not outcome.printed and not outcome.cancelled and outcome.error.fault == "disconnected"
    assert tickets() == [("A001", "waiting", None)]


def test_paper_running_out_after_the_check_cancels_under_cancel_policy(sqlite_site_db, simulator, use_policy, clock):
    use_policy("cancel")
    checks = []

    class Flaky:
        """A real TCP printer whose paper runs out between the check and the job."""

        def __init__(self, inner):
            self.inner = inner

        def __getattr__(self, name):
            return getattr(self.inner, name)

        def check_ready(self):
            status = self.inner.check_ready()
            simulator.state.paper_out = True
            checks.append(status)
            return status

    from hardware.printing import open_printer

    outcome = issue_and_print("TP", Flaky(open_printer(simulator.url)), now=clock(9, 30))
    assert checks and checks[0].ready
    assert outcome.cancelled and outcome.error.fault == "paper_out"
    assert tickets() == [("A001", "cancelled", "print_failed")]


def test_queue_refusals_come_before_printer_trouble(sqlite_site_db, make_simulator, use_policy, clock):
    from db.errors import NotFound

    use_policy("cancel")
    with pytest.raises(NotFound):
        issue_and_print("NOPE", make_simulator(paper_out=True).url, now=clock(9, 30))


def test_bad_printer_url_is_refused_before_issuing(sqlite_site_db, clock):
    from hardware.printing import PrinterUrlError

    with pytest.raises(PrinterUrlError):
        issue_and_print("TP", "lpt://1", now=clock(9, 30))
    assert tickets() == []


def test_dummy_printer_object_can_be_passed_directly(sqlite_site_db, clock):
    from hardware.printing import open_printer

    printer = open_printer("dummy://?width=58")
    outcome = issue_and_print("KS", printer, now=clock(9, 30))
    assert outcome.printed and len(printer.jobs) == 1 and printer.images[0].width == 384


# ------------------------------------------------------------------ the CLI


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    from cli.main import main

    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_issue_prints_and_reports_printed_true(sqlite_site_db, simulator, capsys):
    code, out, err = run_cli(capsys, "--db", sqlite_site_db, "issue", "TP", "--printer", simulator.url)
    assert code == 0
    document = json.loads(out)
    assert document["code"] == "A001" and document["printed"] is True
    assert simulator.wait_for_jobs(1)[0].printed


def test_cli_issue_show_policy_failure_exits_0_with_reason_on_stderr(sqlite_site_db, make_simulator, capsys):
    sim = make_simulator(paper_out=True)
    code, out, err = run_cli(capsys, "--db", sqlite_site_db, "issue", "TP", "--printer", sim.url)
    assert code == 0
    assert json.loads(out)["printed"] is False
    assert "hết giấy" in err and "out of paper" in err
    assert len(err.strip().splitlines()) == 1


def test_cli_issue_cancel_policy_failure_exits_3(sqlite_site_db, make_simulator, use_policy, capsys):
    use_policy("cancel")
    code, out, err = run_cli(capsys, "--db", sqlite_site_db, "issue", "TP", "--printer",
                             make_simulator(paper_out=True).url)
    assert code == 3
    assert "hết giấy" in err
    assert tickets() == []
    code, out, err = run_cli(capsys, "--db", sqlite_site_db, "issue", "TP", "--printer",
                             make_simulator(hangup_after=2000).url)
    assert code == 3
    assert json.loads(out)["status"] == "cancelled"
    assert tickets() == [("A001", "cancelled", "print_failed")]


def test_cli_issue_to_preview_writes_the_png(sqlite_site_db, tmp_path, capsys):
    code, out, _ = run_cli(capsys, "--db", sqlite_site_db, "issue", "DD", "--printer", f"preview://{tmp_path}/pv")
    assert code == 0 and json.loads(out)["printed"] is True
    assert (tmp_path / "pv" / "latest.png").exists()


def refuse_cancels(monkeypatch, times: int) -> list[int]:
    """``queue.cancel_ticket`` fails ``times`` times as a locked database does, then works again."""
    from db import queue
    from db.errors import DatabaseUnavailable

    real, calls = queue.cancel_ticket, []

    def cancel(ticket_id, **kwargs):
        calls.append(ticket_id)
        if len(calls) <= times:
            raise DatabaseUnavailable("database is locked")
        return real(ticket_id, **kwargs)

    monkeypatch.setattr(queue, "cancel_ticket", cancel)
    return calls


def test_cancel_policy_reports_a_cancel_the_database_refused(sqlite_site_db, make_simulator, use_policy, clock,
                                                             monkeypatch):
    from services.ticket_printing import cancel_unprinted

    use_policy("cancel")
    calls = refuse_cancels(monkeypatch, times=2)
    outcome = issue_and_print("TP", make_simulator(hangup_after=3000).url, now=clock(9, 30))
    assert outcome.cancel_pending and not outcome.cancelled and not outcome.printed
    assert outcome.exit_code == 3 and outcome.to_json()["cancel_pending"] is True
    assert tickets() == [("A001", "waiting", None)]          # not yet cancelled: the caller must retry
    with pytest.raises(OnestopError):
        cancel_unprinted(outcome.ticket.id, now=clock(9, 30))
    landed = cancel_unprinted(outcome.ticket.id, now=clock(9, 31))
    assert landed.status == "cancelled" and len(calls) == 3
    assert tickets() == [("A001", "cancelled", "print_failed")]
    assert cancel_unprinted(outcome.ticket.id, now=clock(9, 32)).status == "cancelled"   # a repeat is harmless


def test_cli_prints_the_json_and_one_line_when_the_cancel_is_refused(sqlite_site_db, make_simulator, use_policy,
                                                                     capsys, monkeypatch):
    use_policy("cancel")
    refuse_cancels(monkeypatch, times=1)
    code, out, err = run_cli(capsys, "--db", sqlite_site_db, "issue", "TP", "--printer",
                             make_simulator(hangup_after=2000).url)
    assert code == 3
    document = json.loads(out)
    assert document["code"] == "A001" and document["printed"] is False and document["cancel_pending"] is True
    assert len(err.strip().splitlines()) == 1 and "locked" in err and "Traceback" not in err


def test_cancel_policy_keeps_a_ticket_a_counter_called_while_the_print_failed(sqlite_site_db, simulator, use_policy,
                                                                               clock):
    """Found by bench/soak.py: a print that fails after seconds must not cancel the ticket under the officer
    who called it meanwhile (the counter was left holding a cancelled ticket); it is kept, shown on screen."""
    from db import queue
    from hardware.printing import open_printer
    from services.ticket_printing import cancel_unprinted

    use_policy("cancel")

    class CalledWhilePrinting:
        """A real TCP printer; while it "prints", counter 1 calls the ticket, then the job fails."""

        def __init__(self, inner):
            self.inner = inner

        def __getattr__(self, name):
            return getattr(self.inner, name)

        def print_ticket(self, image, *, name=None):
            queue.call_next(1, now=clock(9, 30))
            simulator.state.paper_out = True
            self.inner.print_ticket(image, name=name)

    outcome = issue_and_print("TP", CalledWhilePrinting(open_printer(simulator.url)), now=clock(9, 30))
    assert not outcome.printed and not outcome.cancelled and not outcome.cancel_pending
    assert outcome.ticket.status == "called" and outcome.error is not None
    assert tickets() == [("A001", "called", None)]
    assert cancel_unprinted(outcome.ticket.id, now=clock(9, 31)).status == "called"   # a retry keeps it too
    assert queue.current_ticket(1).code == "A001"
