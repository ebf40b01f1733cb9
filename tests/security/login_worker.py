"""One process trying wrong PINs until the account locks, for the lockout race test.

    python login_worker.py URL USERNAME START_AT

Prints one JSON line: how many attempts were answered "wrong PIN", how many
"locked", and anything unexpected.
"""

from __future__ import annotations

import json
import sys
import time


def main() -> None:
    url, username, start_at = sys.argv[1], sys.argv[2], float(sys.argv[3])
    from db.connection import connect
    from db.errors import AuthError
    from db.officers import authenticate

    connect(url)
    result = {"wrong": 0, "locked_now": 0, "locked": 0, "other": []}
    time.sleep(max(0.0, start_at - time.time()))
    while True:
        try:
            authenticate(username, "000000")
            result["other"].append("accepted a wrong PIN")
            break
        except AuthError as exc:
            text = exc.message("en")
            if text.startswith("Wrong username or PIN"):
                result["wrong"] += 1
            elif text.startswith("Wrong PIN 5 times"):
                result["locked_now"] += 1
            elif text.startswith("Account locked"):
                result["locked"] += 1
                break
            else:
                result["other"].append(text)
                break
        except Exception as exc:  # reported; the test asserts there is none
            result["other"].append(repr(exc))
            break
    print(json.dumps(result))


if __name__ == "__main__":
    main()
