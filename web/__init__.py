"""``onestop web``: the citizen's tracking page, the hall board for a TV and the JSON API.

A thin layer over ``db``: routes call the same domain functions as the CLI,
live pages follow the one event log through :mod:`web.live`.
"""
