"""Measure the speech path: ``python -m bench.bench_speech [--runs N]``.

Figures for docs/voice.md and the issue's target (call -> audio playback
start under 700 ms):

* synthesis of one phrase with espeak-ng (``Synthesizer.synthesize``);
* rendering a whole announcement (chime + phrase x 2) in tts and clip mode;
* call -> playback start through :class:`AnnouncementQueue` with the REAL
  Qt player: ``enqueue()`` to ``announcement_started`` (QMediaPlayer in
  PlayingState).  Each playback is stopped as soon as it starts so that the
  run takes seconds, not minutes.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _stats(samples_s: list[float]) -> str:
    ms = sorted(s * 1000 for s in samples_s)
    p95 = ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]
    return f"p50 {statistics.median(ms):6.1f} ms   p95 {p95:6.1f} ms   max {ms[-1]:6.1f} ms   (n={len(ms)})"


def _timed(fn, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def bench_render(runs: int) -> dict[str, list[float]]:
    from hardware.speech.announcer import Announcement
    from hardware.speech.phrases import build_phrase
    from hardware.speech.synth import Synthesizer

    text = build_phrase("A015", 3).text
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "x.wav"
        synth = Synthesizer()
        synth.synthesize(text, out)  # warm-up: loads espeak-ng and the voice
        results["synthesize one phrase (espeak-ng)"] = _timed(lambda: synth.synthesize(text, out), runs)
        results["render announcement, tts, repeat 2"] = _timed(lambda: Announcement("A015", 3).render(out), runs)
        Announcement("A015", 3, mode="clips").render(out)
        results["render announcement, clips, repeat 2"] = _timed(
            lambda: Announcement("A015", 3, mode="clips").render(out), runs)
    return results


def bench_queue(runs: int, mode: str = "tts") -> list[float]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("QT_LOGGING_RULES", "qt.multimedia*=false;default.warning=false")
    from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer

    from hardware.speech.announcer import AnnouncementSettings
    from hardware.speech.qt_player import AnnouncementQueue

    app = QCoreApplication.instance() or QCoreApplication([])
    queue = AnnouncementQueue(AnnouncementSettings(mode=mode))
    loop = QEventLoop()
    queue.announcement_started.connect(lambda *_: QTimer.singleShot(0, queue._player.stop))
    queue.announcement_finished.connect(lambda *_: loop.quit())
    try:
        for i in range(runs + 1):
            queue.enqueue(f"A{i:03d}", 1 + i % 9)
            QTimer.singleShot(10_000, loop.quit)
            loop.exec()
        latencies = list(queue.latencies)
        print(f"  [{mode}] first call (QtMultimedia backend loading): {latencies[0] * 1000:.1f} ms;"
              f" status: {queue.status or 'ok'}")
        latencies = latencies[1:]
    finally:
        queue.close()
    del app
    return latencies


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_speech")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--load", type=int, default=0, help="busy-loop processes to run meanwhile (CPU contention)")
    args = parser.parse_args(argv)
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(args.load)]
    try:
        return _run(args)
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()


def _run(args: argparse.Namespace) -> int:
    print(f"speech path timings ({args.load} busy processes alongside)")
    for name, times in bench_render(args.runs).items():
        print(f"  {name:40s} {_stats(times)}")
    for mode in ("tts", "clips"):
        latencies = bench_queue(args.runs, mode)
        print(f"  {'call -> playback start, ' + mode:40s} {_stats(latencies)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
