#!/usr/bin/env bash
# One command for users of a checkout: set up (first time only), then run the app.
#   scripts/vidgen.sh render --sample -o out.mp4     the main job, with the built-in sample
#   scripts/vidgen.sh                                 open the window
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/setup.sh"
exec "$root/.venv/bin/vidgen-desktop" "$@"
