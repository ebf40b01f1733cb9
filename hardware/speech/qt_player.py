"""The one Qt adapter of the speech path: queued, non-overlapping announcement playback.

Why Qt here and nowhere else in ``hardware/speech``: playing audio without
blocking needs an event loop, and the hall display already runs Qt's.  Every
other step (phrase, espeak-ng, chime, clips, joining) is plain Python in
:mod:`hardware.speech.announcer`, run on a worker thread from here so the UI
thread never waits for speech.

:class:`AnnouncementQueue` guarantees, for the display:

* calls are announced in the order they were enqueued, one at a time, never
  overlapping; the next one is rendered while the current one plays, so
  there is no gap;
* a recall enqueued again is announced again (nothing is de-duplicated);
* ``announcement_started`` / ``announcement_finished`` are emitted for every
  call, even with no loudspeaker or no speech engine, so the queue always
  drains and the board can follow it;
* degraded modes are logged ONCE when they appear (and once when they go
  away) and shown by ``status`` / ``status_changed``: no audio device ->
  playback still runs silently at real speed (QMediaPlayer does that,
  measured); no speech engine or missing clips -> chime only; speech that
  hangs -> chime only after ``render_timeout_s``;
* a call still waiting after ``max_delay_s`` (a long backlog) is dropped
  with ``announcement_dropped``: a number spoken minutes late misleads more
  than it helps, and the officer can recall.

The player is injectable (:class:`WavPlayer`), so tests check order and
no-overlap with a fake, and a machine without QtMultimedia (no libpulse0)
still runs with :class:`SilentPlayer`.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, QUrl, Signal

from hardware.speech import wavutil
from hardware.speech.announcer import Announcement, AnnouncementSettings
from hardware.speech.errors import ClipError
from hardware.speech.synth import DEFAULT_VOICES, Synthesizer

try:  # QtMultimedia fails to import without libpulse0 (measured): degrade, do not crash the display
    from PySide6.QtMultimedia import QAudioOutput, QMediaDevices, QMediaPlayer
    MULTIMEDIA_ERROR: str | None = None
except ImportError as exc:  # pragma: no cover - libpulse0 is installed here
    MULTIMEDIA_ERROR = str(exc)

log = logging.getLogger(__name__)


# PySide6 6.12 on CPython 3.11 drops a reference to True on every Python-side
# emit(); a hall display emits all day.  The program that runs the player applies
# the one shared fix at start-up (ui_common.app.make_app, display_app.app): hardware
# does not import the UI layer.


AUDIO_MISSING = "Không có loa / no audio device"
MULTIMEDIA_MISSING = "Không phát được âm thanh (thiếu QtMultimedia/libpulse0) / no audio playback (QtMultimedia unavailable)"
SPEECH_MISSING = "Không có giọng đọc, chỉ phát chuông / no speech engine, chime only"
CLIPS_MISSING = "Thiếu đoạn ghi âm, chỉ phát chuông / voice clips missing, chime only"
SPEECH_STALLED = "Giọng đọc không phản hồi, chỉ phát chuông / speech engine not responding, chime only"
PLAYBACK_FAILED = "Lỗi phát âm thanh / audio playback failed"

#: a player that has not finished this long after the end of the file is stopped.
WATCHDOG_SLACK_S = 3.0


class WavPlayer(QObject):
    """What :class:`AnnouncementQueue` needs from a player: one WAV at a time.

    ``play(path)`` must lead to exactly one ``finished`` (with "" or a problem
    text), and normally one ``started`` before it.  ``device_problem()`` is
    ``None`` when sound can be heard.
    """

    started = Signal()
    finished = Signal(str)
    device_changed = Signal()

    def play(self, path: str) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        """Abandon the current file (emits ``finished`` if one was playing)."""

    def device_problem(self) -> str | None:
        return None


class QtWavPlayer(WavPlayer):
    """QMediaPlayer + QAudioOutput, with a watchdog so a stuck backend cannot stall the hall."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._devices = QMediaDevices(self)
        self._output = QAudioOutput(QMediaDevices.defaultAudioOutput(), self)
        self._player = QMediaPlayer(self)
        self._player.setAudioOutput(self._output)
        self._player.playbackStateChanged.connect(self._on_state)
        self._player.mediaStatusChanged.connect(self._on_status)
        self._player.errorOccurred.connect(self._on_error)
        self._devices.audioOutputsChanged.connect(self._on_outputs_changed)
        self._watchdog = QTimer(self)
        self._watchdog.setSingleShot(True)
        self._watchdog.timeout.connect(self._on_watchdog)
        self._active = False
        self._started = False

    def device_problem(self) -> str | None:
        return None if QMediaDevices.audioOutputs() else AUDIO_MISSING

    def play(self, path: str) -> None:
        if self._active:
            raise RuntimeError("QtWavPlayer.play while playing: the queue must wait for finished")
        self._active, self._started = True, False
        try:
            seconds = wavutil.wav_info(path)[3]
        except Exception:
            seconds = 30.0
        self._watchdog.start(int((seconds + WATCHDOG_SLACK_S) * 1000))
        self._player.setSource(QUrl.fromLocalFile(str(path)))
        self._player.play()

    def stop(self) -> None:
        if self._active:
            self._player.stop()
            self._finish("stopped")

    def _on_state(self, state: QMediaPlayer.PlaybackState) -> None:
        if self._active and not self._started and state == QMediaPlayer.PlaybackState.PlayingState:
            self._started = True
            self.started.emit()

    def _on_status(self, status: QMediaPlayer.MediaStatus) -> None:
        if status == QMediaPlayer.MediaStatus.EndOfMedia:
            self._finish("")
        elif status == QMediaPlayer.MediaStatus.InvalidMedia:
            self._finish(f"{PLAYBACK_FAILED}: invalid media")

    def _on_error(self, _error: QMediaPlayer.Error, text: str) -> None:
        self._finish(f"{PLAYBACK_FAILED}: {text}")

    def _on_watchdog(self) -> None:
        if self._active:
            self._player.stop()
            self._finish(f"{PLAYBACK_FAILED}: timed out")

    def _on_outputs_changed(self) -> None:
        # A USB speaker plugged in after start: follow the new default device.
        self._output.setDevice(QMediaDevices.defaultAudioOutput())
        self.device_changed.emit()

    def _finish(self, problem: str) -> None:
        if not self._active:
            return
        self._active = False
        self._watchdog.stop()
        self.finished.emit(problem)


class SilentPlayer(WavPlayer):
    """Plays nothing but takes the WAV's duration (x ``speed``), keeping the pace of a real player.

    Used when QtMultimedia cannot load at all, and handy in tests
    (``speed=0.01`` replays a 12 s announcement in 0.12 s).
    """

    def __init__(self, parent: QObject | None = None, *, speed: float = 1.0,
                 problem: str | None = None) -> None:
        super().__init__(parent)
        self.speed = speed
        self._problem = problem
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(lambda: self.finished.emit(""))

    def device_problem(self) -> str | None:
        return self._problem

    def play(self, path: str) -> None:
        try:
            seconds = wavutil.wav_info(path)[3]
        except Exception:
            seconds = 0.0
        self.started.emit()
        self._timer.start(int(seconds * self.speed * 1000))

    def stop(self) -> None:
        if self._timer.isActive():
            self._timer.stop()
            self.finished.emit("stopped")


def default_player(parent: QObject | None = None) -> WavPlayer:
    """The real player, or a silent one when QtMultimedia is unavailable."""
    if MULTIMEDIA_ERROR is not None:
        return SilentPlayer(parent, problem=f"{MULTIMEDIA_MISSING}: {MULTIMEDIA_ERROR}")
    return QtWavPlayer(parent)


#: renders an announcement into the given WAV path (tests inject a faster or failing one).
Renderer = Callable[[Announcement, Path], Path]


def render_announcement(announcement: Announcement, out: Path) -> Path:
    return announcement.render(out)


@dataclass
class _Item:
    seq: int
    code: str
    counter: int
    announcement: Announcement
    enqueued_at: float = field(default_factory=time.monotonic)
    path: Path | None = None
    speech_problem: str | None = None       # set when the item fell back to chime only
    detail: str = ""                         # why, for the log
    ready: bool = False
    started: bool = False
    cancelled: bool = False


class _Bridge(QObject):
    """Carries results from the render thread to the queue's thread (queued connection)."""

    rendered = Signal(object)
    probed = Signal(object)


class AnnouncementQueue(QObject):
    """Announce calls one after another, never blocking the UI thread.

    Create and use it on the UI thread (``enqueue`` is not thread-safe;
    other threads should reach it through a queued signal).
    """

    announcement_started = Signal(str, int)
    announcement_finished = Signal(str, int)
    announcement_dropped = Signal(str, int)
    status_changed = Signal(str)

    def __init__(self, settings: AnnouncementSettings | None = None, *, player: WavPlayer | None = None,
                 renderer: Renderer | None = None, parent: QObject | None = None,
                 max_delay_s: float = 90.0, render_timeout_s: float = 5.0, probe: bool = True) -> None:
        super().__init__(parent)
        self.settings = settings or AnnouncementSettings()
        self.max_delay_s = max_delay_s
        self.render_timeout_s = render_timeout_s
        self._renderer = renderer or render_announcement
        self._player = player or default_player(self)
        if self._player.parent() is None:
            self._player.setParent(self)
        self._player.started.connect(self._on_player_started)
        self._player.finished.connect(self._on_player_finished)
        self._player.device_changed.connect(self._check_device)
        self._bridge = _Bridge(self)
        self._bridge.rendered.connect(self._on_rendered)
        self._bridge.probed.connect(lambda problem: self._set_problem("speech", problem))
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="announce-render")
        self._tmp = Path(tempfile.mkdtemp(prefix="onestop-announce-"))
        self._waiting: deque[_Item] = deque()
        self._current: _Item | None = None
        self._seq = 0
        self._closed = False
        self._problems: dict[str, str | None] = {"audio": None, "speech": None, "playback": None}
        self._status = ""
        #: enqueue -> playback start, seconds, most recent last (for the benchmark and the log).
        self.latencies: deque[float] = deque(maxlen=200)
        self._render_timer = QTimer(self)
        self._render_timer.setSingleShot(True)
        self._render_timer.timeout.connect(self._on_render_timeout)
        self._check_device()
        if probe:
            self._executor.submit(self._probe, self.settings)

    # -- public -------------------------------------------------------------

    @property
    def status(self) -> str:
        """"" when announcements are heard as configured, else what is degraded (vi / en)."""
        return self._status

    def pending(self) -> int:
        """Calls waiting or playing."""
        return len(self._waiting) + (1 if self._current else 0)

    def set_settings(self, settings: AnnouncementSettings) -> None:
        """New template/repeat/mode for calls enqueued from now on (e.g. after the admin edits the site)."""
        self.settings = settings
        if not self._closed:
            self._executor.submit(self._probe, settings)

    def enqueue(self, code: str, counter: int, *, lang: str | None = None, repeat: int | None = None) -> int:
        """Queue one call for announcement; returns its sequence number.

        Raises :class:`~hardware.speech.errors.PhraseError` at once for a bad
        code/counter, so the caller learns of it here rather than never.
        """
        if self._closed:
            raise RuntimeError("AnnouncementQueue is closed")
        announcement = self.settings.announcement(code, counter, lang=lang, repeat=repeat)
        announcement.phrase()  # validate now
        self._seq += 1
        item = _Item(self._seq, str(code), int(counter), announcement)
        self._waiting.append(item)
        self._executor.submit(self._render, item)
        self._pump()
        return item.seq

    def close(self) -> None:
        """Stop playback, forget waiting calls, remove temporary files."""
        if self._closed:
            return
        self._closed = True
        self._render_timer.stop()
        for item in self._waiting:
            item.cancelled = True
        self._waiting.clear()
        self._executor.shutdown(wait=False, cancel_futures=True)
        self._player.stop()
        shutil.rmtree(self._tmp, ignore_errors=True)

    # -- worker thread ------------------------------------------------------

    def _render(self, item: _Item) -> None:
        """Runs on the render thread: speech if possible, chime only otherwise."""
        if item.cancelled or self._closed:
            return
        out = self._tmp / f"{item.seq}.wav"
        try:
            item.path = self._renderer(item.announcement, out)
            item.speech_problem = None
        except Exception as exc:
            if self._closed:  # the temporary folder is gone: nothing to report
                return
            item.speech_problem = _problem_text(exc)
            log.debug("announcement %s: speech failed, chime only: %s", item.code, exc)
            try:
                item.path = item.announcement.render(out, speech=False)
            except Exception:
                log.exception("announcement %s: even the chime could not be written", item.code)
                item.path = None
            item.detail = str(exc)
        try:
            self._bridge.rendered.emit(item)
        except RuntimeError:  # queue deleted meanwhile
            pass

    def _probe(self, settings: AnnouncementSettings) -> None:
        """Runs on the render thread at start: is speech available at all? (for the status line)."""
        problem: tuple[str, str] | None = None
        try:
            sample = settings.announcement("A1", 1)
            if settings.mode == "clips":
                clips = sample.clips
                if not clips.directory.is_dir():
                    raise ClipError(f"clip folder not found: {clips.directory}")
                missing = clips.missing(sample.phrase())
                if missing:
                    raise ClipError(f"missing clips in {clips.directory}: {', '.join(missing)}")
            else:
                Synthesizer(voice=sample.voice or DEFAULT_VOICES[sample.lang]).check()
        except Exception as exc:
            problem = (_problem_text(exc), str(exc))
        try:
            self._bridge.probed.emit(problem)
        except RuntimeError:
            pass

    # -- UI thread ----------------------------------------------------------

    def _on_rendered(self, item: _Item) -> None:
        if item.cancelled or self._closed:
            _remove(item.path)
            return
        item.ready = True
        if item.speech_problem:
            self._set_problem("speech", (item.speech_problem, item.detail))
        else:
            self._set_problem("speech", None)
        self._pump()

    def _on_render_timeout(self) -> None:
        """The head call is still not rendered: speech hangs; announce it with the chime alone."""
        if not self._waiting or self._current or self._waiting[0].ready:
            return
        item = self._waiting[0]
        item.cancelled = True  # the worker's late result will be discarded
        replacement = _Item(item.seq, item.code, item.counter, item.announcement, item.enqueued_at)
        try:
            replacement.path = item.announcement.render(self._tmp / f"{item.seq}-chime.wav", speech=False)
        except Exception:
            log.exception("announcement %s: chime could not be written", item.code)
        replacement.ready = True
        self._waiting[0] = replacement
        self._set_problem("speech", (SPEECH_STALLED, f"no audio rendered within {self.render_timeout_s:g} s"))
        self._pump()

    def _pump(self) -> None:
        """Start the next call if nothing is playing and it is ready."""
        if self._closed or self._current is not None:
            return
        while self._waiting:
            head = self._waiting[0]
            if time.monotonic() - head.enqueued_at > self.max_delay_s:
                self._waiting.popleft()
                head.cancelled = True
                _remove(head.path)
                log.info("announcement %s -> counter %s dropped: waited over %.0f s", head.code, head.counter,
                         self.max_delay_s)
                self.announcement_dropped.emit(head.code, head.counter)
                continue
            if not head.ready:
                if not self._render_timer.isActive():
                    self._render_timer.start(int(self.render_timeout_s * 1000))
                return
            self._render_timer.stop()
            self._waiting.popleft()
            self._current = head
            if head.path is None:
                self._on_player_started()
                QTimer.singleShot(0, lambda: self._on_player_finished("no audio file"))
                return
            try:
                self._player.play(str(head.path))
            except Exception as exc:
                log.exception("announcement %s: player refused the file", head.code)
                QTimer.singleShot(0, lambda text=str(exc): self._on_player_finished(f"{PLAYBACK_FAILED}: {text}"))
            return

    def _on_player_started(self) -> None:
        item = self._current
        if item is None or item.started:
            return
        item.started = True
        self.latencies.append(time.monotonic() - item.enqueued_at)
        self.announcement_started.emit(item.code, item.counter)

    def _on_player_finished(self, problem: str) -> None:
        item = self._current
        if item is None:
            return
        if not item.started:  # the queue must drain even when nothing could be played
            self._on_player_started()
        self._current = None
        _remove(item.path)
        if problem and problem != "stopped":
            self._set_problem("playback", (PLAYBACK_FAILED, problem))
        elif not problem:
            self._set_problem("playback", None)
        self.announcement_finished.emit(item.code, item.counter)
        QTimer.singleShot(0, self._pump)  # not recursively: a synchronous player must not deepen the stack

    def _check_device(self) -> None:
        problem = self._player.device_problem()
        self._set_problem("audio", (problem, problem) if problem else None)

    def _set_problem(self, kind: str, problem: tuple[str, str] | None) -> None:
        """Record a degraded mode; log it once when it appears and once when it clears."""
        short = problem[0] if problem else None
        if self._problems.get(kind) == short:
            return
        previous = self._problems.get(kind)
        self._problems[kind] = short
        if problem:
            detail = f" ({problem[1]})" if problem[1] and problem[1] != short else ""
            log.warning("announcements degraded: %s%s", short, detail)
        elif previous:
            log.info("announcements recovered: %s no longer applies", previous)
        status = " · ".join(text for text in self._problems.values() if text)
        if status != self._status:
            self._status = status
            self.status_changed.emit(status)


def _problem_text(exc: BaseException) -> str:
    """The short status text for a render failure (the details go to the log)."""
    return CLIPS_MISSING if isinstance(exc, ClipError) else SPEECH_MISSING


def _remove(path: Path | None) -> None:
    if path is not None:
        try:
            path.unlink(missing_ok=True)
        except OSError:
            pass
