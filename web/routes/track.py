"""The citizen's tracking page ``/t/{id}-{token}``, its JSON form and its live stream."""

from __future__ import annotations

import math

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from db.errors import NotFound
from db.events import last_event_id
from db.tracking import split_reference
from db.tracking_view import track_view
from web.deps import Hub, Lang
from web.i18n import TEXTS, other_lang
from web.streams import stream_response
from web.templating import templates

router = APIRouter(include_in_schema=False)


def _reference(ref: str) -> tuple[int, str]:
    parts = split_reference(f"/t/{ref}")
    if parts is None:
        raise NotFound("Không tìm thấy vé này (liên kết sai hoặc đã hết hạn)",
                       "No such ticket (the link is wrong or has expired)")
    return parts


def _wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def minutes(seconds: int | None) -> int | None:
    return None if seconds is None else max(1, math.ceil(seconds / 60))


def render_state(view: dict, lang_code: str) -> str:
    return templates.get_template("_track_state.html").render(v=view, t=TEXTS[lang_code], lang=lang_code,
                                                                   minutes=minutes)


@router.get("/t/{ref}")
def track_page(request: Request, ref: str, lang_code: Lang):
    ticket_id, token = _reference(ref)
    view = track_view(ticket_id, token)
    if _wants_json(request):
        return JSONResponse(view.to_json(), headers={"Cache-Control": "no-store"})
    page = view.to_page_json()
    return templates.TemplateResponse(request, "track.html", {
        "t": TEXTS[lang_code], "lang": lang_code, "other": other_lang(lang_code), "v": page,
        "state_html": render_state(page, lang_code), "events_url": f"/t/{ref}/events?lang={lang_code}",
    }, headers={"Cache-Control": "no-store"})


def _first_read(ticket_id: int, token: str) -> tuple[int, dict]:
    tag = last_event_id()
    return tag, track_view(ticket_id, token).to_page_json()


@router.get("/t/{ref}/events")
async def track_events(ref: str, lang_code: Lang, live: Hub):
    ticket_id, token = _reference(ref)
    sub = live.subscribe_ticket(ticket_id)
    try:
        tag, view = await run_in_threadpool(_first_read, ticket_id, token)
    except BaseException:
        live.unsubscribe(sub)
        raise
    sub.first(view, tag)

    def render(value: dict) -> dict:
        return {"status": value["status"], "call": value.get("called_at"), "html": render_state(value, lang_code)}

    return stream_response(live, sub, view, render)
