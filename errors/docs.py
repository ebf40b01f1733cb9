"""The error table of ``docs/errors.md``, generated from ``errors.KINDS`` so it cannot drift.

``python -m errors.docs`` prints the table; ``python -m errors.docs --write``
rewrites it in place between the two marker comments of ``docs/errors.md``.
A test compares the file with :func:`markdown_table`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from errors import KINDS, UNEXPECTED_EXIT_CODE, UNEXPECTED_HTTP_STATUS

BEGIN = "<!-- begin: generated from errors.KINDS by `python -m errors.docs --write` -->"
END = "<!-- end: generated -->"


def markdown_table() -> str:
    """One row per kind, in the table's order, plus the row for anything unexpected."""
    lines = ["| kind | exit code | HTTP status | meaning |", "|---|---|---|---|"]
    for kind, info in KINDS.items():
        lines.append(f"| `{kind.value}` | {info.exit_code} | {info.http_status} | {info.meaning} |")
    lines.append(f"| (anything else) | {UNEXPECTED_EXIT_CODE} | {UNEXPECTED_HTTP_STATUS} | "
                 "an unexpected failure (a bug, a broken install): one line for the person, the details in the log |")
    return "\n".join(lines) + "\n"


def replace_table(document: str) -> str:
    """``document`` with the text between the markers replaced by the current table."""
    head, sep, rest = document.partition(BEGIN)
    _, sep2, tail = rest.partition(END)
    if not sep or not sep2:
        raise ValueError("docs/errors.md lacks the table markers")
    return f"{head}{BEGIN}\n{markdown_table()}{END}{tail}"


def main(argv: list[str]) -> int:
    if argv[:1] == ["--write"]:
        path = Path(argv[1]) if len(argv) > 1 else Path("docs/errors.md")
        path.write_text(replace_table(path.read_text(encoding="utf-8")), encoding="utf-8")
        return 0
    sys.stdout.write(markdown_table())
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
