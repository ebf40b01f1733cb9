"""The one error vocabulary: the table, the CLI's one mapping, the docs that cannot drift."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys
from pathlib import Path

import pytest

import cli.queue_commands
import db
from cli.main import main
from errors import KINDS, UNEXPECTED_EN, UNEXPECTED_EXIT_CODE, UNEXPECTED_VI, Kind, OnestopError
from errors.docs import markdown_table

ROOT = Path(__file__).parents[1]


def test_every_kind_has_an_exit_code_and_an_http_status():
    assert set(KINDS) == set(Kind)
    for info in KINDS.values():
        assert info.exit_code in (2, 3) and 400 <= info.http_status < 600 and info.meaning


def test_docs_errors_md_is_the_generated_table():
    assert markdown_table() in (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")


def test_every_domain_error_is_part_of_the_vocabulary():
    for module_info in pkgutil.iter_modules(db.__path__, "db."):
        module = importlib.import_module(module_info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Exception) and cls.__module__ == module.__name__:
                assert issubclass(cls, OnestopError), f"{cls.__module__}.{cls.__name__} is not an OnestopError"
                assert cls.kind in KINDS


def test_an_error_carries_both_languages_and_its_kind():
    exc = OnestopError("Không có quầy 7", "No counter 7", kind=Kind.NOT_FOUND)
    assert (exc.message("vi"), exc.message("en"), exc.exit_code, exc.http_status) == (
        "Không có quầy 7", "No counter 7", 2, 404)
    assert exc.to_json() == {"error": "No counter 7", "error_vi": "Không có quầy 7", "kind": "not_found"}


def _status_raises(monkeypatch, exc: BaseException) -> None:
    def refuse(args) -> int:
        raise exc

    monkeypatch.setattr(cli.queue_commands, "cmd_status", refuse)


@pytest.mark.parametrize("kind", list(Kind))
def test_the_cli_maps_each_kind_to_its_exit_code_with_one_line(monkeypatch, capsys, kind):
    _status_raises(monkeypatch, OnestopError("Bị từ chối", "Refused", kind=kind))
    assert main(["status"]) == KINDS[kind].exit_code
    out, err = capsys.readouterr()
    assert out == "" and err == "onestop: Bị từ chối / Refused\n"


def test_an_unexpected_failure_is_one_line_and_exit_1(monkeypatch, capsys):
    _status_raises(monkeypatch, ZeroDivisionError("division by zero"))
    assert main(["status"]) == UNEXPECTED_EXIT_CODE == 1
    _, err = capsys.readouterr()
    assert len(err.splitlines()) == 1 and UNEXPECTED_VI in err and UNEXPECTED_EN in err
    assert "ZeroDivisionError" in err and "Traceback" not in err


def test_debug_shows_the_traceback(monkeypatch, capsys):
    _status_raises(monkeypatch, ZeroDivisionError("division by zero"))
    assert main(["--debug", "status"]) == 1
    _, err = capsys.readouterr()
    assert "Traceback" in err and "refuse" in err


def test_a_command_module_that_cannot_be_imported_fails_the_cli(monkeypatch, capsys):
    import kiosk_app

    monkeypatch.delattr(kiosk_app, "command", raising=False)
    monkeypatch.setitem(sys.modules, "kiosk_app.command", None)   # importing it now raises ImportError
    assert main(["status"]) == 1
    _, err = capsys.readouterr()
    assert "ModuleNotFoundError" in err and "kiosk_app.command" in err and len(err.splitlines()) == 1


def test_no_cli_module_hard_codes_an_exit_code():
    for path in (ROOT / "cli").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for code in (2, 3):
            assert f"return {code}\n" not in text, f"{path}: raise an error of the right kind instead"


def test_programs_take_the_db_option_from_below_the_programs():
    for program in ("kiosk_app", "counter_app", "display_app", "admin_app"):
        text = (ROOT / program / "command.py").read_text(encoding="utf-8")
        assert "from services.options import add_db_option" in text and "cli.main" not in text
