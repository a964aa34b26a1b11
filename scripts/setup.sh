#!/usr/bin/env bash
# Create .venv (once) and install VidGen Desktop into it from the committed lock (uv.lock), so every machine
# gets exactly the versions CI tested. Idempotent and quick when already done.
#   scripts/setup.sh                 base app (window, Ken Burns, model downloads)
#   scripts/setup.sh dev media       + test tools, in-window video player
#   scripts/setup.sh dev ai tts      + torch (pinned), diffusion and narration stacks
#   VIDGEN_VENV=DIR scripts/setup.sh ...   another environment (the Lite bundle builds in build/venv-lite)
# How it installs: `uv export` turns uv.lock into a hashed requirements list for this machine and these extras;
# pip installs that list with --no-deps --require-hashes (nothing is resolved here); torch is installed last at
# its deliberate pin (TORCH_VERSION), never chosen by a resolver. To move the lock forward: scripts/upgrade-deps.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
"$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "VidGen Desktop needs Python 3.10 or newer")'
TORCH_VERSION=${TORCH_VERSION:-2.13.0}
UV_VERSION=0.13.9
V=${VIDGEN_VENV:-.venv}
VPY=$V/bin/python
lock_id=$(cat uv.lock scripts/setup.sh | sha1sum | cut -c1-12)  # pyproject.toml changes reach uv.lock (CI checks)
record=$V/.vidgen-install   # line 1: lock id, line 2: extras installed

# Extras already installed with this same lock are kept, so `setup.sh` after `setup.sh dev ai` is a no-op.
want=$(printf '%s\n' "$@")
if [ -f "$record" ] && [ "$(sed -n 1p "$record")" = "$lock_id" ]; then
  have=$(sed -n '2,$p' "$record")
  [ -z "$(comm -13 <(echo "$have" | sort -u) <(echo "$want" | sed '/^$/d' | sort -u))" ] && exit 0
  want=$(printf '%s\n%s\n' "$have" "$want")
elif [ -d "$V" ]; then
  # The lock changed: start from an empty venv so nothing the old lock installed lingers.
  [ -f "$record" ] && want=$(printf '%s\n%s\n' "$(sed -n '2,$p' "$record")" "$want")
  echo "setup: the lock changed, rebuilding $V" >&2
  rm -rf "$V"
fi
extras=$(echo "$want" | sed '/^$/d' | sort -u)
[ -x "$VPY" ] || "$PY" -m venv "$V"

args=(--frozen --no-emit-project --prune torch --format requirements-txt --quiet)
ml=0 tts=0
for e in $extras; do
  args+=(--extra "$e")
  case "$e" in ai) ml=1 ;; tts) ml=1 tts=1 ;; esac
done
[ "$ml" = 1 ] && args+=(--group torch-runtime)
[ "$tts" = 1 ] && args+=(--group tts-runtime)

"$VPY" -m pip install -q --upgrade pip "uv==$UV_VERSION"
"$V/bin/uv" export "${args[@]}" -o "$V/vidgen-lock.txt"
"$VPY" -m pip install -q --no-deps --require-hashes -r "$V/vidgen-lock.txt"
if [ "$ml" = 1 ]; then
  # Its requirements are already installed from the lock; on a CUDA machine pip adds the CUDA libraries.
  "$VPY" -m pip install -q "torch==$TORCH_VERSION"
fi
"$VPY" -m pip install -q --no-deps -e .
if [ "$tts" = 1 ]; then
  # PyPI's torchaudio ships CUDA-linked native libraries that fail to load on CPU machines (and then break
  # `import transformers`); coqui-tts needs only its pure-Python parts, which work without them.
  "$VPY" - <<'PY'
import importlib.util, pathlib
spec = importlib.util.find_spec("torchaudio")
if spec and spec.origin:
    for so in (pathlib.Path(spec.origin).parent / "lib").glob("*.so*"):
        so.unlink()
PY
fi
printf '%s\n%s\n' "$lock_id" "$extras" > "$record"
"$VPY" scripts/lockcheck.py "$V/vidgen-lock.txt"
