"""``onestop keypad`` (headless keypad reader) and ``onestop rate`` (one press by hand).

``keypad`` is meant to run as a service (systemd, a Windows service wrapper):
it keeps running while the port comes and goes or the database restarts,
logs every press and state change on stderr, and on SIGINT/SIGTERM records
what it has already read and exits 0.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading

from cli.output import print_json
from db.connection import connect
from db.errors import DatabaseUnavailable, InvalidInput
from services import arguments
from services.options import add_db_option

log = logging.getLogger("onestop.keypad")


def cmd_rate(args) -> int:
    from db.ratings import record_press

    connect(getattr(args, "db", None))
    print_json(record_press(args.counter, args.value, source="cli").to_json())
    return 0


def _log_press(info) -> None:
    if info.ticket_code:
        target = f"ticket {info.ticket_code}"
    else:
        target = "no ticket (unattached)"
    note = "" if getattr(info, "counted", True) else " [repeat within debounce: not counted]"
    log.info("counter %d rated %d -> %s, rating #%d%s", info.counter, info.value, target, info.id, note)


def _check_setup(args) -> None:
    """Refuse a counter that does not exist; warn about addresses two counters share."""
    from db.ratings import keypad_address_conflicts, keypad_addresses
    from db.site import get_counter

    if args.protocol == "ascii":
        get_counter(args.counter)  # NotFound -> exit 2
        return
    for address, numbers in keypad_address_conflicts().items():
        log.warning("address %d is used by counters %s: set keypad_address apart in the site file", address, numbers)
    listening = ", ".join(f"{a}->counter {c}" for a, c in sorted(keypad_addresses().items()))
    log.info("bus addresses: %s", listening or "none")


def cmd_keypad(args) -> int:
    from services.keypad_ratings import rating_reader

    if args.protocol == "ascii" and args.counter is None:
        raise InvalidInput("Bàn phím ascii cần --counter N", "--protocol ascii needs --counter N")
    if args.protocol == "framed" and args.counter is not None:
        raise InvalidInput("Bàn phím framed đọc cả bus, không dùng --counter",
                           "--protocol framed reads the whole bus: drop --counter (counters come from addresses)")
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s onestop keypad: %(message)s", datefmt="%Y-%m-%d %H:%M:%S")
    try:
        connect(getattr(args, "db", None))
        _check_setup(args)
    except DatabaseUnavailable as exc:
        # The reader keeps presses until the database answers: start anyway.
        log.warning("%s; presses will be kept and recorded when it is back", exc)

    stop = threading.Event()

    def on_signal(signum: int, _frame) -> None:
        log.info("%s received, stopping", signal.Signals(signum).name)
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    reader = rating_reader(args.port, protocol=args.protocol, counter=args.counter, baudrate=args.baudrate,
                           on_recorded=_log_press)
    log.info("reading %s (%s%s, %d baud)", args.port, args.protocol,
             f", counter {args.counter}" if args.counter is not None else ", whole bus", args.baudrate)
    reader.start()
    try:
        while not stop.wait(0.5):
            pass
    finally:
        reader.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    stats = reader.stats()
    log.info("stopped: %s", ", ".join(f"{key}={value}" for key, value in stats.items()))
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("keypad", help="read a rating keypad until SIGINT/SIGTERM (headless)")
    p.add_argument("--port", type=arguments.word, required=True,
                   help="serial port or pyserial URL: /dev/ttyUSB0, COM3, socket://HOST:PORT, loop://")
    p.add_argument("--protocol", choices=("ascii", "framed"), default="ascii",
                   help="ascii: one digit per press, needs --counter; framed: addressed frames of a whole bus")
    p.add_argument("--counter", type=arguments.counter_number, help="counter number of an ascii keypad")
    p.add_argument("--baudrate", type=arguments.positive, default=9600)
    add_db_option(p)
    p.set_defaults(func=cmd_keypad)

    p = subparsers.add_parser("rate", help="record one rating press exactly as the keypad does (json)")
    p.add_argument("--counter", type=arguments.counter_number, required=True, help="counter number")
    p.add_argument("--value", type=arguments.rating_value, required=True, help="rating value (one of the configured levels)")
    add_db_option(p)
    p.set_defaults(func=cmd_rate)
