#!/usr/bin/env bash
# Set up (system packages + .venv) and run the whole test suite, PostgreSQL tests included.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export QT_QPA_PLATFORM=offscreen
exec .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
