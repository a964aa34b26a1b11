#!/usr/bin/env bash
# Build the double-click app (a one-folder PyInstaller bundle) and smoke-test it with --self-test.
#   scripts/build_bundle.sh [lite|full]     -> dist/<edition>/VidGen/VidGen (macOS: also dist/<edition>/VidGen.app)
#
# Where it builds:
#   lite: its own clean venv, build/venv-lite, from the lock (scripts/setup.sh media voice build): the base app + PySide6-Addons
#         (in-window playback) + pyttsx3 (system voice). Nothing else, so nothing else can leak in.
#   full: .venv as scripts/setup.sh prepares it for the tests (dev media ai tts captions: pinned torch, the
#         torchcodec/torchaudio fixes), so the bundle holds exactly what the tests ran against.
#   VIDGEN_BUILD_PYTHON=/path/to/python: that environment instead (CI's lite check uses .venv; the spec
#         leaves torch & co. out of Lite whatever the environment has).
#   VIDGEN_SKIP_SELFTEST=1     build only
#   VIDGEN_BUNDLE_OUT=DIR      put the bundle in DIR/<edition>/VidGen and PyInstaller's work files in DIR/work
# Prints the build time, the bundle size and the self-test result; exits non-zero if any step fails.
set -euo pipefail
cd "$(dirname "$0")/.."
edition=${1:-lite}
case "$edition" in lite|full) ;; *) echo "usage: $0 [lite|full]" >&2; exit 2 ;; esac
PYINSTALLER_VERSION=${PYINSTALLER_VERSION:-6.22.3}

if [ -n "${VIDGEN_BUILD_PYTHON:-}" ]; then
  PY=$VIDGEN_BUILD_PYTHON
elif [ "$edition" = full ]; then
  scripts/setup.sh dev media ai tts captions
  PY=.venv/bin/python
else
  # From the same lock as everything else (scripts/setup.sh), so the bundle holds what the tests ran against.
  VIDGEN_VENV=build/venv-lite scripts/setup.sh media voice build
  PY=build/venv-lite/bin/python
fi
"$PY" -c "import PyInstaller, sys; sys.exit(PyInstaller.__version__ != '$PYINSTALLER_VERSION')" 2>/dev/null ||
  "$PY" -m pip install -q "pyinstaller==$PYINSTALLER_VERSION"

out=${VIDGEN_BUNDLE_OUT:-}
spec_args=()
[ -n "$out" ] && spec_args=(--dist "$out/$edition" --work "$out/work-$edition")
start=$(date +%s)
log=${out:-build}/pyinstaller-$edition.log
mkdir -p "$(dirname "$log")"
if ! "$PY" build_spec.py "$edition" ${spec_args[@]+"${spec_args[@]}"} >"$log" 2>&1; then
  tail -n 40 "$log" >&2
  echo "PyInstaller failed (full log: $log)" >&2
  exit 1
fi
secs=$(( $(date +%s) - start ))
app=${out:-dist}/$edition/VidGen
exe=$app/VidGen
[ -x "$exe" ] || exe=$app/VidGen.exe
echo "built $app in ${secs} s: $(du -sh "$app" | cut -f1), $(find "$app" -type f | wc -l) files"

if [ -z "${VIDGEN_SKIP_SELFTEST:-}" ]; then
  [ -x "$app/vidgen-desktop.exe" ] && exe=$app/vidgen-desktop.exe   # Windows: the console twin prints
  start=$(date +%s)
  env -u VIDGEN_HOME "$exe" --self-test
  echo "self-test of the frozen app passed in $(( $(date +%s) - start )) s"
fi
