"""Drivers against the simulated printer over real TCP on 127.0.0.1: bytes, images, every fault."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pg_server import free_port
from PIL import Image, ImageChops

from hardware.printing import PrinterError, open_printer
from hardware.printing.escpos_decode import decode
from hardware.printing.status import status_request
from services.ticket_printing import render_ticket

ROOT = Path(__file__).resolve().parents[2]


def same_pixels(a: Image.Image, b: Image.Image) -> bool:
    return a.size == b.size and ImageChops.difference(a.convert("L"), b.convert("L")).getbbox() is None


@pytest.mark.parametrize("width_mm", [80, 58])
def test_simulator_receives_exactly_the_driver_bytes_and_decodes_the_ticket(simulator, ticket, site, width_mm):
    printer = open_printer(f"{simulator.url}?width={width_mm}")
    image = render_ticket(ticket, site, counters=(1, 2), width_mm=width_mm)
    printer.print_ticket(image)
    [job] = simulator.wait_for_jobs(1)
    assert job.data == printer.last_job
    assert job.printed and job.cut and not job.partial
    assert same_pixels(job.image, image)
    # what was saved on disk is the same again
    assert job.bin_path.read_bytes() == printer.last_job
    assert same_pixels(Image.open(job.png_path), image)


def test_each_job_uses_a_fresh_connection(simulator, ticket, site):
    printer = open_printer(simulator.url)
    image = render_ticket(ticket, site, counters=(1,))
    for _ in range(3):
        printer.print_ticket(image)
    jobs = simulator.wait_for_jobs(3)
    assert [j.index for j in jobs] == [1, 2, 3]
    assert all(j.printed for j in jobs)
    simulator.wait_idle()
    assert simulator.connections == 3


def test_ready_check_asks_dle_eot_and_is_cheap(simulator):
    printer = open_printer(simulator.url)
    started = time.monotonic()
    status = printer.check_ready()
    assert time.monotonic() - started < 0.5
    assert status.ready and status.checked and status.online and status.paper == "ok"
    assert {n for n, _ in simulator.status_log} == {1, 4}      # paper and online; the cause only when offline
    assert simulator.jobs == []                                 # a status check is not a print job


def test_paper_near_end_is_still_ready(make_simulator):
    status = open_printer(make_simulator(paper_near_end=True).url).check_ready()
    assert status.ready and status.paper == "near_end"


@pytest.mark.parametrize("state, kind", [
    ({"paper_out": True}, "paper_out"),
    ({"offline": True}, "offline"),
    ({"cover_open": True}, "cover_open"),
])
def test_fault_states_are_reported_by_check_and_by_print(make_simulator, ticket, site, state, kind):
    sim = make_simulator(**state)
    printer = open_printer(sim.url)
    status = printer.check_ready()
    assert not status.ready and status.error.fault == kind
    with pytest.raises(PrinterError) as info:
        printer.print_ticket(render_ticket(ticket, site, counters=(1,)))
    assert info.value.fault == kind
    assert info.value.exit_code == 3
    assert info.value.message_vi and info.value.message_en
    [job] = sim.wait_for_jobs(1)
    assert not job.printed and job.bin_path.name.endswith("-unprinted.bin")


def test_paper_running_out_between_check_and_print_is_caught(simulator, ticket, site):
    printer = open_printer(simulator.url)
    assert printer.check_ready().ready
    simulator.state.paper_out = True
    with pytest.raises(PrinterError) as info:
        printer.print_ticket(render_ticket(ticket, site, counters=(1,)))
    assert info.value.fault == "paper_out"


def test_hang_up_mid_job_is_disconnected(make_simulator, ticket, site):
    sim = make_simulator(hangup_after=4000)
    printer = open_printer(sim.url)
    image = render_ticket(ticket, site, counters=(1,))
    started = time.monotonic()
    with pytest.raises(PrinterError) as info:
        printer.print_ticket(image)
    assert info.value.fault == "disconnected"
    assert time.monotonic() - started < 3.5
    [job] = sim.wait_for_jobs(1)
    assert job.partial and not job.printed and len(job.data) == 4000
    assert job.data == printer.last_job[:4000]


def test_printer_that_hangs_gives_up_within_the_timeout(make_simulator, ticket, site):
    printer = open_printer(make_simulator(hang=True).url)
    started = time.monotonic()
    status = printer.check_ready()
    assert status.error.fault == "timeout"
    assert time.monotonic() - started < 1.6                     # the ready check is cheap even then
    started = time.monotonic()
    with pytest.raises(PrinterError) as info:
        printer.print_ticket(render_ticket(ticket, site, counters=(1,)))
    elapsed = time.monotonic() - started
    assert info.value.fault == "timeout"
    # the job fits in the socket buffers, so it is the confirmation that waits: 10 s (a slow
    # printer answers after printing), not escpos' default 60 s
    assert 9.5 < elapsed < 12.0


def test_slow_printer_within_the_budget_still_prints(make_simulator, ticket, site):
    sim = make_simulator(slow_s=0.5)
    open_printer(sim.url).print_ticket(render_ticket(ticket, site, counters=(1,)))
    assert sim.wait_for_jobs(1)[0].printed


def test_slow_printer_beyond_the_confirm_budget_is_a_timeout_of_a_delivered_job(make_simulator, ticket, site):
    sim = make_simulator(slow_s=2.0)
    with pytest.raises(PrinterError) as info:
        open_printer(f"{sim.url}?timeout=1&confirm_timeout=1").print_ticket(render_ticket(ticket, site, counters=(1,)))
    assert info.value.fault == "timeout" and info.value.delivered      # the whole job was written
    assert sim.wait_for_jobs(1)[0].printed                             # and the slow printer did print it


def test_slow_printer_is_waited_for_beyond_the_step_budget(make_simulator, ticket, site):
    sim = make_simulator(slow_s=2.0)
    open_printer(f"{sim.url}?timeout=1").print_ticket(render_ticket(ticket, site, counters=(1,)))
    assert sim.wait_for_jobs(1)[0].printed


def test_hangup_mid_job_is_not_a_delivered_job(make_simulator, ticket, site):
    sim = make_simulator(hangup_after=3000)
    with pytest.raises(PrinterError) as info:
        open_printer(sim.url).print_ticket(render_ticket(ticket, site, counters=(1,)))
    assert info.value.fault == "disconnected"


def test_nothing_listening_is_not_found(ticket, site):
    printer = open_printer(f"tcp://127.0.0.1:{free_port()}")
    assert printer.check_ready().error.fault == "not_found"
    with pytest.raises(PrinterError) as info:
        printer.print_ticket(render_ticket(ticket, site, counters=(1,)))
    assert info.value.fault == "not_found"
    # and the next job is attempted afresh (escpos Network objects are single-use after a failed open)
    with pytest.raises(PrinterError):
        printer.print_ticket(render_ticket(ticket, site, counters=(1,)))


def test_status_can_be_switched_off_for_printers_that_never_answer(make_simulator, ticket, site):
    sim = make_simulator(paper_out=True)
    printer = open_printer(f"{sim.url}?status=off")
    assert printer.check_ready().checked is False
    printer.print_ticket(render_ticket(ticket, site, counters=(1,)))   # nobody asks, nobody knows
    assert sim.status_log == []


def test_status_answers_follow_escpos_conventions(simulator):
    """python-escpos' own helpers read the simulator's answers correctly too."""
    from escpos.printer import Network

    from hardware.printing.encode import ticket_profile

    for paper_out, expected in ((False, 2), (True, 0)):
        simulator.state.paper_out = paper_out
        client = Network("127.0.0.1", simulator.port, timeout=2, profile=ticket_profile(80))
        client.open()
        try:
            assert client.paper_status() == expected
            assert client.is_online() is (not paper_out)
        finally:
            client.close()


def test_status_request_inside_a_job_is_answered_and_not_saved(simulator, ticket, site):
    from hardware.printing.encode import encode_ticket

    job = encode_ticket(render_ticket(ticket, site, counters=(1,)), 80)
    split = sum(len(c.raw) for c in decode(job).commands[:3])    # between two raster bands
    with socket.create_connection(("127.0.0.1", simulator.port), timeout=2) as sock:
        sock.sendall(job[:split] + status_request(4) + job[split:])
        assert sock.recv(1) == b"\x12"
    [saved] = simulator.wait_for_jobs(1)
    assert saved.data == job
    assert decode(saved.data).status_requests == []


def test_printer_sim_command_runs_until_sigterm(tmp_path, ticket, site):
    port = free_port()
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "cli.main", "printer-sim", "--listen", f"127.0.0.1:{port}",
                             "--out", str(out)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        printer = open_printer(f"tcp://127.0.0.1:{port}")
        deadline = time.monotonic() + 15
        while not printer.check_ready().ready:
            assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read() if proc.poll() else ""
            time.sleep(0.1)
        image = render_ticket(ticket, site, counters=(1,))
        printer.print_ticket(image)
        deadline = time.monotonic() + 5
        while not (out / "job-0001.png").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        proc.send_signal(signal.SIGTERM)
        stdout, stderr = proc.communicate(timeout=10)
    assert proc.returncode == 0, stderr
    assert (out / "job-0001.bin").read_bytes() == printer.last_job
    assert same_pixels(Image.open(out / "job-0001.png"), image)
    assert "job 1:" in stdout and "printed" in stdout


@pytest.mark.skipif(not hasattr(signal, "SIGINT") or os.name != "posix", reason="POSIX signals")
def test_printer_sim_command_stops_on_sigint(tmp_path):
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "cli.main", "printer-sim", "--listen", f"127.0.0.1:{port}",
                             "--out", str(tmp_path), "--paper-out"], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    printer = open_printer(f"tcp://127.0.0.1:{port}")
    deadline = time.monotonic() + 15
    while printer.check_ready().error.fault == "not_found" and time.monotonic() < deadline:
        time.sleep(0.1)
    assert printer.check_ready().error.fault == "paper_out"
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=10)
    assert proc.returncode == 0 and "stopped" in stderr


def test_concurrent_jobs_from_two_threads_arrive_whole(simulator, ticket, priority_ticket, site):
    """The kiosk's status timer and a print (or the demo and the kiosk) may overlap."""
    import threading

    printer = open_printer(simulator.url)
    errors: list[BaseException] = []
    images = [render_ticket(t, site, counters=(1,)) for t in (ticket, priority_ticket)]

    def work(image: Image.Image) -> None:
        try:
            for _ in range(3):
                assert printer.check_ready().ready
                printer.print_ticket(image)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(image,)) for image in images]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert errors == []
    jobs = simulator.wait_for_jobs(6)
    assert all(job.printed and job.cut for job in jobs)
    assert sum(same_pixels(job.image, images[0]) for job in jobs) == 3
    assert sum(same_pixels(job.image, images[1]) for job in jobs) == 3
