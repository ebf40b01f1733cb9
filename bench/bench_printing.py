"""Ticket printing benchmark: render + encode, issue-and-print end to end, job size.

    .venv/bin/python bench/bench_printing.py [--runs 300]

Targets (issue 3): render + encode one ticket p50 < 20 ms; issue-and-print to
the simulated network printer end to end p50 < 60 ms; an 80 mm job < 40 KB.
End to end = ready check (DLE EOT over its own connection) + issue in the
database (SQLite, built-in site) + render + encode + TCP job + status
confirmation, exactly the path of ``onestop issue --printer tcp://...``.
Figures are printed as a Markdown table (copied into docs/printing.md).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from db.values import SiteInfo, TicketInfo
from hardware.printing import open_printer
from hardware.printing.encode import encode_ticket
from hardware.printing.simulator import PrinterSimulator
from services.ticket_printing import issue_and_print, render_ticket


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.1f} / {pct(values, 99) * 1000:.1f}"


SITE = SiteInfo(name="UBND xã Quang Kim - Bộ phận Một cửa", name_en="Quang Kim Commune - One-Stop Department",
                timezone="Asia/Ho_Chi_Minh", opening_hours=("00:00-24:00",), days=(), rating_levels=())
TICKET = TicketInfo(id=4711, code="A001", number=1, service="TP", service_name="Chứng thực, hộ tịch",
                    service_name_en="Certification, civil status", issued_service="TP", status="waiting",
                    priority=False, service_day=date(2026, 11, 25),
                    issued_at=datetime(2026, 11, 25, 2, 5, tzinfo=UTC), ahead=12, estimated_wait_s=1500)


def bench_render(runs: int, width_mm: int) -> tuple[list[float], list[float]]:
    render_encode, encode_only = [], []
    for i in range(runs):
        ticket = replace(TICKET, id=4711 + i, number=1 + i % 999, code=f"A{1 + i % 999:03d}", ahead=i % 40)
        t0 = time.perf_counter()
        image = render_ticket(ticket, SITE, counters=(1, 2), width_mm=width_mm)
        t1 = time.perf_counter()
        encode_ticket(image, width_mm)
        t2 = time.perf_counter()
        render_encode.append(t2 - t0)
        encode_only.append(t2 - t1)
    return render_encode, encode_only


def job_sizes() -> list[tuple[str, int, int]]:
    rows = []
    for width_mm in (80, 58):
        for label, ticket in (("normal", TICKET), ("priority", replace(TICKET, priority=True)),
                              ("no wait estimate", replace(TICKET, estimated_wait_s=None))):
            image = render_ticket(ticket, SITE, counters=(1, 2), width_mm=width_mm)
            full = image.width // 8 * image.height
            rows.append((f"{width_mm} mm, {label}", len(encode_ticket(image, width_mm)), full))
    return rows


def bench_end_to_end(runs: int) -> tuple[list[float], list[float], list[float]]:
    from db.connection import close, connect
    from db.site import import_site
    from db.site_config import load_site_file

    with tempfile.TemporaryDirectory() as tmp:
        close()
        connect(f"sqlite:///{Path(tmp, 'bench.db').as_posix()}")
        import_site(load_site_file(None))
        with PrinterSimulator(out_dir=None) as sim:
            printer = open_printer(sim.url)
            issue_and_print("TP", printer)          # warm-up: fonts, escpos profile, db
            total, check, job = [], [], []
            services = ["TP", "KS", "DD", "XD"]
            for i in range(runs):
                t0 = time.perf_counter()
                outcome = issue_and_print(services[i % len(services)], printer)
                total.append(time.perf_counter() - t0)
                assert outcome.printed, outcome.error
            for _ in range(min(runs, 100)):
                t0 = time.perf_counter()
                printer.check_ready()
                check.append(time.perf_counter() - t0)
            image = render_ticket(TICKET, SITE, counters=(1, 2))
            for _ in range(min(runs, 100)):
                t0 = time.perf_counter()
                printer.print_ticket(image)
                job.append(time.perf_counter() - t0)
            sim.wait_for_jobs(runs + 1 + min(runs, 100))
        close()
    return total, check, job


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()

    render_encode_once = bench_render(3, 80)  # warm caches (fonts) before measuring
    del render_encode_once
    print("| measure | p50 / p99 (ms) | target |")
    print("| --- | --- | --- |")
    for width_mm in (80, 58):
        both, enc = bench_render(args.runs, width_mm)
        print(f"| render + encode, {width_mm} mm | {ms(both)} | p50 < 20 |")
        print(f"| of which encode (escpos raster), {width_mm} mm | {ms(enc)} | |")
    total, check, job = bench_end_to_end(args.runs)
    print(f"| issue-and-print to simulator, end to end | {ms(total)} | p50 < 60 |")
    print(f"| of which ready check (DLE EOT, own connection) | {ms(check)} | |")
    print(f"| of which print job (encode + TCP + status confirm) | {ms(job)} | |")
    print()
    print("| job | bytes | full-width raster would be | target |")
    print("| --- | --- | --- | --- |")
    for label, size, full in job_sizes():
        print(f"| {label} | {size:,} | {full:,} | {'< 40,000' if label.startswith('80') else ''} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
