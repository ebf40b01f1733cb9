"""``onestop printer-sim`` (fake network printer) and ``onestop printer-status``.

``onestop issue --printer URL`` itself lives in ``cli/queue_commands.py`` and
calls ``services.ticket_printing.issue_and_print``.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from cli.output import print_json
from errors import Kind, OnestopError
from services import arguments


def _listen_address(text: str) -> tuple[str, int]:
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit() or int(port) > 65535:
        raise argparse.ArgumentTypeError(f"expected HOST:PORT, got {text!r}")
    host = host.strip("[]") or "0.0.0.0"
    return host, int(port)


def cmd_printer_sim(args: argparse.Namespace) -> int:
    from hardware.printing.simulator import PrinterSimulator, SimJob, SimulatedState

    host, port = args.listen
    state = SimulatedState(paper_out=args.paper_out, offline=args.offline, cover_open=args.cover_open,
                           slow_s=args.slow, hangup_after=args.hangup_after, hang=args.hang)

    def report(job: SimJob) -> None:
        what = "printed" if job.printed else ("partial" if job.partial else "NOT printed")
        size = f"{job.image.width}x{job.image.height}" if job.image is not None else "no image"
        print(f"job {job.index}: {len(job.data)} bytes, {size}, {what} -> {job.bin_path}", flush=True)

    simulator = PrinterSimulator(host, port, args.out, state=state, on_job=report)
    try:
        simulator.start()
    except OSError as exc:
        raise OnestopError(f"không nghe được trên {host}:{port} / cannot listen on {host}:{port}: {exc}",
                           kind=Kind.DEVICE) from exc
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    faults = [name for name, on in (("paper-out", args.paper_out), ("offline", args.offline),
                                    ("cover-open", args.cover_open), ("hang", args.hang)) if on]
    print(f"printer-sim: listening on {simulator.url}, saving jobs to {args.out}"
          + (f" (simulating: {', '.join(faults)})" if faults else ""), file=sys.stderr, flush=True)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        simulator.stop()
    print(f"printer-sim: stopped after {len(simulator.jobs)} job(s)", file=sys.stderr)
    return 0


def cmd_printer_status(args: argparse.Namespace) -> int:
    from hardware.printing import open_printer

    status = open_printer(args.printer).check_ready()
    print_json({"printer": args.printer, **status.to_json()})
    if status.error is not None:
        raise status.error   # after the JSON: cli.main prints its one line and its kind's exit code
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("printer-sim", help="fake ESC/POS network printer (saves jobs as .bin and .png)")
    p.add_argument("--listen", type=_listen_address, default=("127.0.0.1", 9100), metavar="HOST:PORT",
                   help="address to listen on (default 127.0.0.1:9100; port 0 picks a free one)")
    p.add_argument("--out", type=arguments.path("job folder"), required=True, metavar="DIR", help="directory for job-NNNN.bin / .png")
    p.add_argument("--paper-out", action="store_true", help="report paper end; jobs are not printed")
    p.add_argument("--offline", action="store_true", help="report offline; jobs are not printed")
    p.add_argument("--cover-open", action="store_true", help="report the cover open; jobs are not printed")
    p.add_argument("--slow", type=arguments.seconds(0, 3600, "--slow"), default=0.0, metavar="SECONDS", help="pause this long while printing a job")
    p.add_argument("--hangup-after", type=arguments.integer(0, 2**31 - 1, "--hangup-after"), default=None, metavar="BYTES",
                   help="reset each connection after receiving this many bytes")
    p.add_argument("--hang", action="store_true", help="accept connections, then never read or answer")
    p.set_defaults(func=cmd_printer_sim)

    p = subparsers.add_parser("printer-status", help="ask a printer whether it can print now (json)")
    p.add_argument("--printer", type=arguments.word, required=True, metavar="URL", help="printer URL (docs/interfaces.md §5)")
    p.set_defaults(func=cmd_printer_status)
