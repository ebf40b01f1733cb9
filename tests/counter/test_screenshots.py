"""The documentation screenshots are rendered by driving the real program (and keep working)."""

from __future__ import annotations

from PySide6.QtGui import QImage


def test_screenshots_render_the_three_screens(tmp_path, qapp):
    from db.connection import close
    from tools.screenshots.counter import SIZE, render

    try:
        paths = render(tmp_path)
    finally:
        close()
    assert [p.name for p in paths] == ["counter-login.png", "counter-main.png", "counter-transfer.png"]
    for path in paths:
        image = QImage(str(path))
        assert (image.width(), image.height()) == SIZE
