#!/usr/bin/env bash
# Build the double-click app (a one-folder PyInstaller bundle) and smoke-test it with --self-test.
#   scripts/build_bundle.sh [lite|full]     -> dist/<edition>/VidGen/VidGen (macOS: also dist/<edition>/VidGen.app)
#
# By default it builds in its own clean venv, build/venv-<edition> (created once, reused): Lite gets the
# base app + PySide6-Addons (in-window playback) + pyttsx3 (system voice); Full also pinned torch and
# the ai and tts extras. VIDGEN_BUILD_PYTHON=/path/to/python builds with an existing environment
# instead (CI uses .venv); the spec still leaves torch & co. out of Lite.
#   VIDGEN_SKIP_SELFTEST=1     build only
# Prints the build time, the bundle size and the self-test result; exits non-zero if any step fails.
set -euo pipefail
cd "$(dirname "$0")/.."
edition=${1:-lite}
case "$edition" in lite|full) ;; *) echo "usage: $0 [lite|full]" >&2; exit 2 ;; esac
PYINSTALLER_VERSION=${PYINSTALLER_VERSION:-6.22.3}

if [ -n "${VIDGEN_BUILD_PYTHON:-}" ]; then
  PY=$VIDGEN_BUILD_PYTHON
else
  venv=build/venv-$edition
  [ -x "$venv/bin/python" ] || "${PYTHON:-python3}" -m venv "$venv"
  PY=$venv/bin/python
  stamp="$venv/.vidgen-$(sha1sum pyproject.toml | cut -c1-12)-$PYINSTALLER_VERSION"
  if [ ! -f "$stamp" ]; then
    "$PY" -m pip install -q --upgrade pip
    if [ "$edition" = full ]; then
      # Never let a resolver pick torch (see README): pinned CPU/CUDA wheel first, then the rest.
      "$PY" -m pip install -q "torch==${TORCH_VERSION:-2.13.0}"
      "$PY" -m pip install -q ".[ai,media,tts]"
    else
      "$PY" -m pip install -q ".[media]" pyttsx3
    fi
    touch "$stamp"
  fi
fi
"$PY" -c "import PyInstaller, sys; sys.exit(PyInstaller.__version__ != '$PYINSTALLER_VERSION')" 2>/dev/null ||
  "$PY" -m pip install -q "pyinstaller==$PYINSTALLER_VERSION"

start=$(date +%s)
log=build/pyinstaller-$edition.log
mkdir -p build
if ! "$PY" build_spec.py "$edition" >"$log" 2>&1; then
  tail -n 40 "$log" >&2
  echo "PyInstaller failed (full log: $log)" >&2
  exit 1
fi
secs=$(( $(date +%s) - start ))
app=dist/$edition/VidGen
exe=$app/VidGen
[ -x "$exe" ] || exe=$app/VidGen.exe
echo "built $app in ${secs} s: $(du -sh "$app" | cut -f1), $(find "$app" -type f | wc -l) files"

if [ -z "${VIDGEN_SKIP_SELFTEST:-}" ]; then
  [ -x "$app/vidgen-desktop.exe" ] && exe=$app/vidgen-desktop.exe   # Windows: the console twin prints
  start=$(date +%s)
  env -u VIDGEN_HOME "$exe" --self-test
  echo "self-test of the frozen app passed in $(( $(date +%s) - start )) s"
fi
