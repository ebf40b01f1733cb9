"""After a sync pass the process's models read the source again, every one of them.

``onestop sync`` is a long-running service: if a model stayed bound to the
target after a pass, the next pass would read the province's rows as if they
were the commune's (this happened to the booking tables, listed twice).
"""

from __future__ import annotations

from db.connection import database_proxy
from db.models import ALL_MODELS


def test_every_model_is_bound_to_the_source_after_a_pass(site_db, tmp_path):
    from peewee import SqliteDatabase

    from db import sync
    from db.queue import issue_ticket

    issue_ticket("TP")
    target = sync.Target(SqliteDatabase(str(tmp_path / "province.db")))
    target.ensure_schema()
    (site_id, code), = sync.source_sites()
    results = sync.sync_site(target, site_id, code)
    assert results and results[-1].rows, "the pass copied nothing: the test would prove nothing"
    stuck = [m.__name__ for m in ALL_MODELS if m._meta.database is not database_proxy]
    assert stuck == [], f"still bound to the target after the pass: {stuck}"
