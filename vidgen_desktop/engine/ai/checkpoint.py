"""Finished clips on disk, so a cancelled, crashed or killed render resumes where it stopped.

Layout: ``<cache>/ai-clips/<key>/`` where ``key`` is a hash of the inputs' *contents*
(picture and audio) and of every setting that changes the generated pictures (tiers,
steps, motion, prompt, seed, fit, aspect...); output-only settings (file name, quality,
fps, resolution) are left out, so a re-render at another fps reuses the clips. Each
clip is a folder ``clip-00003/`` of lossless PNG frames at the generation size plus
``meta.json`` (its :class:`ClipSpec` and the model it came from). A clip is written
into a temporary folder and renamed into place when complete, so a kill at any moment
leaves either a whole clip or none; the temporary folder names its process
(:mod:`vidgen_desktop.engine.debris`), so a killed render's half-written clip is swept
while its finished clips stay for the resume. The key folder is removed after a
successful render; folders untouched for :data:`STALE_DAYS` are pruned at the next AI
render. Frames are read and written as bytes (``np.fromfile`` / ``tofile`` around
OpenCV's in-memory codecs): ``cv2.imread`` cannot open paths outside the ANSI code
page on Windows.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from vidgen_desktop.engine.ai.clips import ClipSpec, Frames
from vidgen_desktop.engine.debris import owned_name, sweep

CHECKPOINT_DIR = "ai-clips"
FORMAT = 1
STALE_DAYS = 14
_CHUNK = 1 << 20


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(_CHUNK):
            h.update(block)
    return h.hexdigest()


def render_key(image: Path, audio: Path, settings: Mapping[str, Any]) -> str:
    """Same picture and sound (by content) and same generation settings: same key."""
    payload = {"format": FORMAT, "image": file_digest(image), "audio": file_digest(audio), "settings": dict(settings)}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()[:32]


@dataclass(frozen=True)
class StoredClip:
    spec: ClipSpec
    frames: Frames
    model: str


class CheckpointStore:
    """The finished clips of one render (by key)."""

    def __init__(self, root: Path, key: str) -> None:
        self.root = root
        self.key = key
        self.dir = root / key

    def _clip_dir(self, index: int) -> Path:
        return self.dir / f"clip-{index:05d}"

    def indices(self) -> list[int]:
        try:
            names = [p.name for p in self.dir.iterdir() if p.is_dir()]
        except OSError:
            return []
        out = []
        for n in names:
            if n.startswith("clip-") and n[5:].isdigit():
                out.append(int(n[5:]))
        return sorted(out)

    def save(self, spec: ClipSpec, frames: Frames, model: str) -> None:
        import cv2

        self.dir.mkdir(parents=True, exist_ok=True)
        final = self._clip_dir(spec.index)
        tmp = self.dir / owned_name(final.name)
        tmp.mkdir()
        try:
            for i, frame in enumerate(frames):
                ok, buf = cv2.imencode(".png", cv2.cvtColor(frame, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_PNG_COMPRESSION, 1])
                if not ok:
                    raise OSError("could not encode a checkpoint frame")
                buf.tofile(tmp / f"{i:04d}.png")
            meta = {"format": FORMAT, "spec": spec.to_dict(), "model": model, "count": int(frames.shape[0]),
                    "size": [int(frames.shape[2]), int(frames.shape[1])], "saved_at": time.time()}
            (tmp / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
            if final.exists():
                shutil.rmtree(final, ignore_errors=True)
            os.replace(tmp, final)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        with contextlib.suppress(OSError):
            os.utime(self.dir)

    def load(self, index: int) -> StoredClip | None:
        """The clip, or ``None`` if it is missing or damaged (a damaged one is deleted)."""
        import cv2

        d = self._clip_dir(index)
        if not d.is_dir():
            return None
        try:
            meta = json.loads((d / "meta.json").read_text(encoding="utf-8"))
            if meta.get("format") != FORMAT:
                raise ValueError("old checkpoint format")
            spec = ClipSpec.from_dict(meta["spec"])
            count = int(meta["count"])
            w, h = (int(v) for v in meta["size"])
            if count != spec.frames or spec.index != index:
                raise ValueError("inconsistent checkpoint")
            frames = np.empty((count, h, w, 3), np.uint8)
            for i in range(count):
                data = np.fromfile(d / f"{i:04d}.png", np.uint8)
                bgr = cv2.imdecode(data, cv2.IMREAD_COLOR) if data.size else None
                if bgr is None or bgr.shape != (h, w, 3):
                    raise ValueError(f"frame {i} unreadable")
                frames[i] = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
            return StoredClip(spec, frames, str(meta.get("model", "")))
        except (OSError, ValueError, KeyError, TypeError):
            shutil.rmtree(d, ignore_errors=True)
            return None

    def discard_from(self, index: int) -> None:
        """Remove clip ``index`` and every later one (they continue from a clip that changed)."""
        for i in self.indices():
            if i >= index:
                shutil.rmtree(self._clip_dir(i), ignore_errors=True)

    def clear(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


def prune_stale(root: Path, keep: str, max_age_days: float = STALE_DAYS) -> None:
    """Delete other renders' checkpoints not touched for ``max_age_days``, and half-written clips
    of renders that were killed (in every key folder, ``keep`` included)."""
    cutoff = time.time() - max_age_days * 86400
    try:
        entries = list(root.iterdir())
    except OSError:
        return
    for d in entries:
        if not d.is_dir():
            continue
        with contextlib.suppress(OSError):
            if d.name != keep and d.stat().st_mtime < cutoff:
                shutil.rmtree(d, ignore_errors=True)
                continue
        sweep(d)
