"""``onestop announce CODE --counter N``: one call announcement, to the speakers or a WAV file.

Installers use it to test the hall's speakers, so it goes through exactly the
path the hall display uses (:class:`hardware.speech.announcer.Announcement`,
then the Qt player) and reads the site's template and repeat count from the
database when one is configured.  It prints one JSON document on stdout
(what was said, where, whether it was played) and refuses with one line on
stderr and the exit code of its error kind (docs/errors.md): 2 for bad input
(code, counter, template, missing clips, an unwritable ``--out``), 3 when it
cannot be heard (no speech engine, no audio device) - with ``--out`` nothing
needs a sound card.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from cli.output import print_json
from errors import Kind, OnestopError
from hardware.speech import wavutil
from hardware.speech.announcer import AnnouncementSettings
from services import arguments
from services.options import add_db_option

NO_AUDIO_HINT = "dùng --out FILE.wav để ghi ra tệp / use --out FILE.wav to write it to a file"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "announce", help="speak one call announcement through the hall's voice path, or write it to a WAV file",
        description="Đọc một lời mời (chuông + câu mời x số lần lặp) / speak one call announcement.",
    )
    parser.add_argument("code", type=arguments.ticket_code, help="ticket code, e.g. A015")
    parser.add_argument("--counter", type=arguments.counter_number, required=True, help="counter number")
    parser.add_argument("--out", type=arguments.path("WAV file"), help="write the announcement to this WAV file instead of playing it")
    parser.add_argument("--lang", choices=("vi", "en"), default="vi")
    parser.add_argument("--mode", choices=("tts", "clips"),
                        help="tts: espeak-ng (default); clips: join recorded clips (default with --clips)")
    parser.add_argument("--clips", type=arguments.path("clip folder"), help="clip folder for clip mode (default: assets/voice/LANG)")
    parser.add_argument("--whole-numbers", action="store_true",
                        help="read numbers whole (mười lăm) instead of digit by digit (một, năm)")
    parser.add_argument("--repeat", type=arguments.announcement_repeat, help="times the phrase is said (default: the site's, else 2)")
    parser.add_argument("--voice", type=arguments.voice, help="espeak-ng voice (default vi / en; also vi-vn-x-central, vi-vn-x-south)")
    add_db_option(parser)
    parser.set_defaults(func=cmd_announce)


def _site(args: argparse.Namespace) -> Any | None:
    """The site's settings when a database is configured and reachable; None means defaults.

    Only reads: a speaker test must not create or change a database.  The
    embedded default database is used only if its file already exists.
    """
    url = getattr(args, "db", None) or os.environ.get("ONESTOP_DB")
    try:
        from db import connection
        from db.site import load_site
    except ImportError:
        return None
    if not url:
        default = connection.default_url()
        if not default.startswith("sqlite:///") or not Path(default[len("sqlite:///"):]).is_file():
            return None
        url = default
    try:
        connection.connect(url, create=False)
        return load_site()
    except Exception as exc:  # any failure: announce with the defaults, and say so
        print(f"onestop: announce: mẫu câu mặc định / default template ({exc})", file=sys.stderr)
        return None


def _quiet_qt_logging() -> None:
    """Qt Multimedia logs its backend probing on stderr ("PulseAudioService: pa_context_connect()
    failed" is an uncategorized warning); keep the CLI's stderr for our one line.  Only if the
    user has not set rules of their own."""
    os.environ.setdefault("QT_LOGGING_RULES", "qt.multimedia*=false;default.warning=false")


def play_wav(path: Path) -> tuple[str | None, str | None]:
    """Play ``path`` to the end: Qt first (the display's path), then paplay/aplay.

    Returns (player used, None) or (None, why nothing could be heard).
    """
    problems: list[str] = []
    _quiet_qt_logging()
    try:
        from PySide6.QtCore import QCoreApplication, QEventLoop

        from hardware.speech.qt_player import MULTIMEDIA_ERROR, QtWavPlayer
    except ImportError as exc:
        problems.append(f"Qt: {exc}")
    else:
        if MULTIMEDIA_ERROR is not None:
            problems.append(f"QtMultimedia: {MULTIMEDIA_ERROR}")
        else:
            app = QCoreApplication.instance() or QCoreApplication([])
            player = QtWavPlayer()
            device_problem = player.device_problem()
            if device_problem:
                problems.append(f"Qt: {device_problem}")
            else:
                loop = QEventLoop()
                outcome: list[str] = []
                player.finished.connect(lambda problem: (outcome.append(problem), loop.quit()))
                player.play(str(path))
                if not outcome:
                    loop.exec()
                if outcome and not outcome[0]:
                    return "qt", None
                problems.append(f"Qt: {outcome[0] if outcome else 'no result'}")
            del app
    seconds = wavutil.wav_info(path)[3]
    for tool in ("paplay", "aplay"):
        exe = shutil.which(tool)
        if not exe:
            continue
        try:
            done = subprocess.run([exe, str(path)], capture_output=True, text=True, timeout=seconds + 15)
        except subprocess.TimeoutExpired:
            problems.append(f"{tool}: timed out")
            continue
        if done.returncode == 0:
            return tool, None
        problems.append(f"{tool}: {(done.stderr.strip().splitlines() or [f'exit {done.returncode}'])[-1]}")
    if not any(p.startswith(("paplay", "aplay")) for p in problems):
        problems.append("paplay/aplay not installed")
    return None, "; ".join(problems)


def cmd_announce(args: argparse.Namespace) -> int:
    site = _site(args)
    mode = args.mode or ("clips" if args.clips else "tts")
    try:
        settings = AnnouncementSettings.from_site(
            site, lang=args.lang, mode=mode, repeat=args.repeat, voice=args.voice,
            whole_numbers=args.whole_numbers or None, clips_dir=Path(args.clips) if args.clips else None,
        )
        announcement = settings.announcement(args.code, args.counter, lang=args.lang)
        text = announcement.phrase().text
        if args.out:
            path = announcement.render(args.out)
        else:
            tmp = Path(tempfile.mkdtemp(prefix="onestop-announce-"))
            path = announcement.render(tmp / "announce.wav")
    except OSError as exc:  # --out into a missing folder, disk full
        raise OnestopError(f"không ghi được tệp / cannot write the file: {exc}", kind=Kind.INVALID_INPUT) from exc
    document = {
        "code": args.code, "counter": args.counter, "lang": args.lang, "mode": mode,
        "repeat": announcement.repeat, "text": text, "duration_s": round(wavutil.wav_info(path)[3], 2),
        "file": str(path) if args.out else None, "played": False, "player": None,
    }
    if args.out:
        print_json(document)
        return 0
    try:
        player, problem = play_wav(path)
    finally:
        shutil.rmtree(path.parent, ignore_errors=True)
    document.update(played=player is not None, player=player)
    print_json(document)
    if player is None:
        raise OnestopError(f"không phát được âm thanh / nothing could be played: {problem}; {NO_AUDIO_HINT}",
                           kind=Kind.DEVICE)
    return 0
