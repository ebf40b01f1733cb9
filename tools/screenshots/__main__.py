"""``python -m tools.screenshots [OUT_DIR] [--only PART ...]``: every documentation screenshot.

Each part runs in a process of its own (each builds its own throwaway database
and Qt application), so one part cannot leak state into the next.  OUT_DIR
defaults to the repository's ``docs/screenshots``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]          # the checkout this tool belongs to
PARTS = ("kiosk", "counter", "admin", "province", "display", "tickets", "web", "demo", "languages")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.screenshots", description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", nargs="?", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--only", nargs="+", choices=PARTS, default=list(PARTS), metavar="PART",
                        help=f"only these parts ({', '.join(PARTS)})")
    args = parser.parse_args(argv)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    failed = []
    for part in args.only:
        print(f"== {part}", flush=True)
        done = subprocess.run([sys.executable, "-m", f"tools.screenshots.{part}", str(args.out_dir)], cwd=ROOT)
        if done.returncode != 0:
            failed.append(part)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
