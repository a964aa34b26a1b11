#!/usr/bin/env bash
# Create .venv (once) and install VidGen Desktop into it. Idempotent and quick when already done.
#   scripts/setup.sh                 base app (window, Ken Burns, model downloads)
#   scripts/setup.sh dev media       + test tools, in-window video player
#   scripts/setup.sh dev ai tts      + torch (pinned CPU wheel), diffusion and narration stacks
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
"$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "VidGen Desktop needs Python 3.10 or newer")'
[ -x .venv/bin/python ] || "$PY" -m venv .venv
VPY=.venv/bin/python
TORCH_VERSION=${TORCH_VERSION:-2.13.0}
extras="" ml=0 tts=0
for e in "$@"; do
  case "$e" in ai) ml=1 ;; tts) ml=1 tts=1 ;; esac
  extras="${extras:+$extras,}$e"
done
stamp=".venv/.vidgen-installed-$(cat pyproject.toml scripts/setup.sh | sha1sum | cut -c1-12)-${extras:-base}"
[ -f "$stamp" ] && exit 0

"$VPY" -m pip install -q --upgrade pip
constraints=$(mktemp)
trap 'rm -f "$constraints"' EXIT
if [ "$ml" = 1 ]; then
  # Never let a resolver pick torch: an unpinned torch pulls gigabytes of CUDA wheels.
  "$VPY" -m pip install -q "torch==$TORCH_VERSION"
  echo "torch==$TORCH_VERSION" >> "$constraints"
  # torchcodec 0.14+ links CUDA; 0.13 is the CPU build that works with this torch (needs system FFmpeg libs).
  [ "$tts" = 1 ] && [ "$(uname -s)" = Linux ] && echo "torchcodec==0.13.0" >> "$constraints"
fi
"$VPY" -m pip install -q -c "$constraints" -e ".${extras:+[$extras]}"
if [ "$tts" = 1 ]; then
  # coqui-tts imports torchaudio without declaring it, and PyPI's torchaudio ships CUDA-linked extensions
  # that fail to load on CPU machines (and break `import transformers`). Its pure-Python parts are all
  # XTTS needs: install it without dependencies and drop the native libraries, which torchaudio tolerates.
  "$VPY" -m pip install -q -c "$constraints" "torchcodec==0.13.0" 2>/dev/null || true
  "$VPY" -m pip install -q --no-deps "torchaudio==2.11.0"
  "$VPY" - <<'PY'
import importlib.util, pathlib
spec = importlib.util.find_spec("torchaudio")
if spec and spec.origin:
    for so in (pathlib.Path(spec.origin).parent / "lib").glob("*.so*"):
        so.unlink()
PY
fi
rm -f .venv/.vidgen-installed-*
touch "$stamp"
