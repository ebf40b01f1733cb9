"""The citizen books a place online: ``/book`` pages and the booking's own page ``/b/{token}``.

Plain HTML forms (no JavaScript: a cheap phone on a weak signal books too), rendered on the
server. The rules (slots, places left, limits per phone and per client address, days
ahead) are the domain's (``db.bookings``); a refusal comes back as the form again, with the
domain's message in the page's language and what the citizen typed kept. After a booking
the browser is sent on to the booking's page (post/redirect/get: a reload books nothing
twice). That page is reached only by its secret token, never by the short code, because
it lets the holder cancel.
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse

from db import bookings, statuses
from db.errors import NotFound
from errors import OnestopError
from web.deps import Lang
from web.i18n import TEXTS, other_lang
from web.qr import qr_svg
from web.templating import templates

router = APIRouter(include_in_schema=False)

#: shorter than this is a booking code, not a manage token: refused, codes are guessable
_MIN_TOKEN = 16


def _page(request: Request, name: str, lang: str, status_code: int = 200, **context) -> HTMLResponse:
    return templates.TemplateResponse(request, name, {"t": TEXTS[lang], "lang": lang, "other": other_lang(lang),
                                                      **context},
                                      status_code=status_code, headers={"Cache-Control": "no-store"})


def _client(request: Request) -> str | None:
    return request.client.host if request.client else None


@router.get("/book")
def choose_service(request: Request, lang_code: Lang):
    return _page(request, "book.html", lang_code, services=bookings.bookable_services())


def _slot_form(service_code: str, day: str | None) -> dict:
    """Everything the slot form shows: the service, the days, the chosen day's slots."""
    service = next((s for s in bookings.bookable_services() if s.code == service_code.upper()), None)
    if service is None:
        raise NotFound(f"Thủ tục {service_code} không nhận đặt lịch hẹn",
                       f"Procedure {service_code} takes no bookings")
    days = bookings.booking_days()
    chosen = day if day in {d.isoformat() for d in days} else (days[0].isoformat() if days else None)
    slots = bookings.open_slots(service.code, chosen) if chosen else []
    return {"service": service, "days": days, "day": chosen, "slots": slots}


def _day_label(day: date, lang: str) -> str:
    names_vi = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")
    names_en = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    return f"{(names_vi if lang == 'vi' else names_en)[day.weekday()]} {day:%d/%m}"


@router.get("/book/{service_code}")
def choose_slot(request: Request, service_code: str, lang_code: Lang, day: str | None = None):
    form = _slot_form(service_code, day)
    return _page(request, "book_slots.html", lang_code, day_label=_day_label, typed={}, error=None, **form)


@router.post("/book/{service_code}")
async def place_booking(request: Request, service_code: str, lang_code: Lang, day: str = Form(""),
                        slot: str = Form(""), name: str = Form(""), phone: str = Form("")):
    typed = {"slot": slot, "name": name, "phone": phone}
    try:
        info = await run_in_threadpool(bookings.book, service_code, slot, name, phone, client=_client(request),
                                       source="web")
    except OnestopError as exc:
        form = await run_in_threadpool(_slot_form, service_code, day or slot[:10] or None)
        return _page(request, "book_slots.html", lang_code, status_code=exc.http_status, day_label=_day_label,
                     typed=typed, error=exc.message(lang_code), **form)
    return RedirectResponse(f"{info.manage_path}?new=1&lang={lang_code}", status_code=303)


def _find(token: str) -> bookings.BookingInfo:
    if len(token) < _MIN_TOKEN:
        raise NotFound("Không tìm thấy lịch hẹn (liên kết sai)", "No such booking (the link is wrong)")
    return bookings.find(f"{bookings.MANAGE_PATH}{token}")


@router.get("/b/{token}")
def booking_page(request: Request, token: str, lang_code: Lang, new: int = 0, cancelled: int = 0):
    info = _find(token)
    link = info.manage_url or str(request.url_for("booking_page", token=token))
    return _page(request, "booking.html", lang_code, b=info, qr=qr_svg(link), link=link, new=bool(new),
                 day_label=_day_label, cancelled=bool(cancelled), can_cancel=info.status == statuses.BOOKED)


@router.post("/b/{token}/cancel")
async def cancel_booking(request: Request, token: str, lang_code: Lang, confirm: str = Form("")):
    info = await run_in_threadpool(_find, token)
    if confirm == "yes":
        await run_in_threadpool(bookings.cancel, f"{bookings.MANAGE_PATH}{token}")
    return RedirectResponse(f"{info.manage_path}?cancelled={int(confirm == 'yes')}&lang={lang_code}",
                            status_code=303)
