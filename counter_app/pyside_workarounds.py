"""Keep a full-day Qt program alive on PySide6 6.12 with Python 3.11.

Measured here (PySide6 6.12.0, shiboken6 6.12.0, CPython 3.11.7):

* every call from Python to a Qt method returning ``void`` (``label.setText``,
  ``button.setEnabled``, ``QTimer.singleShot``, ``processEvents``, ...) drops
  one reference to ``None`` that it never took.  ``None`` starts with about
  20,000 references in this program, so after that many calls CPython aborts
  with "Fatal Python error: none_dealloc: deallocating None".  The counter
  screen's one-second timers and feed refreshes alone lose ~1.5 references a
  second (a crash after ~4 hours idle, much sooner while busy); a tight
  ``processEvents`` loop crashes in well under a second;
* ``SignalInstance.emit()`` called from Python does the same to ``True``
  ("bool_dealloc"; also found by the shared UI code, see ``ui_common/signals.py``
  where present).

Python 3.12 made these singletons immortal, which hides the bug.  On 3.11 we
do the same by hand once at start-up: add 2**40 to the reference counts of
``None``, ``True`` and ``False`` (``ob_refcnt`` is the first field of every
CPython object), far more than any program could drop in years.  Nothing
else about them changes, and it composes with code that gives references
back one by one.
"""

from __future__ import annotations

import ctypes
import sys

_CUSHION = 1 << 40
_done = False


def needed() -> bool:
    """Only CPython before 3.12 has a mortal ``None``."""
    return sys.implementation.name == "cpython" and sys.version_info < (3, 12)


def keep_singletons_alive() -> None:
    """Make ``None``, ``True`` and ``False`` effectively immortal (idempotent; no-op where they are)."""
    global _done
    if _done or not needed():
        return
    for singleton in (None, True, False):
        ctypes.c_ssize_t.from_address(id(singleton)).value += _CUSHION
    _done = True
