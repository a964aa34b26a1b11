#!/usr/bin/env bash
# Create .venv (once) and install VidGen Desktop into it. Idempotent and quick when already done.
#   scripts/setup.sh            base app (window, Ken Burns, model downloads)
#   scripts/setup.sh dev        + test tools
#   scripts/setup.sh dev ai     + torch (pinned CPU wheel) and the diffusion stack
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
"$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "VidGen Desktop needs Python 3.10 or newer")'
[ -x .venv/bin/python ] || "$PY" -m venv .venv
VPY=.venv/bin/python
extras=""
for e in "$@"; do
  case "$e" in
    ai)
      # Never let a resolver pick torch: an unpinned torch pulls gigabytes of CUDA wheels.
      "$VPY" -m pip install -q "torch==${TORCH_VERSION:-2.13.0}" ;;
  esac
  extras="${extras:+$extras,}$e"
done
stamp=".venv/.vidgen-installed-$(sha1sum pyproject.toml | cut -c1-12)-${extras:-base}"
if [ ! -f "$stamp" ]; then
  "$VPY" -m pip install -q --upgrade pip
  "$VPY" -m pip install -q -e ".${extras:+[$extras]}"
  touch "$stamp"
fi
