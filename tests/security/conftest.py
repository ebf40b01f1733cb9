"""A PostgreSQL server that checks passwords and speaks TLS, for the role and TLS tests.

The session's shared test server trusts every local connection, so a role's
password would prove nothing there.  This one (started once per module that
asks for it) has a self-signed certificate for 127.0.0.1 and a ``pg_hba.conf``
that trusts only the ``postgres`` owner and asks every other role for its
SCRAM password over TLS, the way docs/deployment.md sets up a hall.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid

import pytest
from pg_server import PostgresServer

ROLE_PASSWORD = "Hall-PC-Secret-42"


class SecureServer(PostgresServer):
    def secure(self) -> None:
        cert, key = self.data / "server.crt", self.data / "server.key"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                        "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
        self.ca = self.root / "ca.crt"
        shutil.copy(cert, self.ca)
        os.chmod(key, 0o600)
        if self.as_root:
            shutil.chown(cert, "postgres")
            shutil.chown(key, "postgres")
        (self.data / "pg_hba.conf").write_text(
            "local all all trust\n"
            "host all postgres 127.0.0.1/32 trust\n"
            "hostssl all all 127.0.0.1/32 scram-sha-256\n"
        )
        with open(self.data / "postgresql.auto.conf", "a") as conf:
            conf.write("ssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n"
                       "password_encryption = 'scram-sha-256'\n")
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-w", "reload")

    def role_url(self, role: str, dbname: str, *, password: str = ROLE_PASSWORD, ssl: str | None = None) -> str:
        query = ssl or f"sslmode=verify-full&sslrootcert={self.ca}"
        return f"postgresql://{role}:{password}@127.0.0.1:{self.port}/{dbname}?{query}"

    def fresh_database(self) -> tuple[str, str]:
        url = self.create_database()
        return url, url.rsplit("/", 1)[1]


@pytest.fixture(scope="module")
def secure_pg():
    server = SecureServer()
    server.start()
    try:
        server.secure()
        yield server
    finally:
        server.cleanup()


@pytest.fixture
def hall(secure_pg):
    """A hall database with the built-in site, the program roles created and their passwords set."""
    import psycopg

    from db.connection import close, connect
    from db.roles import ROLE_NAMES, create_roles
    from db.site import import_site
    from db.site_config import load_site_file

    owner_url, dbname = secure_pg.fresh_database()
    close()
    connect(owner_url)
    import_site(load_site_file(None), actor="it-staff")
    report = create_roles()
    with psycopg.connect(secure_pg.url(dbname), autocommit=True) as conn:
        for role in ROLE_NAMES:
            conn.execute(f"ALTER ROLE {role} PASSWORD '{ROLE_PASSWORD}'")
    close()
    yield {"server": secure_pg, "owner_url": owner_url, "db": dbname, "report": report,
           "url": lambda role, **kw: secure_pg.role_url(role, dbname, **kw), "id": uuid.uuid4().hex}
    close()
