"""The one-PC demo's windows: ``demo-kiosk.png``, ``demo-display.png``, ``demo-counter-N.png``, ``demo-hardware.png``.

    python -m tools.screenshots.demo OUT_DIR

Runs the product's own ``onestop demo --simulate --screenshots OUT_DIR`` on a
throwaway SQLite database for a few seconds of simulated citizens; the demo
saves every window when it stops.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

SECONDS = 12


def render(out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="demo-shots-"))
    url = f"sqlite:///{(work / 'onestop.db').as_posix()}"
    onestop = [sys.executable, "-m", "cli.main", "--db", url]
    subprocess.run([*onestop, "init"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([*onestop, "demo", "--simulate", "--rate", "1-2", "--no-voice", "--seconds", str(SECONDS),
                    "--printer-dir", str(work / "tickets"), "--screenshots", str(out_dir)], check=True)
    return sorted(out_dir.glob("demo-*.png"))


if __name__ == "__main__":
    for path in render(Path(sys.argv[1])):
        print(path)
