"""Helpers for the kiosk tests (importable, unlike conftest.py)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

ROOT = Path(__file__).resolve().parents[2]
SITE_TOML = (ROOT / "db" / "example_site.toml").read_text(encoding="utf-8")
REAL_HOURS = ('opening_hours = ["07:30-11:30", "13:30-17:00"]', 'days = ["mon", "tue", "wed", "thu", "fri"]')


def site_text(*, policy: str = "show", real_hours: bool = False, dd_limit: int | None = None,
              allow_priority: bool = True) -> str:
    """The built-in commune site with the knobs the kiosk tests turn."""
    text = SITE_TOML.replace('on_print_failure = "show"', f'on_print_failure = "{policy}"')
    if dd_limit is not None:
        text = text.replace("daily_limit = 150", f"daily_limit = {dd_limit}")
    if real_hours:
        text = text.replace('opening_hours = ["00:00-24:00"]', REAL_HOURS[0])
        text = text.replace('days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]', REAL_HOURS[1])
    if not allow_priority:
        text = text.replace("allow_priority = true", "allow_priority = false")
    return text


def load_site(**knobs) -> None:
    """Re-import the site on the current database (what ``onestop init --site`` does)."""
    from db.site import import_site
    from db.site_config import parse_site_text

    import_site(parse_site_text(site_text(**knobs), "kiosk-test.toml"))


def click(qtbot, widget) -> None:
    """A real left click in the middle of the real widget."""
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=widget.rect().center())


def tap(qtbot, widget, signal) -> None:
    """Click ``widget`` and return once the window has passed the tap on as ``signal``.

    The session connects the window's signals straight to the controller, which
    decides at once: when this returns, a refused tap has been refused (an accepted
    one has changed the state or marked the kiosk busy), so a test can assert
    "nothing happened" without sleeping.
    """
    with qtbot.waitSignal(signal, timeout=2000):
        click(qtbot, widget)


def next_tick(qtbot, k):
    """Wait for the kiosk's next tick, which reads the clocks as the test left them; the state after it."""
    with qtbot.waitSignal(k.session.timer.timeout, timeout=5000):
        pass
    return k.state
