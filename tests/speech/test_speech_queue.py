"""The display's announcement queue: in order, never overlapping, recalls repeated, degraded but draining."""

from __future__ import annotations

import logging
import statistics
import sys
import threading
import time

import pytest
from PySide6.QtCore import QTimer

from hardware.speech import wavutil
from hardware.speech.announcer import TAIL_MS, AnnouncementSettings
from hardware.speech.chime import chime_samples
from hardware.speech.errors import PhraseError, SpeechUnavailable
from hardware.speech.qt_player import (
    AUDIO_MISSING,
    SPEECH_MISSING,
    SPEECH_STALLED,
    AnnouncementQueue,
    WavPlayer,
    render_announcement,
)

CHIME_ONLY_S = len(chime_samples()) / wavutil.RATE + TAIL_MS / 1000


class RecordingPlayer(WavPlayer):
    """Plays nothing, at ``speed`` x the real duration, and records what it was asked to play."""

    def __init__(self, speed: float = 0.02) -> None:
        super().__init__()
        self.speed = speed
        self.playing: str | None = None
        self.overlaps = 0
        self.durations: list[float] = []

    def play(self, path: str) -> None:
        if self.playing is not None:
            self.overlaps += 1
        self.playing = path
        seconds = wavutil.wav_info(path)[3]
        self.durations.append(seconds)
        QTimer.singleShot(0, lambda: self.started.emit())
        QTimer.singleShot(int(seconds * self.speed * 1000), self._end)

    def _end(self) -> None:
        self.playing = None
        self.finished.emit("")


@pytest.fixture
def make_queue(qtbot):
    queues: list[AnnouncementQueue] = []

    def make(**kwargs) -> tuple[AnnouncementQueue, list[tuple]]:
        kwargs.setdefault("settings", AnnouncementSettings(repeat=1))
        queue = AnnouncementQueue(**kwargs)
        events: list[tuple] = []
        queue.announcement_started.connect(lambda code, counter: events.append(("start", code, counter)))
        queue.announcement_finished.connect(lambda code, counter: events.append(("end", code, counter)))
        queue.announcement_dropped.connect(lambda code, counter: events.append(("dropped", code, counter)))
        queues.append(queue)
        return queue, events

    yield make
    for queue in queues:
        queue.close()


def ends(events) -> int:
    return sum(1 for e in events if e[0] in ("end", "dropped"))


def test_calls_are_announced_in_order_and_never_overlap(qtbot, make_queue):
    player = RecordingPlayer()
    queue, events = make_queue(player=player)
    calls = [("A001", 1), ("B002", 2), ("A003", 3), ("C004", 1), ("A005", 4)]
    for code, counter in calls[:3]:
        queue.enqueue(code, counter)
    qtbot.waitUntil(lambda: ends(events) >= 1, timeout=10_000)
    for code, counter in calls[3:]:  # more calls arrive while the queue is busy
        queue.enqueue(code, counter)
    qtbot.waitUntil(lambda: ends(events) == 5, timeout=10_000)
    expected = [(kind, code, counter) for code, counter in calls for kind in ("start", "end")]
    assert events == expected
    assert player.overlaps == 0
    assert queue.pending() == 0


def test_order_holds_when_a_later_call_renders_faster(qtbot, make_queue):
    def renderer(announcement, out):
        if announcement.code == "A001":
            time.sleep(0.3)
        return render_announcement(announcement, out)

    queue, events = make_queue(player=RecordingPlayer(), renderer=renderer)
    queue.enqueue("A001", 1)
    queue.enqueue("A002", 2)
    qtbot.waitUntil(lambda: ends(events) == 2, timeout=10_000)
    assert [e[1] for e in events if e[0] == "start"] == ["A001", "A002"]


def test_a_recall_is_announced_again(qtbot, make_queue):
    queue, events = make_queue(player=RecordingPlayer())
    queue.enqueue("A001", 1)
    qtbot.waitUntil(lambda: ends(events) == 1, timeout=10_000)
    queue.enqueue("A001", 1)   # recall after it was heard
    queue.enqueue("A001", 1)   # and pressed again before it played: still announced
    qtbot.waitUntil(lambda: ends(events) == 3, timeout=10_000)
    assert [e for e in events if e[0] == "start"] == [("start", "A001", 1)] * 3


def test_the_played_file_is_chime_plus_the_phrase_repeat_times(qtbot, make_queue):
    player = RecordingPlayer()
    queue, events = make_queue(player=player, settings=AnnouncementSettings(repeat=1))
    queue.enqueue("A001", 1)
    queue.enqueue("A001", 1, repeat=3)
    qtbot.waitUntil(lambda: ends(events) == 2, timeout=10_000)
    once, thrice = player.durations
    assert once > CHIME_ONLY_S + 1.5
    assert thrice > once + 2 * 1.5


def test_without_an_audio_device_the_real_player_still_drains_and_says_so_once(qtbot, make_queue, caplog):
    from PySide6.QtMultimedia import QMediaDevices

    if QMediaDevices.audioOutputs():
        pytest.skip("this machine has an audio device")
    caplog.set_level(logging.INFO, logger="hardware.speech.qt_player")
    queue, events = make_queue(settings=AnnouncementSettings(repeat=1, template="Số {code}", chime=False))
    assert AUDIO_MISSING in queue.status
    queue.enqueue("A001", 1)
    queue.enqueue("A002", 2)
    qtbot.waitUntil(lambda: ends(events) == 2, timeout=20_000)
    assert events == [("start", "A001", 1), ("end", "A001", 1), ("start", "A002", 2), ("end", "A002", 2)]
    assert AUDIO_MISSING in queue.status
    warnings = [r for r in caplog.records if "no audio device" in r.getMessage()]
    assert len(warnings) == 1
    assert queue.latencies[0] < 0.7


def test_without_a_speech_engine_the_chime_is_still_played(qtbot, make_queue, caplog):
    caplog.set_level(logging.INFO, logger="hardware.speech.qt_player")
    broken = {"on": True}

    def renderer(announcement, out):
        if broken["on"]:
            raise SpeechUnavailable("espeak-ng is not installed")
        return render_announcement(announcement, out)

    player = RecordingPlayer()
    queue, events = make_queue(player=player, renderer=renderer, probe=False)
    statuses: list[str] = []
    queue.status_changed.connect(statuses.append)
    for i in range(3):
        queue.enqueue(f"A00{i}", 1)
    qtbot.waitUntil(lambda: ends(events) == 3, timeout=10_000)
    assert [e[0] for e in events] == ["start", "end"] * 3
    assert player.durations == [pytest.approx(CHIME_ONLY_S, abs=0.01)] * 3
    assert SPEECH_MISSING in queue.status
    assert len([r for r in caplog.records if SPEECH_MISSING in r.getMessage()]) == 1

    broken["on"] = False   # espeak-ng installed meanwhile: speech comes back by itself
    queue.enqueue("A009", 1)
    qtbot.waitUntil(lambda: ends(events) == 4, timeout=10_000)
    assert player.durations[-1] > CHIME_ONLY_S + 1.5
    assert SPEECH_MISSING not in queue.status
    assert any("recovered" in r.getMessage() for r in caplog.records)
    assert [s for s in statuses if SPEECH_MISSING in s] == [statuses[0]]


def test_speech_that_hangs_falls_back_to_the_chime(qtbot, make_queue):
    release = threading.Event()

    def renderer(announcement, out):
        release.wait(10)
        return render_announcement(announcement, out)

    player = RecordingPlayer()
    queue, events = make_queue(player=player, renderer=renderer, render_timeout_s=0.3, probe=False)
    try:
        started = time.monotonic()
        queue.enqueue("A001", 1)
        qtbot.waitUntil(lambda: ends(events) == 1, timeout=5_000)
        assert time.monotonic() - started < 2.0
        assert player.durations == [pytest.approx(CHIME_ONLY_S, abs=0.01)]
        assert SPEECH_STALLED in queue.status
    finally:
        release.set()


def test_a_call_left_waiting_too_long_is_dropped_not_announced_late(qtbot, make_queue):
    queue, events = make_queue(player=RecordingPlayer(speed=0.1), max_delay_s=0.3)
    for code in ("A001", "A002", "A003"):
        queue.enqueue(code, 1)
    qtbot.waitUntil(lambda: ends(events) == 3, timeout=10_000)
    assert events == [("start", "A001", 1), ("end", "A001", 1), ("dropped", "A002", 1), ("dropped", "A003", 1)]
    queue.enqueue("A003", 1)  # the officer recalls: announced now
    qtbot.waitUntil(lambda: ends(events) == 4, timeout=10_000)
    assert events[-2:] == [("start", "A003", 1), ("end", "A003", 1)]


def test_call_to_playback_start_is_under_700_ms(qtbot, make_queue):
    queue, events = make_queue(player=RecordingPlayer(speed=0.01), settings=AnnouncementSettings(repeat=2))
    for i in range(5):
        queue.enqueue(f"B{i:03d}", 2)
        qtbot.waitUntil(lambda i=i: ends(events) == i + 1, timeout=10_000)
    assert max(queue.latencies) < 0.7
    assert statistics.median(queue.latencies) < 0.3


def test_bad_calls_are_refused_at_once(make_queue):
    queue, _events = make_queue(player=RecordingPlayer())
    with pytest.raises(PhraseError):
        queue.enqueue("A001", 0)
    with pytest.raises(PhraseError):
        queue.enqueue("???", 1)
    assert queue.pending() == 0


def test_close_forgets_waiting_calls_and_removes_its_files(qtbot, make_queue):
    player = RecordingPlayer(speed=0.3)
    queue, events = make_queue(player=player)
    queue.enqueue("A001", 1)
    queue.enqueue("A002", 2)
    qtbot.waitUntil(lambda: len(events) == 1, timeout=5_000)
    folder = queue._tmp
    with qtbot.waitSignal(player.finished, timeout=10_000):   # the end of A001: what would start A002
        queue.close()
        assert not folder.exists()
    assert ("start", "A002", 2) not in events


def test_signals_do_not_drain_the_refcount_of_true(qtbot, make_queue):
    """PySide6 6.12 on Python 3.11 loses a reference to True per emit(): the display would abort
    ("bool_dealloc") after a few hundred calls; ui_common.pyside_workarounds makes True immortal."""
    queue, events = make_queue(player=RecordingPlayer(speed=0.0), probe=False)
    for i in range(150):
        queue.enqueue(f"A{i:03d}", 1)
    qtbot.waitUntil(lambda: ends(events) == 150, timeout=30_000)
    if sys.version_info < (3, 12):  # the cushion is still there after ~900 leaking emits
        assert sys.getrefcount(True) > 2**39
