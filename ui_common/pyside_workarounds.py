"""Keep an all-day Qt program alive on PySide6 6.12 with CPython 3.11.

Measured here (PySide6/shiboken6 6.12.0, CPython 3.11.7), two kinds of
calls from Python drop a reference they never took:

* every Qt method returning ``void`` (``widget.update()``, ``painter.drawText``,
  ``timer.stop()``, ``QTimer.singleShot``, ...) drops one reference to ``None``;
* every ``Signal.emit()`` from Python drops one reference to ``True``.

``None`` starts with ~20,000 references, ``True`` with a few hundred, so
after that many calls CPython aborts ("Fatal Python error: none_dealloc" /
"bool_dealloc").  A hall display repaints with dozens of painter calls per
frame and emits on every event: without this it dies within hours, or at
exit (tests abort with status 134).

Python 3.12 made these objects immortal, which hides the bug.  On 3.11 we do
the same by hand once at start-up: add 2**40 to their reference counts
(``ob_refcnt`` is the first field of every CPython object), far more than
any program could drop in years.  Nothing else about them changes.
``ui_common.app.make_app`` calls it, so every program gets it.
"""

from __future__ import annotations

import ctypes
import sys

_CUSHION = 1 << 40
_done = False


def needed() -> bool:
    """Only CPython before 3.12 has mortal ``None``/``True``/``False``."""
    return sys.implementation.name == "cpython" and sys.version_info < (3, 12)


def keep_singletons_alive() -> None:
    """Make ``None``, ``True`` and ``False`` effectively immortal (idempotent; no-op on 3.12+)."""
    global _done
    if _done or not needed():
        return
    for obj in (None, True, False):
        ctypes.c_ssize_t.from_address(id(obj)).value += _CUSHION
    _done = True
