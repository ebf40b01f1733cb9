"""The documentation screenshots (``docs/screenshots/*.png``), each drawn by the real program.

``python -m tools.screenshots [OUT_DIR]`` regenerates all of them; each part
(``kiosk``, ``counter``, ``admin``, ``display``, ``tickets``, ``demo``) is also a
module of its own, ``python -m tools.screenshots.PART OUT_DIR``.
"""

import os

# Offscreen Qt: no display needed (read when the first QApplication is made).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
