"""The sample third language of the tests, compiled the way a site does it (GNU msgfmt or pybabel)."""

from __future__ import annotations

import subprocess
from pathlib import Path

SAMPLE_PO = Path(__file__).parent / "data" / "locale_sample" / "hmn.po"
SAMPLE_LANG = "hmn"


def drop_sample_language(site_locale_dir: Path) -> Path:
    """Put ``hmn/LC_MESSAGES/onestop.mo`` into a site's locale folder; returns the folder."""
    target = site_locale_dir / SAMPLE_LANG / "LC_MESSAGES"
    target.mkdir(parents=True, exist_ok=True)
    subprocess.run(["msgfmt", "-c", "-o", str(target / "onestop.mo"), str(SAMPLE_PO)], check=True)
    return site_locale_dir


def use_sample_language(tmp_path: Path, monkeypatch) -> Path:
    """A site folder holding the sample language, named by ``ONESTOP_LOCALE_DIR`` for this test."""
    from services import translations

    folder = drop_sample_language(tmp_path / "locale")
    monkeypatch.setenv(translations.ENV_DIR, str(folder))
    translations.reload()
    return folder
