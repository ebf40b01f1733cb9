"""The province view: every site of the database at a glance (docs/reports.md "Province view").

One small set of grouped queries for all sites together (never one query per
site), so the view stays cheap with a hundred sites in one PostgreSQL:

* waiting now, and the longest wait now (now - ``queue_at`` of the oldest
  waiting ticket) against its service's ``target_wait_min``; a site is
  ``over_target`` when any waiting ticket waits longer than its service's target;
* counters open = active, not paused, an officer signed in;
* served today and satisfaction today, "today" being each site's own local day
  (its timezone); satisfaction = the mean of today's counted presses
  (``rating_mean``) with their number (``ratings``) -- the mean, because levels
  are per site and a mean reads the same on a 3- and a 5-level keypad;
* ``data_up_to`` = time of the site's latest event in this database: in a
  province database fed by ``onestop sync`` that is how fresh the copy is;
  ``synced`` says whether the site is such a copy (``db.replica``) or writes here itself.
"""

from __future__ import annotations

from typing import Any

from db import clock, replica, statuses
from db.connection import database_proxy, is_postgres, read_transaction, with_retry
from db.models import Setting, Site


def _rows(text: str, params: tuple = ()) -> list[tuple]:
    sql = text.replace("?", "%s") if is_postgres() else text
    return list(database_proxy.obj.execute_sql(sql, params).fetchall())


def province_view(*, now: float | None = None) -> list[dict[str, Any]]:
    """One row per site (ordered by code): the figures above, JSON-ready."""
    moment = clock.now_epoch(now)

    def read() -> list[dict[str, Any]]:
        with read_transaction():
            sites = list(Site.select(Site.id, Site.code, Site.name, Site.timezone).order_by(Site.code))
            today = {s.id: clock.service_day(moment, s.timezone) for s in sites}
            days = sorted(set(today.values())) or [""]
            marks = ", ".join("?" for _ in days)
            waiting = _rows(f"""
                SELECT s.site_id, s.target_wait_min, COUNT(*), MIN(t.queue_at)
                FROM ticket t JOIN service s ON s.id = t.service_id
                WHERE t.status = '{statuses.WAITING}'
                GROUP BY s.site_id, s.id, s.target_wait_min""")
            counters = _rows("""
                SELECT site_id, COUNT(*) FROM counter
                WHERE active = ? AND paused = ? AND officer_id IS NOT NULL GROUP BY site_id""", (True, False))
            # Today's served tickets and presses: a province's day is ~240,000 tickets, so both are
            # counted from covering indexes (ticket (status, service_day, service_id), rating
            # (service_day, counter_id, counted, value): no table reads), grouped by service or
            # counter first (in index order), and only those few hundred groups joined to their site.
            served = _rows(f"""
                SELECT s.site_id, g.service_day, SUM(g.n)
                FROM (SELECT t.service_id, t.service_day, COUNT(*) AS n FROM ticket t
                      WHERE t.status = '{statuses.DONE}' AND t.service_day IN ({marks})
                      GROUP BY t.service_id, t.service_day) g
                JOIN service s ON s.id = g.service_id
                GROUP BY s.site_id, g.service_day""", tuple(days))
            ratings = _rows(f"""
                SELECT c.site_id, g.service_day, SUM(g.n), SUM(g.total)
                FROM (SELECT r.counter_id, r.service_day, COUNT(*) AS n, SUM(r.value) AS total FROM rating r
                      WHERE r.service_day IN ({marks}) AND r.counted = ?
                      GROUP BY r.counter_id, r.service_day) g
                JOIN counter c ON c.id = g.counter_id
                GROUP BY c.site_id, g.service_day""", (*days, True))
            # The newest event per site through the (site_id, id) index: one lookup per site, one statement.
            latest = _rows("""
                SELECT s.id, (SELECT e.at FROM event e WHERE e.site_id = s.id ORDER BY e.id DESC LIMIT 1)
                FROM site s""")
            synced = {key[len(replica.REPLICA_PREFIX):] for (key,) in Setting.select(Setting.key).where(
                Setting.key.startswith(replica.REPLICA_PREFIX)).tuples()}
        rows = {s.id: {"site": s.code, "name": s.name, "waiting": 0, "longest_wait_s": None, "target_wait_s": None,
                       "over_target": False, "counters_open": 0, "served_today": 0, "ratings": 0,
                       "rating_mean": None, "data_up_to": None, "today": today[s.id],
                       "timezone": s.timezone, "synced": s.code in synced} for s in sites}
        for site_id, target_min, count, oldest in waiting:
            row = rows.get(site_id)
            if row is None:
                continue
            row["waiting"] += int(count)
            wait = max(0.0, moment - float(oldest))
            if row["longest_wait_s"] is None or wait > row["longest_wait_s"]:
                row["longest_wait_s"] = round(wait, 1)
                row["target_wait_s"] = None if target_min is None else int(target_min) * 60
            if target_min is not None and wait > int(target_min) * 60:
                row["over_target"] = True
        for site_id, count in counters:
            if site_id in rows:
                rows[site_id]["counters_open"] = int(count)
        for site_id, day, count in served:
            if site_id in rows and today[site_id] == day:
                rows[site_id]["served_today"] = int(count)
        for site_id, day, count, total in ratings:
            if site_id in rows and today[site_id] == day and count:
                rows[site_id]["ratings"] = int(count)
                rows[site_id]["rating_mean"] = round(float(total) / int(count), 2)
        for site_id, at in latest:
            if site_id in rows and at is not None:
                rows[site_id]["data_up_to"] = float(at)
        return list(rows.values())

    return with_retry(read)


def holds_several_sites() -> bool:
    """True when the database holds more than one site (the admin program then shows its province tab)."""
    return with_retry(lambda: Site.select(Site.id).limit(2).count() > 1)
