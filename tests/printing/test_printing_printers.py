"""Printer URLs (docs/interfaces.md §5) and the non-network drivers with real files and a pty."""

from __future__ import annotations

import os
import shutil
import threading

import pytest
from PIL import Image, ImageChops

from hardware.printing import PrinterError, PrinterUrlError, open_printer
from hardware.printing.drivers.cups import CupsPrinter
from hardware.printing.drivers.dummy import DummyPrinter
from hardware.printing.drivers.file import FilePrinter
from hardware.printing.drivers.preview import PreviewPrinter
from hardware.printing.drivers.serial import SerialPrinter
from hardware.printing.drivers.tcp import TcpPrinter
from hardware.printing.drivers.usb import UsbPrinter
from hardware.printing.escpos_decode import StreamParser, decode
from hardware.printing.simulator import SimulatedState
from services.ticket_printing import render_ticket


@pytest.mark.parametrize("url, cls, attrs", [
    ("tcp://192.168.1.50", TcpPrinter, {"host": "192.168.1.50", "port": 9100, "width_mm": 80}),
    ("tcp://printer.local:9101?width=58", TcpPrinter, {"host": "printer.local", "port": 9101, "width_mm": 58}),
    ("usb://0416:5011", UsbPrinter, {"vendor_id": 0x0416, "product_id": 0x5011}),
    ("usb://04b8:0e15?width=80", UsbPrinter, {"vendor_id": 0x04B8, "product_id": 0x0E15}),
    ("serial:///dev/ttyUSB0?baudrate=19200", SerialPrinter, {"device": "/dev/ttyUSB0"}),
    ("serial://COM3", SerialPrinter, {"device": "COM3"}),
    ("file:///dev/usb/lp0", FilePrinter, {"path": "/dev/usb/lp0"}),
    ("cups://XP-80C", CupsPrinter, {"queue": "XP-80C"}),
    ("preview:///var/tmp/tickets", PreviewPrinter, {"width_mm": 80}),
    ("dummy://", DummyPrinter, {"width_mm": 80}),
    ("DUMMY://?width=58", DummyPrinter, {"width_mm": 58}),
])
def test_url_selects_driver(url, cls, attrs):
    printer = open_printer(url)
    assert type(printer) is cls
    for name, value in attrs.items():
        assert getattr(printer, name) == value


def test_preview_directory_forms():
    assert str(open_printer("preview:///tmp/x").directory) == "/tmp/x"
    assert str(open_printer("preview://out/tickets").directory) == "out/tickets"


@pytest.mark.parametrize("url", ["", "lpt://1", "tcp://", "tcp://host:99999", "usb://0416", "usb://xyz:1",
                                 "tcp://h?width=76", "serial://", "cups://", "preview://",
                                 "serial:///dev/ttyS0?baudrate=fast", "tcp://h?timeout=0", "dummy://?fail=smoke"])
def test_bad_urls_are_refused_as_bad_input(url):
    with pytest.raises(PrinterUrlError) as info:
        open_printer(url)
    assert info.value.exit_code == 2


def test_status_support_by_scheme():
    assert open_printer("tcp://h").status_enabled
    assert open_printer("serial:///dev/ttyS0").status_enabled
    assert not open_printer("tcp://h?status=off").status_enabled
    for url in ("file:///dev/usb/lp0", "usb://1:2", "cups://q", "preview:///tmp/p"):
        assert not open_printer(url).status_enabled


def test_file_printer_writes_the_job(tmp_path, ticket, site):
    target = tmp_path / "lp0"
    printer = open_printer(f"file://{target}")
    image = render_ticket(ticket, site, counters=(1,))
    printer.print_ticket(image)
    assert target.read_bytes() == printer.last_job
    page = decode(target.read_bytes()).page(576)
    assert ImageChops.difference(page.convert("L"), image.convert("L")).getbbox() is None


def test_missing_device_file_is_not_found(tmp_path, ticket, site):
    printer = open_printer(f"file://{tmp_path}/no/such/dir/lp0")
    with pytest.raises(PrinterError) as info:
        printer.print_ticket(render_ticket(ticket, site, counters=(1,)))
    assert info.value.fault == "not_found"


def test_preview_writes_png_and_latest(tmp_path, ticket, site):
    printer = open_printer(f"preview://{tmp_path}/pv")
    assert printer.check_ready().ready
    image = render_ticket(ticket, site, counters=(1,))
    printer.print_ticket(image, name="20250102-A001-4711")
    printer.print_ticket(image)
    files = sorted(p.name for p in (tmp_path / "pv").iterdir())
    assert "20250102-A001-4711.png" in files and "latest.png" in files and len(files) == 3
    saved = Image.open(tmp_path / "pv" / "latest.png")
    assert ImageChops.difference(saved.convert("L"), image.convert("L")).getbbox() is None


def test_preview_into_unwritable_place_is_not_found(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert open_printer(f"preview://{blocker}/sub").check_ready().error.fault == "not_found"


def test_dummy_keeps_jobs_and_can_simulate_faults(ticket, site):
    printer = open_printer("dummy://")
    image = render_ticket(ticket, site, counters=(1,))
    printer.print_ticket(image)
    assert printer.jobs == [printer.last_job] and printer.check_ready().ready
    faulty = open_printer("dummy://?fail=paper_out")
    assert faulty.check_ready().error.fault == "paper_out"
    with pytest.raises(PrinterError) as info:
        faulty.print_ticket(image)
    assert info.value.fault == "paper_out" and faulty.jobs == []


def test_usb_without_pyusb_is_not_found_not_a_crash(ticket, site):
    from escpos.printer import Usb

    if Usb.is_usable():
        pytest.skip("pyusb installed; this checks the missing-dependency path")
    with pytest.raises(PrinterError) as info:
        open_printer("usb://0416:5011").print_ticket(render_ticket(ticket, site, counters=(1,)))
    assert info.value.fault == "not_found" and "pyusb" in info.value.detail


def test_cups_without_spooler_is_not_found(ticket, site):
    from escpos.printer import CupsPrinter as EscposCups

    if EscposCups.is_usable() or shutil.which("lp"):
        pytest.skip("a CUPS client is installed here")
    with pytest.raises(PrinterError) as info:
        open_printer("cups://XP-80").print_ticket(render_ticket(ticket, site, counters=(1,)))
    assert info.value.fault == "not_found"


class PtyPrinter:
    """The far end of a pty behaving like a serial printer: parses, answers DLE EOT."""

    def __init__(self, state: SimulatedState) -> None:
        import tty

        self.master, slave = os.openpty()
        tty.setraw(slave)
        self.device = os.ttyname(slave)
        self.slave = slave
        self.state = state
        self.received = bytearray()
        self.status_seen: list[int] = []
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self) -> None:
        parser = StreamParser()
        while True:
            try:
                data = os.read(self.master, 4096)
            except OSError:
                return
            if not data:
                return
            for command in parser.feed(data):
                if command.kind == "status":
                    self.status_seen.append(command.status_n)
                    os.write(self.master, bytes((self.state.status_byte(command.status_n),)))
                else:
                    self.received += command.raw

    def close(self) -> None:
        os.close(self.slave)
        os.close(self.master)


@pytest.fixture
def pty_printer():
    printer = PtyPrinter(SimulatedState())
    yield printer
    printer.close()


def test_serial_printer_prints_and_reads_status_on_a_pty(pty_printer, ticket, site):
    printer = open_printer(f"serial://{pty_printer.device}?baudrate=115200&dsrdtr=0")
    assert printer.check_ready().ready
    image = render_ticket(ticket, site, counters=(1,))
    printer.print_ticket(image)
    deadline = threading.Event()
    for _ in range(100):
        if len(pty_printer.received) >= len(printer.last_job):
            break
        deadline.wait(0.02)
    assert bytes(pty_printer.received) == printer.last_job
    assert 4 in pty_printer.status_seen and 1 in pty_printer.status_seen


def test_serial_paper_out_is_reported(pty_printer):
    pty_printer.state.paper_out = True
    status = open_printer(f"serial://{pty_printer.device}?dsrdtr=0").check_ready()
    assert status.error.fault == "paper_out"


def test_serial_printer_that_does_not_answer_times_out_quickly():
    import tty

    master, slave = os.openpty()
    tty.setraw(slave)
    try:
        printer = open_printer(f"serial://{os.ttyname(slave)}?dsrdtr=0&status_timeout=0.5")
        status = printer.check_ready()
        assert status.error.fault == "timeout"
    finally:
        os.close(slave)
        os.close(master)


def test_missing_serial_port_is_not_found():
    assert open_printer("serial:///dev/ttyDOESNOTEXIST9").check_ready().error.fault == "not_found"
