"""What every ``onestop`` command prints on stdout: one JSON document per line."""

from __future__ import annotations

import json
import sys
from typing import Any


def print_json(document: Any) -> None:
    sys.stdout.write(json.dumps(document, ensure_ascii=False) + "\n")
    sys.stdout.flush()
