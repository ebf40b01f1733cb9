"""One translation mechanism for every program: gettext catalogs, Vietnamese as the source.

Each user-visible string is written in Vietnamese in the code (the msgid) and looked up in
``<dir>/<lang>/LC_MESSAGES/onestop.mo``.  The shipped catalogs live in ``assets/locale``; a
site adds or overrides a language by dropping a ``.mo`` file into its own locale folder (the
``ONESTOP_LOCALE_DIR`` variable, or ``<user data dir>/locale`` found with platformdirs), with
no code change.  Why gettext and not Qt Linguist: one catalog format for the Qt programs and
the web pages (Jinja2 speaks gettext), standard tools (Babel, GNU msgfmt, Poedit, Weblate) and
no ``lrelease`` step tied to Qt.  See docs/translations.md.
"""

from __future__ import annotations

import gettext
import logging
import os
from functools import lru_cache
from pathlib import Path

from platformdirs import user_data_dir

log = logging.getLogger(__name__)

DOMAIN = "onestop"
SOURCE_LANG = "vi"
SHIPPED_DIR = Path(__file__).resolve().parent.parent / "assets" / "locale"
ENV_DIR = "ONESTOP_LOCALE_DIR"


def locale_dirs() -> list[Path]:
    """The folders searched, the site's first so that a site file wins over a shipped one."""
    dirs = [Path(p) for p in os.environ.get(ENV_DIR, "").split(os.pathsep) if p]
    dirs.append(Path(user_data_dir("onestop-queue", appauthor=False)) / "locale")
    dirs.append(SHIPPED_DIR)
    return dirs


def available_languages() -> tuple[str, ...]:
    """Vietnamese, then every language that has a compiled catalog in one of the folders."""
    found: list[str] = []
    for directory in locale_dirs():
        for mo in sorted(directory.glob(f"*/LC_MESSAGES/{DOMAIN}.mo")):
            lang = mo.parent.parent.name
            if lang != SOURCE_LANG and lang not in found:
                found.append(lang)
    return (SOURCE_LANG, *sorted(found, key=lambda code: (code != "en", code)))


@lru_cache(maxsize=32)
def _load(lang: str, dirs: tuple[Path, ...]) -> gettext.NullTranslations:
    result: gettext.NullTranslations = gettext.NullTranslations()
    # Chain with fallbacks: the first folder's catalog answers first, the shipped one last,
    # and a msgid nobody translated shows in Vietnamese rather than as an empty string.
    for directory in reversed(dirs):
        mo = directory / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
        if mo.is_file():
            with mo.open("rb") as handle:
                catalog = gettext.GNUTranslations(handle)
            catalog.add_fallback(result)
            result = catalog
    return result


def check_language(lang: str) -> str:
    """``lang`` if it is Vietnamese or has a catalog in one of the folders; else InvalidInput (exit 2)."""
    from db.errors import InvalidInput

    langs = available_languages()
    if lang not in langs:
        raise InvalidInput(f"Không có ngôn ngữ {lang!r} (có: {', '.join(langs)})",
                           f"no language {lang!r} (available: {', '.join(langs)})")
    return lang


def translations(lang: str) -> gettext.NullTranslations:
    """The catalog of ``lang`` (Vietnamese, the source, is the identity)."""
    if lang == SOURCE_LANG:
        return gettext.NullTranslations()
    return _load(lang, tuple(locale_dirs()))


def reload() -> None:
    """Forget loaded catalogs (a site dropped a new file; tests)."""
    _load.cache_clear()


def tr(lang: str, message: str, *, context: str | None = None, **values: object) -> str:
    """``message`` (Vietnamese) in ``lang``, with ``{name}`` placeholders filled.

    ``context`` tells apart one Vietnamese text that needs two translations (gettext's msgctxt).
    """
    catalog = translations(lang)
    text = catalog.pgettext(context, message) if context else catalog.gettext(message)
    return _filled(text, message, values) if values else text


def _filled(text: str, message: str, values: dict[str, object]) -> str:
    """``text`` with its placeholders filled; a translation with a wrong one (``{nn}``, a stray brace,
    from a file a site dropped in) shows the Vietnamese text instead of breaking the screen."""
    try:
        return text.format(**values)
    except (KeyError, IndexError, ValueError):
        log.warning("translation %r of %r has a bad placeholder: shown in Vietnamese", text, message)
        return message.format(**values)


def in_language(vi: str, en: str, lang: str) -> str:
    """A text that carries its own English (site data's ``name_en``, a refusal's ``message_en``) in ``lang``.

    Any other language looks the Vietnamese text up in the catalogs, so a site's ``.po`` may
    translate its service names and the fixed refusal texts too; Vietnamese when absent.
    """
    if lang == "en":
        return en or vi
    return vi if lang == SOURCE_LANG else tr(lang, vi)


def trn(lang: str, message: str, n: int, **values: object) -> str:
    """A text that counts: Vietnamese has one form, English two, other languages what their catalog says."""
    return _filled(translations(lang).ngettext(message, message, n), message, {"n": n, **values})


def next_language(lang: str) -> str:
    """The language a switch button goes to: through every available language, then back to Vietnamese."""
    langs = available_languages()
    return langs[(langs.index(lang) + 1) % len(langs)] if lang in langs else SOURCE_LANG


def language_name(lang: str) -> str:
    """The language's own name, for a switch button: the catalog's translation of "Tiếng Việt"."""
    if lang == SOURCE_LANG:
        return "Tiếng Việt"
    name = translations(lang).gettext("Tiếng Việt")
    return name if name != "Tiếng Việt" else lang
