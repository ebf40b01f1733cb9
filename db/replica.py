"""Synced sites are read-only in the database they were copied into (docs/sync.md).

``onestop sync`` writes a ``setting`` row ``sync.replica.<CODE>`` in the
target for every site it copies; the queue operations that create or move
tickets refuse such a site (exit 3), so nobody issues a number in the
province's copy that the commune never heard of.  The mark lives in the
``setting`` table every database already has: no schema step.
"""

from __future__ import annotations

from db.errors import NotAllowed

#: ``setting.key`` prefix marking a site as a synced copy; the value is JSON about its source.
REPLICA_PREFIX = "sync.replica."


def replica_key(code: str) -> str:
    return REPLICA_PREFIX + code


def is_replica(site_id: int) -> bool:
    """True when the site ``site_id`` of this database is a copy written by ``onestop sync``."""
    from db.models import Setting, Site

    code = Site.select(Site.code).where(Site.id == site_id).scalar()
    return code is not None and Setting.select(Setting.id).where(Setting.key == replica_key(code)).exists()


def refuse_if_replica(code: str) -> None:
    """``NotAllowed`` (exit 3) for a queue change on a synced site's copy (one indexed read)."""
    from db.models import Setting

    if Setting.select(Setting.id).where(Setting.key == replica_key(code)).exists():
        raise NotAllowed("Điểm này là bản sao đồng bộ (chỉ đọc): hãy thao tác tại máy của điểm",
                         "This site is a synced copy (read-only): issue and call at the site's own database")
