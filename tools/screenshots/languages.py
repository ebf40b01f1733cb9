"""Screenshots of a language a site dropped in: the kiosk home screen and the counter's login, in the sample language.

The sample catalog (``tests/data/locale_sample/hmn.po``, every text marked ``[hmn]``) is compiled
into a throwaway site locale folder, exactly the steps of docs/translations.md.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from services import translations
from tools.screenshots.kiosk import MORNING, fresh_db, some_queue

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "tests" / "data" / "locale_sample" / "hmn.po"


def render(out_dir: Path) -> list[Path]:
    from hardware.printing.simulator import PrinterSimulator
    from tools.kiosk_harness import PORTRAIT, KioskHarness
    from ui_common.app import make_app

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="lang-shots-"))
    target = work / "locale" / "hmn" / "LC_MESSAGES"
    target.mkdir(parents=True)
    subprocess.run(["msgfmt", "-o", str(target / "onestop.mo"), str(SAMPLE)], check=True)
    os.environ[translations.ENV_DIR] = str(work / "locale")
    translations.reload()
    make_app("onestop-language-screenshots")
    written: list[Path] = []
    with PrinterSimulator(out_dir=work / "sim") as sim:
        fresh_db(work, "show")
        some_queue(MORNING)
        with KioskHarness(sim.url, epoch=MORNING).start() as kiosk:
            kiosk.settle()
            kiosk.resize(PORTRAIT)
            for lang in ("en", "hmn"):
                kiosk.click(kiosk.window.language)
                kiosk.wait_for(lambda s, lang=lang: s.lang == lang)
            kiosk.settle(0.05)
            path = out / "kiosk-home-sample-language-portrait.png"
            kiosk.grab(str(path))
            written.append(path)
        written.append(_counter_login(out, work))
    return written


def _counter_login(out: Path, work: Path) -> Path:
    """The counter's login card after two presses of its language button: the sample language."""
    from PySide6.QtCore import QSettings
    from PySide6.QtTest import QTest

    from counter_app.app import CounterProgram
    from ui_common import i18n

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(work / "settings"))
    program = CounterProgram(poll_s=0.1)
    window = program.window
    window.resize(1366, 768)
    program.start()
    window.show()
    login = window.login
    while login.counter.count() == 0:
        QTest.qWait(20)
    for _press in range(2):
        login.language.click()
    QTest.qWait(100)
    assert i18n.language() == "hmn", i18n.language()
    path = out / "counter-login-sample-language.png"
    window.grab().save(str(path))
    program.stop()
    window.close()
    return path


if __name__ == "__main__":
    for p in render(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"):
        print(p)
