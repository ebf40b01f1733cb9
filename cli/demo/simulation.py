"""Simulated citizens and officers, so the demo's screens move by themselves.

Citizens arrive every ``arrival_s`` seconds (random in the range) and take a
ticket through the same issue-and-print path as the kiosk.  Every counter's
"officer" calls the next ticket, serves it for a while, finishes and the
citizen presses a rating: through the on-screen keypad's serial line where the
counter has one (so the real reader records it), else through the same
``record_press`` the reader uses.  Everything goes through ``db/`` and
``hardware/``: the simulation decides timing, never queue rules.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from db import queue, statuses
from db.site import list_counters, list_services
from errors import OnestopError

log = logging.getLogger(__name__)

#: how satisfied simulated citizens are: mostly very satisfied, like the real figures
RATING_WEIGHTS = {3: 0.8, 2: 0.15, 1: 0.05}


@dataclass
class _CounterPlan:
    number: int
    state: str = "idle"            # idle -> called -> serving -> idle
    next_step_at: float = 0.0


@dataclass
class Simulation:
    printer_url: str
    arrival_s: tuple[float, float] = (2.0, 5.0)
    service_s: tuple[float, float] = (6.0, 15.0)
    counters: tuple[int, ...] | None = None
    keypad_press: dict[int, Callable[[int], int]] = field(default_factory=dict)
    seed: int | None = None

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.issued = 0
        self.served = 0

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="demo-simulation", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _run(self) -> None:
        from services.ticket_printing import issue_and_print

        services = [s.code for s in list_services() if s.counters]
        numbers = self.counters or tuple(c.number for c in list_counters())
        plans = [_CounterPlan(n, next_step_at=time.time() + self._random.uniform(1, 3)) for n in numbers]
        next_arrival = time.time() + 0.5
        while not self._stop.wait(0.2):
            now = time.time()
            try:
                if now >= next_arrival:
                    outcome = issue_and_print(self._random.choice(services), self.printer_url, kiosk="demo-sim",
                                              priority=self._random.random() < 0.1)
                    self.issued += 1 if outcome.ticket else 0
                    next_arrival = now + self._random.uniform(*self.arrival_s)
                for plan in plans:
                    if now >= plan.next_step_at:
                        self._step(plan, now)
            except OnestopError as exc:  # closed, limit, database away: try again later
                log.info("simulation: %s", exc)
                next_arrival = now + self._random.uniform(*self.arrival_s)

    def _step(self, plan: _CounterPlan, now: float) -> None:
        try:
            if plan.state == "idle":
                if queue.current_ticket(plan.number) is not None:
                    plan.state = "called"  # someone at that counter called by hand
                elif queue.call_next(plan.number) is None:
                    plan.next_step_at = now + 2.0
                    return
                plan.state = "called"
                plan.next_step_at = now + self._random.uniform(2.0, 4.0)
            elif plan.state == "called":
                current = queue.current_ticket(plan.number)
                if current is None:
                    plan.state = "idle"
                elif self._random.random() < 0.05:
                    queue.mark_no_show(plan.number)
                    plan.state = "idle"
                else:
                    if current.status == statuses.CALLED:
                        queue.start_service(plan.number)
                    plan.state = "serving"
                plan.next_step_at = now + self._random.uniform(*self.service_s)
            elif plan.state == "serving":
                if queue.current_ticket(plan.number) is not None:
                    queue.finish_service(plan.number)
                    self.served += 1
                    self._rate(plan.number)
                plan.state = "idle"
                plan.next_step_at = now + self._random.uniform(1.0, 3.0)
        except OnestopError as exc:
            log.info("simulation at counter %s: %s", plan.number, exc)
            plan.state = "idle"
            plan.next_step_at = now + 2.0

    def _rate(self, counter: int) -> None:
        value = self._random.choices(list(RATING_WEIGHTS), weights=list(RATING_WEIGHTS.values()))[0]
        press = self.keypad_press.get(counter)
        if press is not None and press(value):
            return
        from db.ratings import record_press

        record_press(counter, value, source="demo")
