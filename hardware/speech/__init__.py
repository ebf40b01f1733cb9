"""Voice announcements for the waiting hall.

Plain Python (no Qt) except :mod:`hardware.speech.qt_player`, the one adapter
that needs the Qt event loop for audio playback:

* :mod:`~hardware.speech.phrases` - call -> text/tokens (Vietnamese letter names, numbers)
* :mod:`~hardware.speech.synth` - text -> WAV with pyttsx3 + espeak-ng (offline)
* :mod:`~hardware.speech.chime` - the two-tone chime, generated
* :mod:`~hardware.speech.clips` - recorded-clip mode (a folder of WAVs joined in order)
* :mod:`~hardware.speech.announcer` - one call -> one WAV (chime + phrase x repeat)
* :mod:`~hardware.speech.qt_player` - queued, non-overlapping playback for the display
"""

from hardware.speech.announcer import Announcement, AnnouncementSettings
from hardware.speech.errors import ClipError, PhraseError, SpeechError, SpeechUnavailable
from hardware.speech.phrases import Phrase, build_phrase

__all__ = [
    "Announcement", "AnnouncementSettings", "ClipError", "Phrase", "PhraseError",
    "SpeechError", "SpeechUnavailable", "build_phrase",
]
