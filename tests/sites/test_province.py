"""The province view: every site's figures, and two sites never mix in them."""

from __future__ import annotations

import pytest

from db import current_site
from tests.sites.test_sites import _import


@pytest.fixture(autouse=True)
def _no_site_chosen(monkeypatch):
    monkeypatch.delenv(current_site.ENV, raising=False)
    current_site.choose(None)
    yield
    current_site.choose(None)


def test_province_view_gives_each_site_its_own_figures_and_marks_the_one_over_target(db_url, clock):
    from db.connection import close, connect
    from db.province import province_view
    from db.queue import call_next, finish_service, issue_ticket, start_service

    close()
    connect(db_url)
    try:
        _import("QK", "Xã Quang Kim")
        _import("BX", "Xã Bản Xèo")
        start = clock(8, 0)
        current_site.choose("QK")
        for i in range(3):
            issue_ticket("TP", now=start + i)
        current_site.choose("BX")
        issue_ticket("TP", now=start + 10)
        issue_ticket("TP", now=clock(9, 25))
        call_next(1, now=clock(9, 26))
        start_service(1, now=clock(9, 26))
        finish_service(1, now=clock(9, 27))
        current_site.choose(None)

        rows = {r["site"]: r for r in province_view(now=clock(9, 30))}
        assert set(rows) == {"BX", "QK"}
        qk, bx = rows["QK"], rows["BX"]
        assert (qk["waiting"], qk["served_today"]) == (3, 0)
        assert (bx["waiting"], bx["served_today"]) == (1, 1)
        assert qk["longest_wait_s"] == pytest.approx(clock(9, 30) - start, abs=0.2)
        assert bx["longest_wait_s"] == pytest.approx(clock(9, 30) - clock(9, 25), abs=0.2)
        assert qk["over_target"] is True and bx["over_target"] is False
        assert qk["target_wait_s"] is not None
        assert qk["data_up_to"] == pytest.approx(start + 2, abs=0.01)
        assert bx["data_up_to"] == pytest.approx(clock(9, 27), abs=0.01)
        assert qk["name"] == "Xã Quang Kim"
    finally:
        close()
