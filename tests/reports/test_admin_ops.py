"""Administration writes (``db.admin_ops``) and the site TOML export, on both engines."""

from __future__ import annotations

import json
import tomllib

import pytest
from fixture_day import at

from db import admin_ops, queue
from db.errors import AuthError, InvalidInput, NotAllowed, ServiceClosed
from db.events import events_after
from db.models import Officer
from db.officers import authenticate
from db.permissions import LOCAL_ADMIN, Actor
from db.site import import_site, list_counters, list_services, load_site
from db.site_config import parse_site_text
from db.site_export import export_site_toml

#: The built-in site's accounts, as a login returns them (the domain re-reads the role itself).
OFFICER = Actor("lan", "officer")
SUPERVISOR = Actor("quang", "supervisor")
ADMIN = Actor("admin", "admin")


def acting(username: str) -> Actor:
    row = Officer.get(Officer.username == username)
    return Actor(row.username, row.role)


def kinds() -> list[str]:
    return [e.kind for e in events_after(0, limit=10_000)]


def test_new_service_is_issued_and_listed_last(site_db):
    info = admin_ops.create_service("HC", "Hành chính chung", "H", name_en="General affairs", target_wait_min=10,
                                    actor=ADMIN)
    assert info.code == "HC" and info.target_wait_min == 10
    assert [s.code for s in list_services()][-1] == "HC"
    admin_ops.create_counter(5, "Quầy 5 - Tổng hợp", ["HC", "TP"], actor=ADMIN)
    assert list_counters()[-1].services == ("HC", "TP")
    assert queue.issue_ticket("HC", now=at(9, 0)).code == "H001"
    assert {"service_created", "counter_created"} <= set(kinds())


def test_service_codes_and_prefixes_stay_unique(site_db):
    with pytest.raises(InvalidInput):
        admin_ops.create_service("TP", "Trùng mã", "Z", actor=ADMIN)
    with pytest.raises(InvalidInput, match="A"):
        admin_ops.create_service("ZZ", "Trùng tiền tố", "A", actor=ADMIN)
    with pytest.raises(InvalidInput):
        admin_ops.create_service("bad code", "x", "Z", actor=ADMIN)


def test_deactivated_service_issues_nothing(site_db):
    admin_ops.set_service_active("DD", False, actor=ADMIN)
    with pytest.raises(ServiceClosed):
        queue.issue_ticket("DD", now=at(9, 0))
    admin_ops.set_service_active("DD", True, actor=ADMIN)
    assert queue.issue_ticket("DD", now=at(9, 1)).code == "C001"


def test_counter_holding_a_ticket_cannot_be_closed(site_db):
    queue.issue_ticket("TP", now=at(9, 0))
    queue.call_next(1, now=at(9, 1))
    with pytest.raises(NotAllowed):
        admin_ops.set_counter_active(1, False, actor=ADMIN)
    queue.finish_service(1, now=at(9, 5))
    assert admin_ops.set_counter_active(1, False, actor=ADMIN).active is False
    assert 1 not in [c.number for c in list_counters()]


def test_officer_lifecycle_create_reset_pin_deactivate(site_db):
    admin_ops.create_officer("tuan", "Phạm Văn Tuấn", "officer", "4321", actor=ADMIN)
    assert authenticate("tuan", "4321").full_name == "Phạm Văn Tuấn"
    for _ in range(5):
        with pytest.raises(AuthError):
            authenticate("tuan", "0000")
    assert next(o for o in admin_ops.list_officers() if o.username == "tuan").locked
    admin_ops.reset_pin("tuan", "5678", actor=ADMIN)
    with pytest.raises(AuthError):
        authenticate("tuan", "4321")
    assert authenticate("tuan", "5678").username == "tuan"  # lockout lifted
    admin_ops.set_officer_active("tuan", False, actor=ADMIN)
    with pytest.raises(AuthError):
        authenticate("tuan", "5678")
    assert "5678" not in json.dumps([e.data for e in events_after(0, limit=10_000)])
    assert "pin_reset" in kinds() and "officer_deactivated" in kinds()


def test_pins_and_roles_are_checked(site_db):
    with pytest.raises(InvalidInput):
        admin_ops.create_officer("x1", "X", "officer", "12", actor=ADMIN)
    with pytest.raises(InvalidInput):
        admin_ops.create_officer("x2", "X", "boss", "1234", actor=ADMIN)
    with pytest.raises(InvalidInput):
        admin_ops.create_officer("lan", "Trùng", "officer", "1234", actor=ADMIN)


def test_nobody_locks_the_site_out(site_db):
    with pytest.raises(NotAllowed):
        admin_ops.set_officer_active("admin", False, actor=ADMIN)        # not oneself
    with pytest.raises(NotAllowed):
        admin_ops.set_officer_active("admin", False, actor=LOCAL_ADMIN)  # not the last admin
    admin_ops.create_officer("admin2", "Quản trị 2", "admin", "2468", actor=ADMIN)
    assert admin_ops.set_officer_active("admin", False, actor=acting("admin2")).active is False


def test_deactivated_officer_is_signed_out_of_the_counter(site_db):
    from db.officers import sign_in_at_counter

    sign_in_at_counter("lan", 1, now=at(7, 30))
    assert next(o for o in admin_ops.list_officers() if o.username == "lan").counter == 1
    admin_ops.set_officer_active("lan", False, actor=ADMIN)
    assert list_counters()[0].officer is None


def test_opening_hours_change_what_the_kiosk_may_issue(site_db):
    admin_ops.set_opening_hours(["07:30-11:30", "13:30-17:00"], ["mon", "tue", "wed", "thu", "fri"], actor=SUPERVISOR)
    assert load_site().opening_hours == ("07:30-11:30", "13:30-17:00")
    with pytest.raises(ServiceClosed):
        queue.issue_ticket("TP", now=at(12, 0))
    assert queue.issue_ticket("TP", now=at(13, 30)).code == "A001"
    with pytest.raises(InvalidInput):
        admin_ops.set_opening_hours(["7h-11h"], ["mon"], actor=ADMIN)
    with pytest.raises(InvalidInput):
        admin_ops.set_opening_hours(["07:30-11:30"], ["monday"], actor=ADMIN)


def test_exported_toml_is_a_valid_site_file_that_imports_back_unchanged(site_db):
    from db.site import set_notice

    admin_ops.create_service("HC", "Hành chính \"chung\"", "H", target_wait_min=10, actor=ADMIN)
    admin_ops.set_service_active("XD", False, actor=ADMIN)
    admin_ops.set_counter_services(4, ["KN", "KD"], actor=ADMIN)
    set_notice("Sáng thứ Bảy làm việc từ 7:30 đến 11:30")
    text = export_site_toml()
    data = tomllib.loads(text)
    assert data["site"]["name"] == "UBND xã Quang Kim - Bộ phận Một cửa"
    assert data["site"]["notice"] == "Sáng thứ Bảy làm việc từ 7:30 đến 11:30"
    assert next(s for s in data["services"] if s["code"] == "HC")["name"] == 'Hành chính "chung"'
    assert next(s for s in data["services"] if s["code"] == "XD")["active"] is False
    assert data["counters"][3]["services"] == ["KN", "KD"]
    assert "officers" not in data and "# username = \"lan\"" in text      # PINs cannot be exported
    assert "pin_hash" not in text and "scrypt" not in text
    config = parse_site_text(text, "exported.toml")                       # passes the import checks
    before = Officer.get(Officer.username == "lan").pin_hash
    import_site(config)
    assert export_site_toml() == text
    assert Officer.get(Officer.username == "lan").pin_hash == before       # officers left as they were
