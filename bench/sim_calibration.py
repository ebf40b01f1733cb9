"""Would calibrating today's estimates by today's own errors help?  Replayed on the simulated days.

    .venv/bin/python bench/sim_calibration.py [--days 2] [--seeds 1,2,3,4,5] [--scenarios commune,busy]

The idea (issue 18): for the tickets already called today, compare the estimate each got at
issue with its actual wait, and scale the next estimates by a shrunk robust ratio:
``exp(clamp(median(log(actual / estimate)) x n / (n + PRIOR)))`` over the last ``N`` called
tickets whose estimate was at least ``MIN`` seconds.  A calibration only rescales the kiosk's
estimate, so it can be replayed exactly on the simulation's records (``bench/sim_wait_estimate.py``:
the same days, the same estimates at issue, the actual first call of each ticket) without storing
anything: each ticket is scaled by the tickets called before it was issued, on its own day.
Prints the median absolute error over waits of at least 5 minutes without and with each variant.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.sim_wait_estimate import SCENARIOS, run

#: (last N called tickets, prior weight in tickets, least estimate counted (s), clamp of the log ratio)
VARIANTS = ((20, 10, 300, 0.4), (40, 20, 300, 0.4), (40, 20, 180, 0.4), (40, 40, 300, 0.3))


def calibrated(records: list[dict], last: int, prior: float, least: float, clamp: float) -> list[tuple[float, float]]:
    """(actual, calibrated estimate) of every estimated ticket: scaled by the errors of those called before it."""
    out = []
    for day in {r["day"] for r in records}:
        tickets = sorted((r for r in records if r["day"] == day), key=lambda r: r["at"])
        called = sorted(tickets, key=lambda r: r["at"] + r["actual"])
        for ticket in tickets:
            estimate = ticket["est"]["new"][0]
            if estimate is None:
                continue
            before = [r for r in called if r["at"] + r["actual"] < ticket["at"]
                      and (r["est"]["new"][0] or 0) >= least][-last:]
            logs = [math.log(max(r["actual"], 30.0) / r["est"]["new"][0]) for r in before]
            shift = statistics.median(logs) * len(logs) / (len(logs) + prior) if logs else 0.0
            out.append((ticket["actual"], estimate * math.exp(min(max(shift, -clamp), clamp))))
    return out


def median_error(pairs: list[tuple[float, float]]) -> float:
    """Median absolute percentage error over waits of at least 5 minutes, as in sim_wait_estimate."""
    return round(100 * statistics.median(abs(e - a) / a for a, e in pairs if a >= 300), 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=2)
    parser.add_argument("--seeds", default="1,2,3,4,5")
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    args = parser.parse_args(argv)
    names = [f"N {n}, prior {p}, >= {m // 60} min, clamp {c}" for n, p, m, c in VARIANTS]
    print("| scenario | seed | new (the kiosk's) | " + " | ".join(f"calibrated: {n}" for n in names) + " |")
    print("|---|---|---|" + "---|" * len(VARIANTS))
    with tempfile.TemporaryDirectory() as work:
        for name in args.scenarios.split(","):
            for seed in (int(s) for s in args.seeds.split(",")):
                records, _ = run(name, args.days, seed, Path(work))
                plain = median_error([(r["actual"], r["est"]["new"][0]) for r in records
                                      if r["est"]["new"][0] is not None])
                variants = [median_error(calibrated(records, *v)) for v in VARIANTS]
                print(f"| {name} | {seed} | {plain} % | " + " | ".join(f"{v} %" for v in variants) + " |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
