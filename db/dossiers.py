"""Dossier codes: tying a ticket, and so its rating, to the citizen's file.

The province's service index (Decision 766/QĐ-TTg) scores satisfaction per
dossier ("hồ sơ") of the one-stop electronic system: a rating that is not keyed
to a dossier code counts for nothing there.  So an officer attaches the code
the electronic system gave the file (typed, or scanned from the receipt's QR)
to the ticket being served, and ``ratings_export`` lists each rated dossier.

Rules (documented for users in docs/dossiers.md):

* A code is 1-40 characters of letters, digits, ``.``, ``-`` and ``/``
  (the forms provinces use, e.g. ``000.00.12.H26-241202-0001``); it is stored
  upper-cased, so a code typed in lower case is the same code.
* It goes to the counter's current ticket (called or serving); with none, to
  the ticket finished there within the ratings window (an officer who pressed
  "done" first and then scans the receipt).
* Several codes per ticket; the same code twice on one ticket is kept once.
  A code already attached to another ticket the same day is accepted (a second
  visit for the same file) and returned in ``also_on`` so the screen flags it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import parse_qsl, unquote, urlparse

from db import clock, current_site, inputs, statuses
from db.connection import database_proxy, is_postgres, with_retry, write_transaction
from db.errors import InvalidInput, NotAllowed, NotFound
from db.events import record_event
from db.models import Counter, Officer, Service, Ticket, TicketDossier
from db.queue import to_info
from db.site import site_info
from db.ticket_qr import PREFIX as TICKET_QR_PREFIX
from db.tracking import split_reference
from db.values import TicketInfo

MAX_LENGTH = 40
_CODE = re.compile(r"^[A-Z0-9./-]{1,40}$")
_DAY_S = 86400.0

#: Field names under which QR texts of one-stop systems carry the dossier code
#: (compared without case, spaces, underscores and Vietnamese marks).
CODE_FIELDS = ("mahoso", "hoso", "sohoso", "code", "dossier", "dossiercode", "dossierid", "ma", "id")


@dataclass(frozen=True)
class Attachment:
    """The result of attaching a code: the ticket (with all its codes) and where else the code is."""

    ticket: TicketInfo
    code: str
    added: bool                          # False when the ticket already had it
    also_on: tuple[str, ...] = ()        # ticket codes of other tickets of the same day with this code

    def to_json(self) -> dict[str, Any]:
        return {**self.ticket.to_json(), "dossier": self.code, "added": self.added,
                "also_on": list(self.also_on)}


# ---------------------------------------------------------------- parsing

def normalize_code(text: str) -> str:
    """The stored form of a typed code, or ``InvalidInput`` naming what is wrong."""
    code = str(text or "").strip().upper()
    if not code:
        raise InvalidInput("Chưa nhập mã hồ sơ", "No dossier code given")
    if len(code) > MAX_LENGTH:
        raise InvalidInput(f"Mã hồ sơ dài quá {MAX_LENGTH} ký tự ({len(code)})",
                           f"Dossier code longer than {MAX_LENGTH} characters ({len(code)})")
    if not _CODE.match(code):
        bad = sorted({ch for ch in code if not re.match(r"[A-Z0-9./-]", ch)})
        shown = " ".join(repr(ch) for ch in bad)
        raise InvalidInput(f"Mã hồ sơ chỉ gồm chữ, số và . - / (có ký tự lạ: {shown})",
                           f"A dossier code has only letters, digits, '.', '-' and '/' (found {shown})")
    return code


def _field_key(name: str) -> str:
    """``Mã hồ sơ`` / ``ma_ho_so`` / ``maHoSo`` -> ``mahoso``."""
    import unicodedata

    flat = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in flat.lower() if ch.isalnum() and not unicodedata.combining(ch))


def _pick(fields: Iterable[tuple[str, Any]]) -> str | None:
    found = {_field_key(str(k)): v for k, v in fields if isinstance(v, (str, int))}
    for name in CODE_FIELDS:
        value = str(found.get(name, "")).strip()
        if value:
            return value
    return None


def code_from_scan(text: str) -> str:
    """The dossier code inside whatever a receipt's QR (or a person) gave us.

    Accepted forms (docs/dossiers.md): a plain code; a URL whose query has a
    code field (``?maHoSo=...``, ``?code=...``) or whose last path segment is
    the code; a JSON object with a code field; ``key: value`` / ``key=value``
    pairs separated by new lines, ``|`` or ``;`` (``Mã hồ sơ: H26.99-0001``).
    """
    raw = str(text or "").strip()
    if not raw:
        return normalize_code(raw)
    if raw.upper().startswith(TICKET_QR_PREFIX) or split_reference(raw) is not None:
        raise InvalidInput("Đây là mã QR trên phiếu số thứ tự, không phải giấy tiếp nhận hồ sơ",
                           "That is the QR code of a queue ticket, not of a filing receipt")
    candidate: str | None = None
    if raw.startswith("{"):
        try:
            document = json.loads(raw)
        except ValueError:
            document = None
        if isinstance(document, dict):
            candidate = _pick(document.items())
    elif re.match(r"^[a-z][a-z0-9+.-]*://", raw, re.IGNORECASE):
        url = urlparse(raw)
        candidate = _pick(parse_qsl(url.query)) or _pick(parse_qsl(url.fragment))
        if candidate is None:
            segments = [unquote(s) for s in url.path.split("/") if s]
            candidate = segments[-1] if segments else None
    elif ":" in raw or "=" in raw:          # a code itself never holds either
        pairs = []
        for part in re.split(r"[\r\n|;&]+", raw):
            key, sep, value = part.partition(":") if ":" in part else part.partition("=")
            if sep:
                pairs.append((key.strip(), value.strip()))
        candidate = _pick(pairs)
    else:
        candidate = raw
    if candidate is None:
        raise InvalidInput("Không tìm thấy mã hồ sơ trong mã QR đã quét",
                           "No dossier code found in the scanned QR text")
    return normalize_code(candidate)


def lookup_url(template: str, code: str) -> str:
    """The province's lookup page for ``code``: ``template`` with ``{code}`` filled in, URL-quoted."""
    from urllib.parse import quote

    return template.replace("{code}", quote(normalize_code(code), safe=""))


# ---------------------------------------------------------------- storage

def _run(operation):
    def attempt():
        with write_transaction():
            return operation()

    return with_retry(attempt)


def codes_of(ticket_ids: Iterable[int]) -> dict[int, list[str]]:
    """The codes of each ticket, in the order they were attached (one query)."""
    ids = sorted(set(ticket_ids))
    if not ids:
        return {}
    result: dict[int, list[str]] = {}
    rows = (TicketDossier.select(TicketDossier.ticket_id, TicketDossier.code)
            .where(TicketDossier.ticket.in_(ids)).order_by(TicketDossier.attached_at, TicketDossier.id))
    for row in rows:
        result.setdefault(int(row.ticket_id), []).append(row.code)
    return result


def with_codes(ticket: TicketInfo) -> TicketInfo:
    """``ticket`` whose JSON carries ``"dossiers": [...]``."""
    codes = codes_of([ticket.id]).get(ticket.id, [])
    return replace(ticket, extra={**ticket.extra, "dossiers": codes})


def _counter(number: int) -> Counter:
    query = current_site.rows(Counter).where(Counter.number == number)
    row = (query.for_update() if is_postgres() else query).first()
    if row is None or not row.active:
        raise NotFound(f"Không có quầy số {number}", f"No counter number {number}")
    return row


def _target_ticket(counter: Counter, moment: float, window_s: float, tz: str) -> Ticket:
    if counter.current_ticket_id is not None:
        current = Ticket.get_or_none(Ticket.id == counter.current_ticket_id)
        if current is not None and current.status in statuses.AT_COUNTER:
            return current
    earliest_day = clock.service_day(moment - window_s - _DAY_S, tz)
    finished = (Ticket.select()
                .where((Ticket.counter == counter.id) & (Ticket.status == statuses.DONE)
                       & (Ticket.service_day >= earliest_day) & (Ticket.finished_at >= moment - window_s))
                .order_by(Ticket.finished_at.desc(), Ticket.id.desc())
                .first())
    if finished is None:
        raise NotAllowed(f"Quầy {counter.number} không có phiếu đang phục vụ để gắn mã hồ sơ",
                         f"Counter {counter.number} is serving no ticket to attach a dossier code to")
    return finished


def attach(counter_number: int, text: str, *, officer: str | None = None, scanned: bool = False,
           now: float | None = None) -> Attachment:
    """Attach the dossier code ``text`` (typed, or a scanned QR text) to the counter's ticket."""
    inputs.SCANNED_TEXT.check(text)
    inputs.OFFICER_USERNAME.check_optional(officer)
    code = code_from_scan(text) if scanned else normalize_code(text)
    moment = clock.now_epoch(now)

    def operation() -> Attachment:
        site_row = current_site.row_or_none()
        if site_row is None:
            raise NotFound("Chưa khởi tạo: hãy chạy `onestop init`", "Not initialised: run `onestop init` first")
        site = site_info(site_row)
        counter = _counter(counter_number)
        ticket = _target_ticket(counter, moment, float(site.rating_window_s), site.timezone)
        officer_row = (Officer.get_or_none(current_site.here(Officer), Officer.username == officer)
                       if officer else None)
        if officer and officer_row is None:   # was silently recorded as the counter's officer
            raise NotFound(f"Không có cán bộ {officer}", f"No officer {officer}")
        officer_id = officer_row.id if officer_row else (ticket.officer_id or counter.officer_id)
        exists = TicketDossier.get_or_none((TicketDossier.ticket == ticket.id) & (TicketDossier.code == code))
        if exists is None:
            TicketDossier.create(ticket=ticket.id, code=code, service_day=ticket.service_day, attached_at=moment,
                                 counter=counter.id, officer=officer_id)
            record_event("dossier_attached", at=moment, ticket=ticket,
                         service=Service.get_by_id(ticket.service_id).code, counter=counter.number,
                         officer=officer_row.username if officer_row else None, data={"dossier": code})
        others = (Ticket.select(Ticket.code)
                  .join(TicketDossier, on=(TicketDossier.ticket == Ticket.id))
                  .where((TicketDossier.code == code) & (TicketDossier.service_day == ticket.service_day)
                         & (Ticket.id != ticket.id))
                  .order_by(Ticket.issued_at))
        info = with_codes(to_info(ticket, site.timezone))
        return Attachment(ticket=info, code=code, added=exists is None, also_on=tuple(r.code for r in others))

    return _run(operation)


def detach(counter_number: int, text: str, *, now: float | None = None) -> TicketInfo:
    """Take a mistyped code off the counter's ticket again."""
    code = normalize_code(text)
    moment = clock.now_epoch(now)

    def operation() -> TicketInfo:
        site = site_info(current_site.row())
        counter = _counter(counter_number)
        ticket = _target_ticket(counter, moment, float(site.rating_window_s), site.timezone)
        removed = (TicketDossier.delete()
                   .where((TicketDossier.ticket == ticket.id) & (TicketDossier.code == code)).execute())
        if not removed:
            raise NotFound(f"Phiếu {ticket.code} không có mã hồ sơ {code}", f"Ticket {ticket.code} has no dossier {code}")
        record_event("dossier_removed", at=moment, ticket=ticket, service=Service.get_by_id(ticket.service_id).code,
                     counter=counter.number, data={"dossier": code})
        return with_codes(to_info(ticket, site.timezone))

    return _run(operation)


# ---------------------------------------------------------------- export

EXPORT_COLUMNS = ("dossier", "ticket_code", "service_day", "service", "counter", "officer", "value", "pressed_at")
#: Vietnamese headers for spreadsheets handed to the province.
EXPORT_HEADERS_VI = ("Mã hồ sơ", "Số phiếu", "Ngày", "Dịch vụ", "Quầy", "Cán bộ", "Mức đánh giá", "Thời điểm đánh giá")


def ratings_export(date_from: str, date_to: str) -> list[dict[str, Any]]:
    """One row per rated dossier of the service days ``date_from``..``date_to``.

    A ticket's rating is its latest counted press (the rule of the reports);
    it counts for every dossier code of the ticket.  Unrated dossiers are not
    listed: the index scores satisfaction, and "not rated" is not a score.
    """
    from db.reports import _parse_day  # one date parser for every report

    start, end = _parse_day(date_from, "from"), _parse_day(date_to, "to")

    def read() -> list[dict[str, Any]]:
        site = site_info(current_site.row())
        sql = """
            SELECT d.code, t.code, t.service_day, s.code, c.number, o.username, l.value, l.pressed_at
            FROM (SELECT r.ticket_id, r.value, r.pressed_at,
                         ROW_NUMBER() OVER (PARTITION BY r.ticket_id ORDER BY r.pressed_at DESC, r.id DESC) AS rn
                  FROM rating r JOIN ticket t ON t.id = r.ticket_id
                  WHERE t.service_day BETWEEN ? AND ? AND r.counted = ?) l
            JOIN ticket t ON t.id = l.ticket_id
            JOIN ticket_dossier d ON d.ticket_id = t.id
            JOIN service s ON s.id = t.service_id
            LEFT JOIN counter c ON c.id = t.counter_id
            LEFT JOIN officer o ON o.id = t.officer_id
            WHERE l.rn = 1
            ORDER BY t.service_day, l.pressed_at, d.code"""
        if is_postgres():
            sql = sql.replace("?", "%s")
        cursor = database_proxy.obj.execute_sql(sql, (start, end, True))
        rows = []
        for code, ticket_code, day, service, counter, officer, value, pressed_at in cursor.fetchall():
            rows.append({
                "dossier": code, "ticket_code": ticket_code, "service_day": day, "service": service,
                "counter": counter, "officer": officer, "value": int(value),
                "pressed_at": clock.local_datetime(float(pressed_at), site.timezone).isoformat(timespec="seconds"),
            })
        return rows

    return with_retry(read)
