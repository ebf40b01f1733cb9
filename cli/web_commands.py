"""``onestop web`` (the web service) and ``onestop api-key create | list | revoke``."""

from __future__ import annotations

import sys

from cli.output import print_json
from db.connection import connect
from db.errors import InvalidInput
from services import arguments
from services.options import add_db_option


def cmd_web(args) -> int:
    from db.tracking import ensure_secret
    from web.ratelimit import parse_limit
    from web.server import parse_listen, serve

    parse_listen(args.listen)  # refuse a bad address before opening anything
    try:
        parse_limit(args.rate_limit)
    except ValueError:
        raise InvalidInput(f"Giới hạn không hợp lệ: {args.rate_limit!r}",
                           f"Bad rate limit {args.rate_limit!r} (e.g. 300/minute)") from None
    connect(getattr(args, "db", None))
    ensure_secret()
    print(f"onestop: web service on http://{args.listen} (Ctrl+C to stop)", file=sys.stderr)
    serve(args.listen, rate_limit=args.rate_limit, forwarded_allow_ips=args.forwarded_allow_ips,
          access_log=args.access_log)
    return 0


def cmd_key_create(args) -> int:
    from db.api_keys import create_key

    connect(getattr(args, "db", None))
    from db.api_keys import SCOPES

    print_json({"name": args.name, "scopes": list(args.scope or SCOPES),
                "key": create_key(args.name, scopes=args.scope or SCOPES)})
    return 0


def cmd_key_list(args) -> int:
    from db.api_keys import list_keys

    connect(getattr(args, "db", None))
    print_json([k.to_json() for k in list_keys()])
    return 0


def cmd_key_revoke(args) -> int:
    from db.api_keys import revoke_key

    connect(getattr(args, "db", None))
    print_json(revoke_key(args.name).to_json())
    return 0


def register(subparsers) -> None:
    from web.ratelimit import DEFAULT_LIMIT
    from web.server import DEFAULT_LISTEN

    p = subparsers.add_parser("web", help="run the web service: tracking pages, /board, JSON API")
    p.add_argument("--listen", type=arguments.word, default=DEFAULT_LISTEN,
                   help=f"HOST:PORT (default {DEFAULT_LISTEN}; 0.0.0.0:8080 for the LAN)")
    p.add_argument("--rate-limit", type=arguments.word, default=DEFAULT_LIMIT, help=f"requests per client address (default {DEFAULT_LIMIT})")
    p.add_argument("--forwarded-allow-ips", type=arguments.word, default="127.0.0.1",
                   help="proxies whose X-Forwarded-For is trusted (default 127.0.0.1)")
    p.add_argument("--access-log", action="store_true", help="log every request")
    add_db_option(p)
    p.set_defaults(func=cmd_web)

    p = subparsers.add_parser("api-key", help="API keys for the web API's write calls")
    sub = p.add_subparsers(dest="api_key_command", metavar="ACTION", required=True)
    c = sub.add_parser("create", help="make a key (json {name, key}; the key is shown only this once)")
    c.add_argument("name", type=arguments.api_key_name)
    c.add_argument("--scope", action="append", choices=("tickets", "bookings"),
                   help="what the key may do (repeat for both; default both): tickets = POST /api/v1/tickets, "
                        "bookings = POST /api/v1/bookings")
    add_db_option(c)
    c.set_defaults(func=cmd_key_create)
    c = sub.add_parser("list", help="the keys (json, without the keys themselves)")
    add_db_option(c)
    c.set_defaults(func=cmd_key_list)
    c = sub.add_parser("revoke", help="revoke a key (json)")
    c.add_argument("name", type=arguments.api_key_name)
    add_db_option(c)
    c.set_defaults(func=cmd_key_revoke)
