"""``/board``: the hall board for a TV's browser, and its live stream."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool

from db.events import last_event_id
from web.deps import Hub, Lang
from web.i18n import TEXTS, other_lang
from web.streams import stream_response
from web.templating import templates

router = APIRouter(include_in_schema=False)


def render_board(board: dict, lang_code: str) -> str:
    return templates.get_template("_board.html").render(b=board, t=TEXTS[lang_code], lang=lang_code)


@router.get("/board")
def board_page(request: Request, lang_code: Lang):
    board = request.app.state.board.read()
    return templates.TemplateResponse(request, "board.html", {
        "t": TEXTS[lang_code], "lang": lang_code, "other": other_lang(lang_code), "b": board,
        "board_html": render_board(board, lang_code), "events_url": f"/board/events?lang={lang_code}",
    }, headers={"Cache-Control": "no-store"})


@router.get("/board/events")
async def board_events(request: Request, lang_code: Lang, live: Hub):
    feed = request.app.state.board
    sub = live.subscribe_board()

    def first_read() -> tuple[int, dict]:
        tag = last_event_id()
        return tag, feed.read()

    try:
        tag, board = await run_in_threadpool(first_read)
    except BaseException:
        live.unsubscribe(sub)
        raise
    sub.first(board, tag)

    def render(value: dict) -> dict:
        now = value.get("now") or {}
        return {"now": now.get("event_id"), "html": render_board(value, lang_code)}

    return stream_response(live, sub, board, render)
