"""A database password never appears in an error; URL options such as sslmode reach libpq."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from db.connection import make_database, mask_url
from db.errors import InvalidInput

ROOT = Path(__file__).resolve().parents[2]
SECRET = "TopSecret99"


def _status(url: str, *, debug: bool = False) -> subprocess.CompletedProcess:
    """``onestop status``; with ``debug`` the full log and traceback output (``--debug``)."""
    return subprocess.run([sys.executable, "-m", "cli.main", *(["--debug"] if debug else []), "status", "--db", url],
                          cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)


@pytest.mark.parametrize("url", [
    f"postgresq://user:{SECRET}@h/db",                      # mistyped scheme
    f"postgresql+psycopg://user:{SECRET}@127.0.0.1:1/db",   # SQLAlchemy spelling, nothing listening
    f"postgresql://user:{SECRET}@127.0.0.1:1/",              # no database name
    f"postgresql://user:{SECRET}@127.0.0.1:port/db",         # broken port
    f"postgresql://user:{SECRET}@127.0.0.1:1/db?sslmod=require",  # misspelt option
    f"postgresql://user:{SECRET}@127.0.0.1:1/db?sslmode=bogus",
    f"mysql://user:{SECRET}@h/db",
])
@pytest.mark.parametrize("debug", [False, True], ids=["plain", "debug-log"])
def test_a_bad_url_is_refused_without_echoing_its_password(url, debug):
    run = _status(url, debug=debug)
    assert run.returncode != 0
    assert SECRET not in run.stderr and SECRET not in run.stdout
    assert "Traceback" not in run.stderr
    assert "***" in run.stderr or "connection" in run.stderr.lower()


def test_a_wrong_password_on_a_real_server_is_not_echoed(secure_pg):
    _, dbname = secure_pg.fresh_database()
    run = _status(secure_pg.role_url("nobody", dbname, password=SECRET))
    assert run.returncode == 3
    assert "password authentication failed" in run.stderr
    assert "unavailable" not in run.stderr.lower()     # said as what it is: retrying cannot help
    assert len(run.stderr.splitlines()) == 1
    assert SECRET not in run.stderr


def test_mask_url_hides_passwords_wherever_they_appear():
    text = f"cannot open postgresql://u:{SECRET}@h:5432/db and host=h password={SECRET} sslpassword={SECRET}"
    masked = mask_url(text)
    assert SECRET not in masked
    assert "postgresql://u:***@h:5432/db" in masked


def test_libpq_options_in_the_url_are_passed_through():
    db = make_database("postgresql://kiosk:pw@10.0.0.5/onestop?sslmode=verify-full&sslrootcert=/etc/onestop/ca.pem"
                       "&application_name=kiosk-1")
    assert db.connect_params["sslmode"] == "verify-full"
    assert db.connect_params["sslrootcert"] == "/etc/onestop/ca.pem"
    assert db.connect_params["application_name"] == "kiosk-1"
    with pytest.raises(InvalidInput) as caught:
        make_database("postgresql://kiosk:pw@10.0.0.5/onestop?sslmode=require&ssl_mode=x")
    assert "ssl_mode" in caught.value.message("en") and ":pw@" not in caught.value.message("en")


def test_sslmode_require_reaches_the_server(pg_server, secure_pg):
    plain_url = pg_server.create_database()           # the shared test server has no TLS
    run = _status(plain_url + "?sslmode=require")
    assert run.returncode == 3 and "SSL" in run.stderr   # libpq refused: the option was applied
    url, _ = secure_pg.fresh_database()             # this one speaks TLS: verify-full against its CA
    subprocess.run([sys.executable, "-m", "cli.main", "init", "--db", url], cwd=ROOT, check=True, capture_output=True)
    run = _status(url + f"?sslmode=verify-full&sslrootcert={secure_pg.ca}")
    assert run.returncode == 0, run.stderr
