"""What the "Nghe hướng dẫn / Listen" button says on each screen: the screen's choices, in its language.

Plain Python (no Qt): a ``KioskState`` -> a :class:`hardware.speech.guidance.Guidance`, so the
wording can be reviewed and tested without a window or a sound card.  The rule: first what the
screen asks (its title), then every button a citizen can tap, by the name written on it, in
reading order; a button that cannot be tapped now is read with its reason ("Đất đai. Đã hết
lượt hôm nay"), so nobody waits for a choice that is greyed out.  Numbers on a ticket are spelled
out (letters and digits, as the hall announces them).  Waiting counts are not read: they change
every minute and would make a long message longer.
"""

from __future__ import annotations

from hardware.speech.guidance import Guidance, Part
from kiosk_app import texts
from kiosk_app.controller import QUICK_KEY, KioskState, Screen, Tile


def _tile(tile: Tile, lang: str) -> list[Part]:
    parts: list[Part] = [("text", tile.title.get(lang))]
    if tile.detail is not None and tile.service is not None and tile.key == QUICK_KEY:
        parts.append(("text", tile.detail.get(lang)))         # "Lấy số nhanh", then which service
    if tile.reason is not None:
        parts.append(("text", texts.reason(tile.reason).get(lang)))
    return parts


def _both(message: texts.Bilingual | None, lang: str) -> list[Part]:
    return [("text", message.get(lang))] if message is not None and message.get(lang) else []


def screen_parts(state: KioskState) -> list[Part]:
    """The texts read aloud for ``state``'s screen, in ``state.lang``."""
    lang = state.lang
    parts: list[Part] = []
    if state.screen is Screen.HOME:
        parts.append(("text", texts.text("choose_field", lang)))
        if state.quick is not None:
            parts += _tile(state.quick, lang)
        for tile in state.tiles:
            parts += _tile(tile, lang)
        parts += [("text", extra.title.get(lang)) for extra in state.extras]
        if state.allow_priority:
            parts += [("text", texts.text("priority", lang)), ("text", texts.text("priority_who", lang))]
    elif state.screen is Screen.SERVICES and state.field is not None:
        parts.append(("text", state.field.title.get(lang)))
        parts.append(("text", texts.text("choose_service", lang)))
        for tile in state.field.services:
            parts += _tile(tile, lang)
        parts.append(("text", texts.text("back", lang).strip("‹ ")))
    elif state.screen is Screen.TICKET and state.ticket is not None:
        ticket = state.ticket
        parts.append(("text", texts.text("take_ticket" if ticket.printed else "not_printed_title", lang)))
        parts.append(("text", texts.text("your_number", lang)))
        parts.append(("code", ticket.code))
        parts.append(("text", ticket.service.get(lang)))
        parts.append(("text", f"{texts.text('ahead', lang)}: {ticket.ahead}"))
        if not ticket.printed:
            parts.append(("text", texts.text("not_printed_hint", lang)))
    elif state.screen is Screen.MESSAGE and state.message is not None:
        parts += _both(state.message.title, lang) + _both(state.message.body, lang)
        parts.append(("text", texts.text("touch_to_go_back", lang)))
    elif state.screen is Screen.CLOSED:
        parts.append(("text", texts.text("closed_title", lang)))
        if state.reopens is not None:
            parts.append(("text", texts.text("closed_reopens", lang, when=state.reopens.get(lang))))
    elif state.screen is Screen.OFFLINE:
        parts += [("text", texts.text("offline_title", lang)), ("text", texts.text("offline_hint", lang))]
    elif state.screen is Screen.CODE_ENTRY and state.code_entry is not None:
        parts.append(("text", state.code_entry.prompt.get(lang)))
        parts.append(("text", texts.text("code_continue", lang)))
    elif state.screen is Screen.DOSSIER:
        parts += [("text", texts.text("dossier_result", lang)), ("text", texts.text("dossier_hint", lang))]
    else:
        parts.append(("text", texts.text("starting", lang)))
    return [(kind, value) for kind, value in parts if value.strip()]


def screen_guidance(state: KioskState) -> Guidance:
    return Guidance(state.lang, tuple(screen_parts(state)))
