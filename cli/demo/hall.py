"""The whole hall in one process: kiosk, counters, display and simulated hardware.

``DemoHall`` builds each program exactly as its own command does (the same
``KioskSession``, ``CounterProgram`` and ``DisplayProgram`` classes), on one
database, and wires in the simulated hardware: a ``preview://`` printer whose
latest ticket is shown on screen, and for each counter an on-screen rating
keypad whose bytes reach that counter's real keypad reader through a virtual
serial line.  ``Simulation`` (optional) brings citizens and serves them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QGuiApplication

from cli.demo.control_panel import ControlPanel
from cli.demo.keypad_line import VirtualKeypadLine
from cli.demo.simulation import Simulation
from db.site import list_counters, load_site

log = logging.getLogger(__name__)

#: officers signed in at the demo's counter windows (the built-in site has them, PIN 1234)
DEMO_OFFICERS = (("lan", "1234"), ("hung", "1234"))


@dataclass
class DemoOptions:
    printer_dir: Path
    simulate: bool = False
    arrival_s: tuple[float, float] = (2.0, 5.0)
    voice: bool = True
    counter_windows: int = 2
    seed: int | None = None


class DemoHall(QObject):
    def __init__(self, options: DemoOptions, parent: QObject | None = None) -> None:
        super().__init__(parent)
        from counter_app.app import CounterProgram
        from display_app.app import DisplayProgram
        from kiosk_app.backend import KioskBackend
        from kiosk_app.session import KioskSession
        from kiosk_app.views import KioskWindow

        self.options = options
        options.printer_dir.mkdir(parents=True, exist_ok=True)
        self.printer_url = f"preview://{options.printer_dir.as_posix()}"
        site = load_site()
        numbers = [c.number for c in list_counters()][: options.counter_windows]

        self.kiosk_window = KioskWindow()
        self.kiosk_window.allow_close()  # the demo's kiosk closes with the demo
        self.kiosk = KioskSession(KioskBackend(self.printer_url, kiosk_id="demo-kiosk"), self.kiosk_window, parent=self)

        self.display = DisplayProgram(voice=options.voice, parent=self)

        self.lines = {n: VirtualKeypadLine() for n in numbers}
        self.counters = {
            n: CounterProgram(counter=n, lock_after_s=0, keypad_port=self.lines[n].url, keypad_protocol="ascii",
                              parent=self)
            for n in numbers
        }
        self.panel = ControlPanel(options.printer_dir, numbers, site.rating_levels, self.press)
        self._tray_timer = QTimer(self)
        self._tray_timer.timeout.connect(self.panel.tray.refresh)

        self.simulation: Simulation | None = None
        if options.simulate:
            self.simulation = Simulation(self.printer_url, arrival_s=options.arrival_s, seed=options.seed,
                                         keypad_press={n: line.press for n, line in self.lines.items()})

    # ---------------------------------------------------------------- life cycle
    def start(self) -> None:
        self.kiosk.start()
        self.display.start()
        for (number, program), (username, pin) in zip(self.counters.items(), DEMO_OFFICERS):
            program.start()
            program.session.login(username, pin, number)
        self._tray_timer.start(500)
        if self.simulation is not None:
            self.simulation.start()

    def show(self) -> None:
        """Lay the windows out on the primary screen so each is visible."""
        screen = QGuiApplication.primaryScreen()
        area = screen.availableGeometry() if screen else None
        width, height = (area.width(), area.height()) if area else (1920, 1080)
        kiosk_w = max(360, width // 4)
        self.kiosk_window.setGeometry(0, 0, kiosk_w, min(height, kiosk_w * 16 // 9))
        self.display.window.setGeometry(kiosk_w, 0, width - kiosk_w, (width - kiosk_w) * 9 // 16)
        for index, program in enumerate(self.counters.values()):
            program.window.setGeometry(kiosk_w + 40 + 60 * index, height // 3 + 50 * index,
                                       min(1100, width - kiosk_w - 40), min(700, height * 2 // 3))
        self.panel.setGeometry(0, max(0, height - 420), min(1000, width), 400)
        for window in (self.display.window, *[p.window for p in self.counters.values()], self.panel,
                       self.kiosk_window):
            window.show()

    def save_screenshots(self, folder: Path) -> list[Path]:
        """PNG of every window (what a visitor sees), for docs and bug reports."""
        folder.mkdir(parents=True, exist_ok=True)
        windows = {"demo-kiosk": self.kiosk_window, "demo-display": self.display.window, "demo-hardware": self.panel,
                   **{f"demo-counter-{n}": p.window for n, p in self.counters.items()}}
        saved = []
        for name, window in windows.items():
            path = folder / f"{name}.png"
            window.grab().save(str(path))
            saved.append(path)
        return saved

    def press(self, counter: int, value: int) -> int:
        """What an on-screen keypad button does: bytes down the counter's serial line."""
        line = self.lines.get(counter)
        return line.press(value) if line is not None else 0

    def stop(self) -> None:
        if self.simulation is not None:
            self.simulation.stop()
        self._tray_timer.stop()
        self.kiosk.stop()
        for program in self.counters.values():
            program.window.session.shutdown()
            program.stop()
        self.display.stop()
        for line in self.lines.values():
            line.close()
        for window in (self.kiosk_window, self.display.window, self.panel, *[p.window for p in self.counters.values()]):
            window.close()
            window.deleteLater()

    def dispose(self) -> None:
        """Delete every Qt object now, while the QApplication still exists.

        Left to the interpreter's exit, PySide6 may destroy them after the
        application and crash on the way out; a clean exit code matters to
        scripts and service managers.
        """
        from PySide6.QtCore import QCoreApplication, QEvent

        from ui_common.tasks import wait_for_idle

        wait_for_idle(5.0)
        self.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.DeferredDelete)
        QCoreApplication.processEvents()
