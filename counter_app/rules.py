"""Which counter buttons are usable, derived from the ticket status alone.

Plain Python (no Qt) so the rule table is tested directly.  It mirrors what the
engine accepts (``db/queue.py``); the engine still decides, and a refusal is
shown as a message, but a button the engine would refuse should not invite a
click in the first place.
"""

from __future__ import annotations

from enum import Enum

from db import statuses


class Action(str, Enum):
    CALL_NEXT = "call_next"       # F1
    RECALL = "recall"             # F2
    START = "start"               # F3
    DONE = "done"                 # F4
    NO_SHOW = "no_show"           # F5
    TRANSFER = "transfer"         # F6
    PAUSE = "pause"               # F7 (pause or resume)
    CALL_TICKET = "call_ticket"   # typed code / scanned QR
    DOSSIER = "dossier"           # attach a dossier code (typed or the receipt's QR) to the ticket held


SHORTCUTS: dict[Action, str] = {
    Action.CALL_NEXT: "F1",
    Action.RECALL: "F2",
    Action.START: "F3",
    Action.DONE: "F4",
    Action.NO_SHOW: "F5",
    Action.TRANSFER: "F6",
    Action.PAUSE: "F7",
}


def enabled_actions(status: str | None, paused: bool, *, busy: bool = False,
                    online: bool = True) -> frozenset[Action]:
    """The actions valid for a counter whose current ticket has ``status``.

    ``status`` is that of the ticket the counter holds (``called`` or
    ``serving``), or ``None`` when the counter is free.  While an action is in
    flight (``busy``) or the database is unreachable nothing is enabled: a
    second press would at best be refused and at worst call twice.
    """
    if busy or not online:
        return frozenset()
    holding = status in statuses.AT_COUNTER
    actions: set[Action] = set()
    if not holding:
        # free counter: call (unless paused), or toggle the pause
        actions.add(Action.PAUSE)
        if not paused:
            actions |= {Action.CALL_NEXT, Action.CALL_TICKET}
        return frozenset(actions)
    actions |= {Action.DONE, Action.TRANSFER, Action.DOSSIER}
    if status == statuses.CALLED:
        actions |= {Action.RECALL, Action.START, Action.NO_SHOW}
    return frozenset(actions)
