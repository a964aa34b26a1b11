#!/usr/bin/env bash
# One command: set up (Debian packages when root and missing, venv from the lock, every extra) and run every
# check. Extra arguments go to pytest (scripts/test.sh tests/core -x).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  # Qt runtime libraries, the system voice, FFmpeg libraries for torchcodec, Xvfb for the bundle check, and
  # fonts for captions in every script (CJK, Arabic, Hebrew, Devanagari...) with libraqm for shaping.
  need=()
  for pkg in libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libpulse0 espeak-ng ffmpeg xvfb xauth \
      libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxcb-image0 libxcb-render-util0 libxcb-shape0 \
      libxkbcommon-x11-0 fontconfig fonts-dejavu-core fonts-noto-core fonts-noto-cjk libraqm0; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
  done
  if [ ${#need[@]} -gt 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  fi
fi
scripts/setup.sh dev media ai tts captions build
export PATH="$PWD/.venv/bin:$PATH" OMP_NUM_THREADS=1 QT_QPA_PLATFORM=offscreen
# A test that skips because a shipped part is missing fails instead (tests/conftest.py); only platform skips stay.
export VIDGEN_REQUIRE_ALL=1
echo "== installed versions equal the lock"; python scripts/lockcheck.py
echo "== lint"; ruff check .
echo "== import contracts"; lint-imports
echo "== types"; mypy
echo "== tests"; exec python -m pytest -q -rs "$@"
