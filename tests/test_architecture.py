"""The layers of docs/architecture.md hold, and the check that says so can fail.

* ``lint-imports`` keeps the contracts of ``[tool.importlinter]`` in
  ``pyproject.toml`` on the real code;
* the same contracts, run on a skeleton of our packages with one forbidden
  import added, report it broken (so a contract that checks nothing would be
  noticed);
* every ``hardware`` module imports, in a fresh interpreter, without loading
  the database or anything above it (this also catches imports made inside
  functions or through ``importlib``);
* product code compares ticket statuses against ``db.statuses``, never
  against bare strings.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from db import statuses

ROOT = Path(__file__).resolve().parents[1]
PROGRAMS = ("cli", "kiosk_app", "counter_app", "display_app", "admin_app", "web")
PRODUCT = ("errors", "db", "hardware", "services", "ui_common", *PROGRAMS)

LINT = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"


def lint_imports(cwd: Path, *args: str, pythonpath: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ}
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    return subprocess.run([sys.executable, "-c", LINT, "--no-cache", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=240)


def test_the_code_keeps_every_import_contract():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_every_product_package_is_under_the_contracts():
    """A package the linter is not told about is not checked at all (e.g. ``web`` once it exists)."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    checked = set(pyproject["tool"]["importlinter"]["root_packages"])
    shipped = {pattern.rstrip("*") for pattern in pyproject["tool"]["setuptools"]["packages"]["find"]["include"]}
    present = {name for name in shipped | set(PRODUCT) if (ROOT / name / "__init__.py").is_file()}
    assert present - {"assets"} <= checked, f"add to [tool.importlinter] root_packages: {sorted(present - checked)}"


# ---------------------------------------------------------------- the contracts can fail

def _contracts_config() -> str:
    """The ``[tool.importlinter]`` section of pyproject.toml, without the temporary ignores."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    lines = ["[importlinter]", "root_packages =", *(f"    {package}" for package in config["root_packages"])]
    for contract in config["contracts"]:
        lines.append(f"[importlinter:contract:{contract['id']}]")
        for key, value in contract.items():
            if key in ("id", "ignore_imports"):
                continue
            if isinstance(value, list):
                lines.append(f"{key} =")
                lines.extend(f"    {item}" for item in value)
            else:
                lines.append(f"{key} = {value}")
    return "\n".join(lines) + "\n"


def _skeleton(tmp_path: Path, imports: dict[str, str]) -> Path:
    """Empty packages named like ours; ``imports`` maps a module to the module it imports."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    for package in config["root_packages"]:
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("")
    for importer, imported in imports.items():
        path = tmp_path / Path(*importer.split(".")).with_suffix(".py")
        # inside a function, like the lazy imports the old code used
        path.write_text(f"def load():\n    import {imported}\n")
    (tmp_path / ".importlinter").write_text(_contracts_config())
    return tmp_path


#: What the layers allow: each program may use everything below it.
ALLOWED = {
    "cli.app_entry": "kiosk_app",          # cli starts the apps' entry points
    "kiosk_app.window": "ui_common",
    "counter_app.session": "services",
    "display_app.board": "hardware",
    "admin_app.data": "db",
    "ui_common.keypad": "services",
    "services.printing": "hardware",
    "services.queue": "db",
    "db.failure": "errors",
    "hardware.failure": "errors",
}


def test_a_skeleton_with_only_downward_imports_keeps_the_contracts(tmp_path):
    root = _skeleton(tmp_path, ALLOWED)
    result = lint_imports(root, pythonpath=root)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(("importer", "imported"), [
    ("hardware.printing", "db"),                 # the rule of issue 12: hardware never imports db
    ("hardware.keypad", "services"),
    ("hardware.speech", "ui_common"),
    ("db.queue", "hardware"),                    # the domain does not drive devices either
    ("db.queue", "services"),
    ("services.printing", "ui_common"),
    ("ui_common.feed", "kiosk_app"),
    ("kiosk_app.window", "counter_app"),         # programs never import each other
    ("counter_app.session", "cli"),
    ("errors.table", "db"),
])
def test_an_upward_or_sideways_import_breaks_a_contract(tmp_path, importer, imported):
    root = _skeleton(tmp_path, {**ALLOWED, importer: imported})
    result = lint_imports(root, pythonpath=root)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{importer} -> {imported}" in result.stdout


# ---------------------------------------------------------------- hardware at run time

def test_every_hardware_module_imports_without_the_database_or_any_layer_above():
    script = """
import importlib, pkgutil, sys
import hardware
names = [m.name for m in pkgutil.walk_packages(hardware.__path__, "hardware.")]
for name in names:
    importlib.import_module(name)
above = ("db", "services", "ui_common", "cli", "kiosk_app", "counter_app", "display_app", "admin_app", "web")
print(len(names), sorted({m.split(".")[0] for m in sys.modules} & set(above)))
"""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    count, loaded = result.stdout.strip().splitlines()[-1].split(" ", 1)
    assert int(count) > 20 and loaded == "[]"


# ---------------------------------------------------------------- status names

def _status_literals(tree: ast.AST) -> list[int]:
    """Lines comparing something called ``status`` with a bare status string, or setting it to one."""
    def literal(node: ast.AST) -> bool:
        if isinstance(node, ast.Constant):
            return node.value in statuses.ALL
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            return any(literal(element) for element in node.elts)
        return False

    def named_status(node: ast.AST) -> bool:
        return (isinstance(node, ast.Name) and node.id == "status") or \
            (isinstance(node, ast.Attribute) and node.attr == "status")

    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and named_status(node.left) and any(literal(c) for c in node.comparators):
            found.append(node.lineno)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "in_" \
                and named_status(node.func.value) and any(literal(a) for a in node.args):
            found.append(node.lineno)
        elif isinstance(node, ast.keyword) and node.arg == "status" and literal(node.value):
            found.append(node.value.lineno)
    return found


def test_product_code_names_ticket_statuses_instead_of_spelling_them():
    offenders = []
    for package in PRODUCT:
        for path in sorted((ROOT / package).rglob("*.py")) if (ROOT / package).is_dir() else ():
            if path == ROOT / "db" / "statuses.py":
                continue
            for line in _status_literals(ast.parse(path.read_text(encoding="utf-8"))):
                offenders.append(f"{path.relative_to(ROOT)}:{line}")
    assert offenders == [], "use db.statuses: " + ", ".join(offenders)


def test_the_status_check_sees_a_bare_literal():
    code = 'if ticket.status == "serving":\n    pass\nq = Ticket.status.in_(("called", "serving"))\nf(status="done")\n'
    assert _status_literals(ast.parse(code)) == [1, 3, 4]
