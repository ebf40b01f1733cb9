"""The province view: ``GET /province`` (HTML for a supervisor's screen) and ``GET /api/v1/province`` (JSON).

Both read ``db.province.province_view``. Public, like ``/board``: they show aggregated
figures per site (counts, waits, a mean rating), never a name, phone number or ticket,
so there is nothing an API key would protect; the rate limit of every public route applies.

The page stays live by fetching its table fragment (``/province/rows``) every few
seconds rather than by an event stream: the figures come from every site's events
(a hundred sites write all the time), a whole-table refresh is one grouped query set,
and a poll survives a weak link and a sleeping laptop without reconnect logic.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.requests import Request

from db.province import province_view
from web.deps import Lang
from web.i18n import TEXTS, other_lang
from web.templating import templates

router = APIRouter(tags=["province"])

#: how often the page refreshes its table, in milliseconds
REFRESH_MS = 5_000


@router.get("/api/v1/province")
def province() -> JSONResponse:
    """One row per site: waiting, longest wait vs target, counters open, served and satisfaction today, data up to."""
    return JSONResponse({"sites": province_view()})


def _minutes(seconds: float | None) -> int | None:
    return None if seconds is None else int(seconds // 60)


def _clock(epoch: float | None, timezone: str | None) -> str:
    """``HH:MM`` in the site's own timezone (a province may span none, but a server's TZ is not the site's)."""
    if epoch is None:
        return ""
    return datetime.fromtimestamp(epoch, ZoneInfo(timezone) if timezone else None).strftime("%H:%M")


def render_rows(sites: list[dict], lang_code: str) -> str:
    return templates.get_template("_province.html").render(
        sites=sites, t=TEXTS[lang_code], lang=lang_code, minutes=_minutes, clock=_clock)


@router.get("/province", include_in_schema=False)
async def province_page(request: Request, lang_code: Lang):
    sites = await run_in_threadpool(province_view)
    return templates.TemplateResponse(request, "province.html", {
        "t": TEXTS[lang_code], "lang": lang_code, "other": other_lang(lang_code),
        "rows_html": render_rows(sites, lang_code), "rows_url": f"/province/rows?lang={lang_code}",
        "refresh_ms": REFRESH_MS,
    }, headers={"Cache-Control": "no-store"})


@router.get("/province/rows", include_in_schema=False)
async def province_rows(lang_code: Lang) -> HTMLResponse:
    sites = await run_in_threadpool(province_view)
    return HTMLResponse(render_rows(sites, lang_code), headers={"Cache-Control": "no-store"})
