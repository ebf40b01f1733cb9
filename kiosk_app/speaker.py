"""Reads a screen's guidance aloud: renders it off the UI thread, plays it with the display's player.

``toggle(guidance)`` is the Listen button: a tap starts the reading, a second tap while it is
being prepared or played stops it, the next one starts again.  Rendering (espeak-ng or the site's
clips, :func:`hardware.speech.guidance.render`) runs on an ordered lane of ``ui_common.tasks``,
one at a time (the speech engine is not safe to run twice at once), and the WAV is played by
:func:`hardware.speech.qt_player.default_player`: the player the hall display uses, which runs to the
end silently when the PC has no sound card and falls back to a silent player without QtMultimedia.
A screen read once is kept (a few WAVs in a temporary folder), so the second citizen's tap is
instant.  A failure (no voice for the language, a broken clip) is logged and reported with
``failed``; the kiosk never stops for it.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from hardware.speech import guidance as guidance_mod
from hardware.speech.guidance import Guidance
from hardware.speech.qt_player import WavPlayer, default_player
from ui_common.tasks import Lane

log = logging.getLogger(__name__)

#: rendered screens kept for a repeat tap (a home screen is ~10 s, ~450 KB)
CACHE_SIZE = 8

Renderer = Callable[[Guidance, Path], str]


class GuidanceSpeaker(QObject):
    """One kiosk's spoken guidance; see the module docstring."""

    #: True when a reading starts (rendering counts), False when it ends, is stopped or failed
    speaking_changed = Signal(bool)
    #: a WAV is about to be played: (guidance, path, "clips" | "tts")
    playing = Signal(object, str, str)
    #: why nothing could be read (the speech engine's message)
    failed = Signal(str)

    def __init__(self, player: WavPlayer | None = None, *, render: Renderer | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._player = player
        self._render = render or (lambda g, out: guidance_mod.render(g, out))
        self._lane: Lane | None = None
        self._dir: Path | None = None
        self._cache: OrderedDict[Guidance, tuple[Path, str]] = OrderedDict()
        self._seq = 0                    # the reading in progress; a stale render result is dropped
        self._current: Guidance | None = None
        self._playing = False
        self._connected = False

    @property
    def speaking(self) -> bool:
        return self._current is not None

    @property
    def current(self) -> Guidance | None:
        return self._current

    def player(self) -> WavPlayer:
        """Made on first use: a kiosk that is never asked to speak never opens the audio device."""
        if self._player is None:
            self._player = default_player(self)
        if not self._connected:
            self._player.finished.connect(self._on_finished)
            self._connected = True
        return self._player

    def toggle(self, guidance: Guidance) -> None:
        """The Listen button: stop the reading under way, or start reading ``guidance``."""
        if self._current is not None:
            self.stop()
            return
        self.speak(guidance)

    def speak(self, guidance: Guidance) -> None:
        self.stop()
        self._seq += 1
        seq = self._seq
        self._current = guidance
        self.speaking_changed.emit(True)
        cached = self._cache.get(guidance)
        if cached is not None and cached[0].exists():
            self._cache.move_to_end(guidance)
            self._play(seq, guidance, *cached)
            return
        out = self._folder() / f"guidance-{seq}.wav"
        if self._lane is None:
            self._lane = Lane("kiosk-speech")
        self._lane.run(lambda: self._render(guidance, out),
                       lambda mode: self._rendered(seq, guidance, out, mode),
                       lambda exc: self._failed(seq, exc))

    def stop(self) -> None:
        """Stop what is being read (or prepared); nothing if nothing is."""
        if self._current is None:
            return
        self._current = None
        self._seq += 1
        if self._playing:
            self._playing = False
            self.player().stop()
        self.speaking_changed.emit(False)

    def close(self) -> None:
        self.stop()
        if self._lane is not None:
            self._lane.close()
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)

    # -- internals
    def _folder(self) -> Path:
        if self._dir is None:
            self._dir = Path(tempfile.mkdtemp(prefix="onestop-guidance-"))
        return self._dir

    def _rendered(self, seq: int, guidance: Guidance, out: Path, mode: str) -> None:
        self._cache[guidance] = (out, mode)
        while len(self._cache) > CACHE_SIZE:
            old, _mode = self._cache.popitem(last=False)[1]
            old.unlink(missing_ok=True)
        if seq == self._seq:
            self._play(seq, guidance, out, mode)

    def _play(self, seq: int, guidance: Guidance, path: Path, mode: str) -> None:
        player = self.player()
        self._playing = True
        self.playing.emit(guidance, str(path), mode)
        try:
            player.play(str(path))
        except Exception as exc:         # a broken backend must not take the kiosk down
            log.warning("kiosk guidance: cannot play %s (%s)", path, exc)
            self._playing = False
            self._failed(seq, exc)

    def _failed(self, seq: int, exc: Exception) -> None:
        if seq != self._seq:
            return
        log.warning("kiosk guidance not read (%s)", exc)
        self._current = None
        self.speaking_changed.emit(False)
        self.failed.emit(str(exc))

    def _on_finished(self, problem: str) -> None:
        if not self._playing:
            return                       # our own stop(): already reported
        self._playing = False
        if problem:
            log.info("kiosk guidance playback: %s", problem)
        self._current = None
        self.speaking_changed.emit(False)
