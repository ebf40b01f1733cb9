#!/usr/bin/env bash
# Set up (system packages + .venv), then run the one-PC demo with simulated citizens.
# Without a display it starts a virtual one (Xvfb) so the programs still run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
  echo "demo: no display found, running on a virtual screen (xvfb-run)"
  exec xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/onestop demo --simulate "$@"
fi
exec .venv/bin/onestop demo --simulate "$@"
