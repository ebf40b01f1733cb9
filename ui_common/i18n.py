"""The one translation helper of the Qt programs: the language shown, ``_()``, and switching at run time.

Every user-visible text of the counter, display and admin programs is written in Vietnamese
(the gettext msgid) inside ``_("…")`` and looked up in the catalogs of
``services.translations`` (the same ``.po``/``.mo`` files as the kiosk and the web pages, so a
language a site drops in reaches every program; docs/translations.md).

A program shows one language at a time, so the language is this module's state rather than an
argument threaded through every widget.  ``set_language`` switches it and sends Qt's own
``QEvent.LanguageChange`` to every top-level window; ``QWidget`` passes that event down to all
its children, so each widget that shows texts re-sets them in ``retranslate()`` (the
``Retranslating`` mixin wires the event to it).  That is Qt's documented retranslation path,
without a ``QTranslator``: the lookup is gettext's.

``N_("…")`` marks a msgid kept in a table (button texts, column headings) and translated where
it is shown; ``python -m tools.i18n extract`` collects ``_``, ``_p``, ``_n`` and ``N_``.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QSettings
from PySide6.QtWidgets import QApplication, QPushButton, QWidget

from services.translations import (
    SOURCE_LANG,
    available_languages,
    check_language,
    in_language,
    language_name,
    next_language,
    tr,
    trn,
)

_current = SOURCE_LANG
#: the environment variable a PC's installer sets instead of ``--lang``
LANG_ENV = "ONESTOP_LANG"


def language() -> str:
    """The language the program shows now (``vi`` until ``set_language``)."""
    return _current


def _(message: str, **values: object) -> str:
    """``message`` (Vietnamese) in the program's language, ``{name}`` placeholders filled from ``values``."""
    return tr(_current, message, **values)


def _p(context: str, message: str, **values: object) -> str:
    """Like ``_`` for a Vietnamese text that needs two translations (gettext's msgctxt)."""
    return tr(_current, message, context=context, **values)


def _n(message: str, n: int, **values: object) -> str:
    """A text that counts (``{n}``): the catalog's plural form for ``n``."""
    return trn(_current, message, n, **values)


def second_language() -> str:
    """The language a two-language screen (the hall display) shows under Vietnamese: English unless chosen."""
    return "en" if _current == SOURCE_LANG else _current


def both(message: str, **values: object) -> tuple[str, str]:
    """(Vietnamese, second language) of ``message``, for screens read by everyone in the hall at once."""
    return tr(SOURCE_LANG, message, **values), tr(second_language(), message, **values)


def both_line(message: str, **values: object) -> str:
    """``"Tạm dừng / Paused"``: both texts on one line (one text when the catalog has none)."""
    first, second = both(message, **values)
    return first if first == second else f"{first} / {second}"


def site_text(vi: str, en: str | None) -> str:
    """Site data (a service's ``name``/``name_en``, a rating level's ``label``/``label_en``) in the language shown."""
    return in_language(vi, en or "", _current)


def N_(message: str) -> str:
    """Mark ``message`` for extraction only; it is translated with ``_`` where it is shown."""
    return message


def set_language(lang: str) -> None:
    """Show ``lang`` from now on; every open window retranslates at once (``QEvent.LanguageChange``)."""
    global _current
    check_language(lang)
    if lang == _current:
        return
    _current = lang
    if QApplication.instance() is None:
        return
    for window in QApplication.topLevelWidgets():
        QCoreApplication.sendEvent(window, QEvent(QEvent.Type.LanguageChange))


class Retranslating:
    """Mixin for a widget whose texts come from ``_()``: ``retranslate()`` runs on every language switch.

    Put it first (``class Panel(Retranslating, QFrame)``); the widget calls ``retranslate()`` at
    the end of its ``__init__`` too, so the texts are set in one place.
    """

    def retranslate(self) -> None:  # pragma: no cover - each widget overrides it
        raise NotImplementedError

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)  # type: ignore[misc]


class LanguageButton(Retranslating, QPushButton):
    """The visible switch: names the language it goes to (in that language), like the kiosk's button.

    A click goes through every installed language (Vietnamese, English, then any a site
    dropped in) and back; ``program`` names the workstation setting that remembers the choice.
    """

    def __init__(self, program: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("language")
        self.program = program
        self.clicked.connect(self.switch)
        self.retranslate()

    def switch(self) -> None:
        lang = next_language(language())
        set_language(lang)
        if self.program:
            remember_language(self.program, lang)

    def retranslate(self) -> None:
        self.setText(language_name(next_language(language())))
        self.setToolTip(_("Đổi ngôn ngữ"))


# ---------------------------------------------------------------- the workstation's choice
def _settings(program: str) -> QSettings:
    """Qt's per-user settings file (``~/.config/onestop-queue/<program>.ini`` on Linux, registry-free on Windows)."""
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "onestop-queue", program)


def remembered_language(program: str) -> str | None:
    """The language last chosen on this workstation, if its catalog is still installed."""
    value = _settings(program).value("language")
    return value if isinstance(value, str) and value in available_languages() else None


def remember_language(program: str, lang: str) -> None:
    settings = _settings(program)
    settings.setValue("language", lang)
    settings.sync()


def start_language(program: str, requested: str | None) -> str:
    """At start: ``--lang``/``$ONESTOP_LANG`` if given, else this workstation's last choice, else Vietnamese."""
    lang = check_language(requested) if requested else (remembered_language(program) or SOURCE_LANG)
    set_language(lang)
    return lang
