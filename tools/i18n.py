"""Developer command for the gettext catalogs: ``python -m tools.i18n extract|compile|check``.

``extract`` collects every msgid of the programs into ``assets/locale/onestop.pot`` and merges it
into each shipped ``.po`` with GNU ``msgmerge`` (new texts appear with an empty ``msgstr`` to
translate).  Two kinds of source: the keyed tables of the kiosk and the web pages, and the
inline ``_("…")``/``_p(ctx, "…")``/``_n("…", n)``/``N_("…")`` calls of the Qt programs
(``ui_common.i18n``), found by reading the code's syntax tree (``ast``), so what is extracted is
exactly the string Python evaluates (escapes, implicit concatenation).
``compile`` turns every ``assets/locale/<lang>/LC_MESSAGES/onestop.po`` into its ``.mo``
with GNU ``msgfmt`` (``pybabel compile -d assets/locale -D onestop`` does the same); the
``.mo`` files are committed and shipped as package data, so an installed PC needs no tool.
``check`` fails when a committed ``.mo`` is not its ``.po`` compiled, a text of any program
has no English entry, or a function of a translated module binds the name ``_``.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from services.translations import DOMAIN, SHIPPED_DIR

ROOT = Path(__file__).resolve().parent.parent
#: the packages whose inline ``_("…")`` texts are extracted (the kiosk and web use keyed tables)
INLINE_PACKAGES = ("counter_app", "display_app", "admin_app", "ui_common")
#: keyword -> (index of the msgctxt argument or None, index of the msgid argument, counts)
KEYWORDS: dict[str, tuple[int | None, int, bool]] = {
    "_": (None, 0, False), "N_": (None, 0, False), "_p": (0, 1, False), "_n": (None, 0, True),
    "both": (None, 0, False), "both_line": (None, 0, False),
}
POT = SHIPPED_DIR / f"{DOMAIN}.pot"


@dataclass(frozen=True)
class Message:
    context: str | None
    msgid: str
    where: str
    plural: bool = False


def _constant(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def inline_messages(paths: list[Path]) -> list[Message]:
    """The msgids of ``_``/``_p``/``_n``/``N_`` calls in these files; a non-literal msgid is a mistake, reported."""
    found: list[Message] = []
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in KEYWORDS):
                continue
            ctx_index, msg_index, counts = KEYWORDS[node.func.id]
            where = f"{path.relative_to(ROOT).as_posix()}:{node.lineno}"
            if len(node.args) <= msg_index:
                continue
            msgid = _constant(node.args[msg_index])
            context = _constant(node.args[ctx_index]) if ctx_index is not None else None
            if msgid is None or (ctx_index is not None and context is None):
                if node.func.id in ("_", "both", "both_line"):
                    continue       # ``_(TABLE[key])``: the table's entries are marked with ``N_``
                raise SystemExit(f"{where}: {node.func.id}() needs string literals")
            # the file only, no line: a catalog must not change each time code moves in a file
            found.append(Message(context, msgid, path.relative_to(ROOT).as_posix(), counts))
    return found


def shadowed_underscore(paths: list[Path]) -> list[str]:
    """Places that bind the name ``_`` (a parameter, ``*_``, a loop or assignment target) in a module that
    translates with ``_()``: inside that function ``_("…")`` would call the wrong thing."""
    found = []
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        imports = any(isinstance(n, ast.ImportFrom) and n.module == "ui_common.i18n"
                      and any(a.name == "_" for a in n.names) for n in tree.body)
        if not imports:
            continue
        for node in ast.walk(tree):
            names: list[ast.arg | ast.Name] = []
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                a = node.args
                names += [*a.posonlyargs, *a.args, *a.kwonlyargs, *(x for x in (a.vararg, a.kwarg) if x)]
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.append(node)
            for name in names:
                if (name.arg if isinstance(name, ast.arg) else name.id) == "_":
                    where = f"{path.relative_to(ROOT).as_posix()}:{name.lineno}"
                    found.append(f"{where}: binds _ (shadows the translation)")
    return found


def _inline_paths() -> list[Path]:
    return sorted(p for package in INLINE_PACKAGES for p in (ROOT / package).rglob("*.py"))


def messages() -> list[Message]:
    """Every msgid of every program, in a stable order (keyed tables first), each once."""
    from kiosk_app.texts import DAY_RANGE_VI, EVERY_DAY, WAITING
    from kiosk_app.texts import TEXTS as KIOSK
    from web.i18n import SOURCE as WEB

    entries = [Message(None, "Tiếng Việt", "the language's own name (language switches)")]
    entries += [Message(None, text, f"web: {key}") for key, text in WEB.items()]
    for key, value in KIOSK.items():
        context, text = (None, value) if isinstance(value, str) else value
        entries.append(Message(context, text, f"kiosk: {key}"))
    entries.append(Message(None, WAITING, "kiosk: waiting", plural=True))
    entries += [Message(None, day, "kiosk: opening days") for day in (*DAY_RANGE_VI.values(), EVERY_DAY)]
    entries += inline_messages(_inline_paths())
    unique: dict[tuple[str | None, str], Message] = {}
    for entry in entries:
        unique.setdefault((entry.context, entry.msgid), entry)
    return list(unique.values())


def _sources() -> list[tuple[str | None, str]]:
    """(context, msgid) of every text of the programs (``check`` asks each for an English entry)."""
    return [(m.context, m.msgid) for m in messages()]


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{escaped}"'


def pot_text(entries: list[Message]) -> str:
    lines = ['# Every text of onestop-queue; msgids are the Vietnamese source (python -m tools.i18n extract).',
             'msgid ""', 'msgstr ""', '"Content-Type: text/plain; charset=UTF-8\\n"',
             '"Content-Transfer-Encoding: 8bit\\n"', ""]
    for entry in entries:
        lines.append(f"#. {entry.where}" if " " in entry.where else f"#: {entry.where}")
        if "{" in entry.msgid:
            lines.append("#, python-brace-format")
        if entry.context is not None:
            lines.append(f"msgctxt {_quote(entry.context)}")
        lines.append(f"msgid {_quote(entry.msgid)}")
        if entry.plural:
            lines += [f"msgid_plural {_quote(entry.msgid)}", 'msgstr[0] ""', 'msgstr[1] ""']
        else:
            lines.append('msgstr ""')
        lines.append("")
    return "\n".join(lines)


def extract() -> int:
    POT.write_text(pot_text(messages()), encoding="utf-8")
    print(f"wrote {POT}")
    for po in sorted(SHIPPED_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        subprocess.run(["msgmerge", "--quiet", "--update", "--backup=none", "--no-fuzzy-matching", "--no-wrap",
                        str(po), str(POT)], check=True)
        print(f"merged into {po}")
    return 0


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


def check() -> int:
    from services.translations import reload, translations

    problems = [f"{po}: the committed .mo is not this .po compiled (run: python -m tools.i18n compile)"
                for po in SHIPPED_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po") if not _compiled_matches(po)]
    problems += shadowed_underscore(_inline_paths())
    reload()
    english = translations("en")
    problems += [f"no English for {text!r}" for context, text in _sources() if text.strip(" -—")
                 and (english.pgettext(context, text) if context else english.gettext(text)) == text]
    print("\n".join(problems) or "catalogs ok")
    return 1 if problems else 0


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "compile"
    return {"extract": extract, "compile": compile_all, "check": check}[command]()


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
