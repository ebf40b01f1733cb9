"""The counter program's bridge: reader callbacks arrive as Qt signals in the GUI thread."""

from __future__ import annotations

import threading

from keypad_helpers import wait_for

from hardware.keypad import CONNECTED, STOPPED, StaticDirectory
from ui_common.keypad_qt import KeypadBridge


def test_bridge_emits_recorded_presses_and_states_in_the_gui_thread(qtbot, sqlite_site_db, keypad):
    from db import queue

    queue.issue_ticket("TP")
    ticket = queue.call_next(1)
    bridge = KeypadBridge(keypad.path, protocol="ascii", counter=1)
    seen_in: list[threading.Thread] = []
    bridge.press_recorded.connect(lambda _info: seen_in.append(threading.current_thread()))
    try:
        with qtbot.waitSignal(bridge.state_changed, timeout=10000) as connected:
            bridge.start()
        assert connected.args == [CONNECTED]
        with qtbot.waitSignal(bridge.press_recorded, timeout=10000) as recorded:
            keypad.send(b"2")
        info = recorded.args[0]
        assert (info.counter, info.value, info.ticket_id, info.ticket_code) == (1, 2, ticket.id, ticket.code)
        assert seen_in == [threading.main_thread()]
        assert bridge.stats()["recorded"] == 1
    finally:
        with qtbot.waitSignal(bridge.state_changed, timeout=10000) as stopped:
            bridge.stop()
    assert stopped.args == [STOPPED]


def test_bridge_passes_reader_options_through(qtbot, keypad):
    calls = []
    bridge = KeypadBridge(keypad.path, protocol="framed", directory=StaticDirectory({1, 2, 3}, {7: 4}),
                          on_press=lambda counter, value, _at: calls.append((counter, value)) or (counter, value))
    with qtbot.waitSignal(bridge.press_recorded, timeout=10000) as recorded:
        bridge.start()
        wait_for(lambda: bridge.state == CONNECTED)
        keypad.send(bytes([0x01, 7, 0x31, 0x07]))
    assert recorded.args == [(4, 1)] and calls == [(4, 1)]
    bridge.stop()
