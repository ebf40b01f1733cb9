"""Developer command for the gettext catalogs: ``python -m tools.i18n compile|check``.

``compile`` turns every ``assets/locale/<lang>/LC_MESSAGES/onestop.po`` into its ``.mo`` with
GNU ``msgfmt`` (``pybabel compile -d assets/locale -D onestop`` does the same); the ``.mo``
files are committed and shipped as package data, so an installed kiosk needs no tool at all.
``check`` fails when a committed ``.mo`` is not its ``.po`` compiled or a web text has no English entry.
Extraction of new msgids: ``pybabel extract`` (docs/translations.md).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from services.translations import DOMAIN, SHIPPED_DIR


def compile_all() -> int:
    for po in sorted(SHIPPED_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        subprocess.run(["msgfmt", "-c", "-o", str(po.with_suffix(".mo")), str(po)], check=True)
        print(f"compiled {po.with_suffix('.mo')}")
    return 0


def _compiled_matches(po: Path) -> bool:
    """Compare bytes, not times: a fresh checkout gives both files the same age in any order."""
    mo = po.with_suffix(".mo")
    if not mo.exists():
        return False
    with tempfile.TemporaryDirectory() as work:
        fresh = Path(work) / "fresh.mo"
        subprocess.run(["msgfmt", "-c", "-o", str(fresh), str(po)], check=True)
        return fresh.read_bytes() == mo.read_bytes()


def _sources() -> list[tuple[str | None, str]]:
    """(context, msgid) of every keyed text of the programs."""
    from kiosk_app.texts import TEXTS as KIOSK
    from web.i18n import SOURCE as WEB

    entries: list[tuple[str | None, str]] = [(None, text) for text in WEB.values()]
    entries += [(None, v) if isinstance(v, str) else v for v in KIOSK.values()]
    return entries


def check() -> int:
    from services.translations import reload, translations

    problems = [f"{po}: the committed .mo is not this .po compiled (run: python -m tools.i18n compile)"
                for po in SHIPPED_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po") if not _compiled_matches(po)]
    reload()
    english = translations("en")
    problems += [f"no English for {text!r}" for context, text in _sources()
                 if text != "—" and (english.pgettext(context, text) if context else english.gettext(text)) == text]
    print("\n".join(problems) or "catalogs ok")
    return 1 if problems else 0


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "compile"
    return {"compile": compile_all, "check": check}[command]()


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
