"""``/``: a small landing page pointing to the board (tracking links come from the ticket's QR)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from db.site import load_site
from web.deps import Lang
from web.i18n import TEXTS, other_lang
from web.templating import templates

router = APIRouter(include_in_schema=False)


@router.get("/")
def home(request: Request, lang_code: Lang):
    site = load_site()
    return templates.TemplateResponse(request, "home.html", {
        "t": TEXTS[lang_code], "lang": lang_code, "other": other_lang(lang_code),
        "site_name": site.name_en if lang_code == "en" and site.name_en else site.name,
    })
