"""Binding the models to a test database with a site imported (shared by conftest files)."""

from __future__ import annotations


def connect_with_site(url: str, site_file: str | None = None) -> str:
    from db.connection import close, connect
    from db.site import import_site
    from db.site_config import load_site_file

    close()
    connect(url)
    import_site(load_site_file(site_file))
    return url
