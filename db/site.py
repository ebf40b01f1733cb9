"""The site, its services, counters and officers: importing them and reading them back.

Importing is an upsert matched by service code, counter number and username,
in one write transaction: running ``onestop init --site`` again updates the
site in place and never deletes a service or counter that has tickets
(it is deactivated instead).  A counter that leaves (removed from the file or
``active = false``) gives back the ticket it holds: the ticket waits again in
its place, and tickets sent to that counter may be called by any counter, so
no ticket stays ``called`` by a counter that no longer exists.
"""

from __future__ import annotations

import json
import time

import peewee as pw

from db import audit, current_site, statuses
from db.connection import with_retry, write_transaction
from db.errors import NotFound
from db.events import record_event
from db.models import Counter, CounterService, Officer, Service, Site, Ticket
from db.officers import hash_pin
from db.site_config import DEFAULT_LEVELS, SiteConfig
from db.values import CounterInfo, RatingLevel, ServiceInfo, SiteInfo


def import_site(config: SiteConfig, *, actor: str | None = None, now: float | None = None) -> dict:
    """Write a checked ``SiteConfig`` into the database; returns what changed.

    Officers are seeded, not overwritten: an officer the database already has
    keeps the PIN, active flag, role and name it has now (the admin program
    may have reset or deactivated it since), and is listed in
    ``officers_kept``.  The import is written to the audit log with ``actor``
    (default: the operating-system account and PC that ran it).
    """
    moment = time.time() if now is None else now
    known = with_retry(lambda: _target_site(config))
    new_pins = {off["username"]: hash_pin(off["pin"]) for off in config.officers
                if known is None or not with_retry(lambda u=off["username"]: Officer.select().where(
                    (Officer.site == known.id) & (Officer.username == u)).exists())}

    def write() -> dict:
        with write_transaction():
            site = _target_site(config) or Site(name="", code=config.site.get("code", current_site.DEFAULT_CODE))
            if site.id is None:
                site.save()   # an id for the rows below; filled in by _write_site
            with current_site.acting_for(site.id):
                summary = _write_site(config, site, moment, actor, new_pins)
        current_site.forget()
        return summary

    return with_retry(write)


def _target_site(config: SiteConfig) -> Site | None:
    """The site a file imports into: the one its ``[site] code`` names, else the one this process acts for.

    A file naming a code the database does not hold adds a site, except that the one site
    of a database made before sites had codes (``MAIN``) takes the file's code.
    """
    code = config.site.get("code")
    if code is None:
        chosen = current_site.site_id_or_none()
        if chosen is None and Site.select().exists():
            current_site.site_id()   # several sites, none named: the refusal naming them
        return Site.get_by_id(chosen) if chosen is not None else None
    row = Site.get_or_none(Site.code == code)
    if row is None:
        rows = list(Site.select().limit(2))
        if len(rows) == 1 and rows[0].code == current_site.DEFAULT_CODE:
            row = rows[0]
            row.code = code
    return row


def _write_site(config: SiteConfig, site: Site, moment: float, actor: str | None, new_pins: dict) -> dict:
    """The body of ``import_site``: inside its transaction, acting for ``site``."""
    summary = {"services": 0, "counters": 0, "officers": 0, "deactivated": 0, "officers_kept": [],
               "released": []}
    before = _snapshot(site) if site.name else None
    settings = json.loads(site.settings or "{}") if site.id else {}
    settings.update({"ratings": config.ratings, "kiosk": config.kiosk, "announcements": config.announcements,
                     "security": config.security, "booking": config.booking,
                     "notify": config.notify, "display": config.display})
    settings["web"] = config.web
    settings["icons"] = config.icons
    if "notice" in config.site:
        settings["notice"] = config.site["notice"]
    site.name = config.site["name"]
    site.name_en = config.site.get("name_en", "")
    site.timezone = config.site["timezone"]
    site.opening_hours = json.dumps(config.site["opening_hours"])
    site.days = json.dumps(config.site["days"])
    site.settings = json.dumps(settings, ensure_ascii=False)
    site.save()

    by_code = {}
    for order, svc in enumerate(config.services):
        row = (Service.get_or_none((Service.site == site.id) & (Service.code == svc["code"]))
               or Service(site=site.id, code=svc["code"]))
        for key in ("name", "name_en", "prefix", "start", "end"):
            setattr(row, key, svc[key])
        row.daily_limit = svc.get("daily_limit")
        row.target_wait_min = svc.get("target_wait_min")
        row.group = svc.get("group")
        row.group_en = svc.get("group_en")
        row.sort_order = order
        row.active = svc.get("active", True)
        slots = svc.get("booking") or {}
        row.booking_slot_min, row.booking_per_slot = slots.get("slot_min"), slots.get("per_slot")
        row.save()
        by_code[row.code] = row
        summary["services"] += 1
    for row in Service.select().where((Service.site == site.id) & Service.code.not_in(list(by_code) or [""])):
        row.active = False
        row.save()
        summary["deactivated"] += 1

    numbers = set()
    for ctr in config.counters:
        row = (Counter.get_or_none((Counter.site == site.id) & (Counter.number == ctr["number"]))
               or Counter(site=site.id, number=ctr["number"]))
        row.name = ctr["name"]
        row.keypad_address = ctr.get("keypad_address")
        row.active = ctr.get("active", True)
        if not row.active and row.id is not None:
            summary["released"].extend(_release_counter(row, moment))
        row.save()
        numbers.add(row.number)
        CounterService.delete().where(CounterService.counter == row).execute()
        for position, code in enumerate(ctr["services"]):
            CounterService.create(counter=row, service=by_code[code], position=position)
        summary["counters"] += 1
    for row in Counter.select().where((Counter.site == site.id) & Counter.number.not_in(list(numbers) or [0])):
        summary["released"].extend(_release_counter(row, moment))
        has_tickets = Ticket.select().where(Ticket.counter == row).exists()
        if has_tickets:
            row.active = False
            row.save()
        else:
            CounterService.delete().where(CounterService.counter == row).execute()
            row.delete_instance()
        summary["deactivated"] += 1

    for off in config.officers:
        if Officer.select().where((Officer.site == site.id) & (Officer.username == off["username"])).exists():
            summary["officers_kept"].append(off["username"])
            continue
        digest = new_pins.get(off["username"]) or hash_pin(off["pin"])  # created meanwhile elsewhere: rare
        Officer.create(site=site.id, username=off["username"], full_name=off["full_name"], role=off["role"],
                       active=off.get("active", True), pin_hash=digest)
        summary["officers"] += 1
    record_event("site_imported", at=moment, data={"source": config.source, **summary})
    audit.record("site_imported", actor=actor, target=config.source, before=before,
                 after={**_snapshot(Site.get_by_id(site.id)), "summary": summary}, now=moment)
    return summary


def _release_counter(row: Counter, moment: float) -> list[str]:
    """A counter leaves: its called or serving ticket waits again, in its place; returns the codes released.

    Like a transfer back to the same service (the screens already follow
    ``transferred``): status ``waiting``, original queue position kept.
    Waiting tickets sent to this counter lose that target, so any counter of
    their service calls them.
    """
    released: list[str] = []
    if row.current_ticket_id is not None:
        ticket = Ticket.get_or_none(Ticket.id == row.current_ticket_id)
        if ticket is not None and ticket.status in statuses.AT_COUNTER:
            Ticket.update(status=statuses.WAITING, started_at=None, target_counter=None).where(
                Ticket.id == ticket.id).execute()
            service = Service.get_by_id(ticket.service_id)
            record_event("transferred", at=moment, ticket=Ticket.get_by_id(ticket.id), service=service.code,
                         counter=row.number, data={"from_counter": row.number, "from_service": service.code,
                                                   "to_service": service.code, "reason": "counter_removed"})
            released.append(ticket.code)
        Counter.update(current_ticket_id=None).where(Counter.id == row.id).execute()
        row.current_ticket_id = None
    Ticket.update(target_counter=None).where((Ticket.target_counter == row.id)
                                             & (Ticket.status == statuses.WAITING)).execute()
    return released


def _snapshot(site: Site) -> dict:
    """The configuration as the audit log keeps it before and after an import."""
    return {
        "name": site.name, "timezone": site.timezone, "opening_hours": json.loads(site.opening_hours),
        "days": json.loads(site.days), "settings": json.loads(site.settings or "{}"),
        "services": [s.code for s in Service.select(Service.code).where(
            (Service.site == site.id) & (Service.active == True)).order_by(Service.code)],  # noqa: E712
        "counters": [c.number for c in Counter.select(Counter.number).where(
            (Counter.site == site.id) & (Counter.active == True)).order_by(Counter.number)],  # noqa: E712
        "officers": [o.username for o in Officer.select(Officer.username).where(Officer.site == site.id)
                     .order_by(Officer.username)],
    }


def has_site() -> bool:
    return with_retry(lambda: Site.select().exists(), attempts=1)


def list_sites() -> list[dict]:
    """Every site of the database: code, names, time zone and how much configuration it has."""

    def read() -> list[dict]:
        counts = {name: dict(model.select(model.site, pw.fn.COUNT(model.id)).group_by(model.site).tuples())
                  for name, model in (("services", Service), ("counters", Counter), ("officers", Officer))}
        return [{"code": row.code, "name": row.name, "name_en": row.name_en or "", "timezone": row.timezone,
                 **{name: counts[name].get(row.id, 0) for name in counts}}
                for row in Site.select().order_by(Site.code)]

    return with_retry(read)


def this_site() -> Site:
    """The row of the site this process acts for (``db.current_site``); ``NotFound`` before ``onestop init``."""
    return Site.get_by_id(current_site.site_id())


def load_site() -> SiteInfo:
    """The site settings; raises ``NotFound`` before ``onestop init``."""

    def read() -> SiteInfo:
        return site_info(this_site())

    return with_retry(read)


def site_info(site: Site) -> SiteInfo:
    settings = json.loads(site.settings or "{}")
    ratings = settings.get("ratings", {})
    kiosk = settings.get("kiosk", {})
    announce = settings.get("announcements", {})
    levels = tuple(
        RatingLevel(int(lv["value"]), lv["label"], lv.get("label_en", lv["label"]))
        for lv in ratings.get("levels", DEFAULT_LEVELS)
    )
    defaults = SiteInfo.__dataclass_fields__
    return SiteInfo(
        name=site.name,
        name_en=site.name_en or "",
        timezone=site.timezone,
        opening_hours=tuple(json.loads(site.opening_hours)),
        days=tuple(json.loads(site.days)),
        rating_levels=levels,
        rating_window_s=int(ratings.get("window_s", 120)),
        on_print_failure=kiosk.get("on_print_failure", "show"),
        allow_priority=bool(kiosk.get("allow_priority", False)),
        dossier_lookup_url=kiosk.get("dossier_lookup_url") or None,
        announcement_template=announce.get("template", defaults["announcement_template"].default),
        announcement_template_en=announce.get("template_en", defaults["announcement_template_en"].default),
        announcement_repeat=int(announce.get("repeat", 2)),
        notice=settings.get("notice", ""),
        public_url=(settings.get("web") or {}).get("public_url"),
        display_flash_s=float((settings.get("display") or {}).get("flash_s", 6)),
        quick_service=kiosk.get("quick_service", "auto"),
        large_text=bool(kiosk.get("large_text", False)),
        high_contrast=bool(kiosk.get("high_contrast", False)),
        service_icons=tuple((settings.get("icons") or {}).get("services", {}).items()),
        group_icons=tuple((settings.get("icons") or {}).get("groups", {}).items()),
    )


def set_notice(text: str, *, actor: str | None = None, now: float | None = None) -> None:
    """The scrolling line of the hall display, set by a supervisor."""
    moment = time.time() if now is None else now

    def write() -> None:
        with write_transaction():
            site = this_site()
            settings = json.loads(site.settings or "{}")
            audit.record("notice", actor=actor, target="site", before={"notice": settings.get("notice", "")},
                         after={"notice": text}, now=moment)
            settings["notice"] = text
            site.settings = json.dumps(settings, ensure_ascii=False)
            site.save()
            record_event("notice_changed", at=moment, data={"notice": text})

    with_retry(write)


def _service_counters() -> dict[int, list[int]]:
    rows = (CounterService.select(CounterService.service, Counter.number)
            .join(Counter).where((Counter.site == current_site.site_id()) & (Counter.active == True))  # noqa: E712
            .order_by(Counter.number).tuples())
    result: dict[int, list[int]] = {}
    for service_id, number in rows:
        result.setdefault(service_id, []).append(number)
    return result


def service_info(row: Service, counters: tuple[int, ...] = ()) -> ServiceInfo:
    return ServiceInfo(
        id=row.id, code=row.code, name=row.name, name_en=row.name_en or row.name, prefix=row.prefix,
        group=row.group, group_en=row.group_en, start=row.start, end=row.end, daily_limit=row.daily_limit,
        target_wait_min=row.target_wait_min, active=row.active, counters=counters,
    )


def list_services(*, include_inactive: bool = False) -> list[ServiceInfo]:
    def read() -> list[ServiceInfo]:
        query = Service.select().where(Service.site == current_site.site_id()).order_by(Service.sort_order,
                                                                                        Service.code)
        if not include_inactive:
            query = query.where(Service.active == True)  # noqa: E712
        counters = _service_counters()
        return [service_info(row, tuple(counters.get(row.id, ()))) for row in query]

    return with_retry(read)


def get_service(code: str) -> ServiceInfo:
    def read() -> ServiceInfo:
        row = Service.get_or_none((Service.site == current_site.site_id()) & (Service.code == code.upper()))
        if row is None:
            raise NotFound(f"Không có dịch vụ {code}", f"No service {code}")
        return service_info(row, tuple(_service_counters().get(row.id, ())))

    return with_retry(read)


def counter_info(row: Counter) -> CounterInfo:
    services = tuple(
        code for (code,) in CounterService.select(Service.code).join(Service)
        .where(CounterService.counter == row.id).order_by(CounterService.position).tuples()
    )
    officer = Officer.get_by_id(row.officer_id) if row.officer_id else None
    return CounterInfo(
        id=row.id, number=row.number, name=row.name, services=services,
        keypad_address=row.keypad_address if row.keypad_address is not None else row.number,
        active=row.active, paused=row.paused,
        officer=officer.username if officer else None, officer_name=officer.full_name if officer else None,
        current_ticket_id=row.current_ticket_id,
    )


def list_counters(*, include_inactive: bool = False) -> list[CounterInfo]:
    def read() -> list[CounterInfo]:
        query = Counter.select().where(Counter.site == current_site.site_id()).order_by(Counter.number)
        if not include_inactive:
            query = query.where(Counter.active == True)  # noqa: E712
        return [counter_info(row) for row in query]

    return with_retry(read)


def get_counter(number: int) -> CounterInfo:
    def read() -> CounterInfo:
        row = Counter.get_or_none((Counter.site == current_site.site_id()) & (Counter.number == number))
        if row is None:
            raise NotFound(f"Không có quầy {number}", f"No counter {number}")
        return counter_info(row)

    return with_retry(read)
