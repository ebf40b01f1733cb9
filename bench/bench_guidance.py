"""Measure the kiosk's Listen button: ``python -m bench.bench_guidance [--runs N]``.

Tap (a real click on the real window) -> the display's real Qt player in PlayingState, on the
home screen of the built-in site, in Vietnamese with espeak-ng:

* **cold**: the screen is rendered for the tap (the first citizen after a change);
* **warm**: the same screen again (the WAV is kept by ``kiosk_app.speaker``);
* **baseline**, same run: rendering one hall announcement (chime + phrase x 2,
  ``Announcement.render``), the speech work the display does for every call.

Each playback is stopped as soon as it starts.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path


def _stats(samples_s: list[float]) -> str:
    ms = sorted(s * 1000 for s in samples_s)
    p95 = ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]
    return f"p50 {statistics.median(ms):7.1f} ms   p95 {p95:7.1f} ms   (n={len(ms)})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_guidance", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtWidgets import QApplication

    from hardware.printing.simulator import PrinterSimulator
    from hardware.speech import wavutil
    from hardware.speech.announcer import Announcement
    from hardware.speech.qt_player import default_player
    from kiosk_app.spoken import screen_guidance
    from tools.kiosk_harness import KioskHarness
    from tools.screenshots.kiosk import MORNING, fresh_db
    from ui_common.app import make_app

    make_app("onestop-bench-guidance")
    work = Path(tempfile.mkdtemp(prefix="bench-guidance-"))
    player = default_player()
    started: list[float] = []
    player.started.connect(lambda: started.append(time.perf_counter()))

    def tap_to_sound(kiosk: KioskHarness, cold: bool) -> float:
        if cold:
            kiosk.speaker._cache.clear()
        count = len(started)
        begin = time.perf_counter()
        kiosk.click(kiosk.window.access.listen)
        deadline = begin + 30
        while len(started) == count:
            QApplication.processEvents()
            if time.perf_counter() > deadline:
                raise TimeoutError("playback never started")
            time.sleep(0.001)
        elapsed = started[-1] - begin
        kiosk.click(kiosk.window.access.listen)          # the second tap stops it
        kiosk.wait_for(lambda s: not s.speaking)
        return elapsed

    with PrinterSimulator(out_dir=work / "sim") as sim:
        fresh_db(work, "bench")
        with KioskHarness(sim.url, epoch=MORNING, player=player).start() as kiosk:
            tap_to_sound(kiosk, cold=True)                    # warm-up: espeak-ng loaded, player created
            cold = [tap_to_sound(kiosk, cold=True) for _ in range(args.runs)]
            warm = [tap_to_sound(kiosk, cold=False) for _ in range(args.runs)]
            texts = len(screen_guidance(kiosk.state).texts)
            seconds = max(wavutil.wav_info(path)[3] for path, _mode in kiosk.speaker._cache.values())
    announcement = Announcement("A015", 3)
    baseline = []
    for i in range(args.runs):
        begin = time.perf_counter()
        announcement.render(work / f"call-{i}.wav")
        baseline.append(time.perf_counter() - begin)
    print(f"kiosk Listen, home screen (vi, espeak-ng, {texts} texts, {seconds:.1f} s of speech):")
    print(f"  tap -> playing, cold render : {_stats(cold)}")
    print(f"  tap -> playing, warm (kept) : {_stats(warm)}")
    print(f"  baseline: one call announcement render : {_stats(baseline)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
