"""Jinja2 templates and static files, read from the installed package (no CDN, works offline)."""

from __future__ import annotations

from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.staticfiles import StaticFiles

templates = Jinja2Templates(env=Environment(loader=PackageLoader("web", "templates"),
                                            autoescape=select_autoescape(["html"])))


def static_files() -> StaticFiles:
    return StaticFiles(packages=[("web", "static")])
