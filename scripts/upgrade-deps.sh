#!/usr/bin/env bash
# Move the lock forward on purpose: re-resolve uv.lock to the newest versions that pyproject.toml allows (for
# Python 3.10-3.13 on Linux, Windows and macOS at once), rebuild .venv from it and run every check.
#   scripts/upgrade-deps.sh                 upgrade everything
#   scripts/upgrade-deps.sh transformers    upgrade only these packages
# Commit pyproject.toml + uv.lock only when the tests pass. A failure names the culprit: add an upper bound
# with a comment naming the failure in pyproject.toml (like the transformers and PySide6 ones) and run again.
# torch is not re-resolved: change TORCH_VERSION in scripts/setup.sh and override-dependencies in pyproject.toml.
set -euo pipefail
cd "$(dirname "$0")/.."
UV_VERSION=$(sed -n 's/^UV_VERSION=//p' scripts/setup.sh)
uv=.venv/bin/uv
[ -x "$uv" ] || { python3 -m pip install -q --user "uv==$UV_VERSION"; uv=$(command -v uv); }
if [ $# -gt 0 ]; then
  "$uv" lock $(printf -- '--upgrade-package %s ' "$@")
else
  "$uv" lock --upgrade
fi
git --no-pager diff --stat -- uv.lock || true
exec scripts/test.sh
