"""Clip checkpoints under any folder name, and what a killed render's half-written clip leaves."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from vidgen_desktop.core.jobs import Tier
from vidgen_desktop.engine.ai.checkpoint import CheckpointStore, prune_stale
from vidgen_desktop.engine.ai.clips import next_clip
from vidgen_desktop.engine.ai.options import ChainFrom
from vidgen_desktop.engine.debris import owned_name

REPO_ROOT = Path(__file__).resolve().parents[3]
#: A render process that dies while saving clip 1: its temporary clip folder stays behind.
HALF_SAVED = ("import sys, pathlib; from vidgen_desktop.engine.debris import owned_name; "
              "d = pathlib.Path(sys.argv[1]) / owned_name('clip-00001'); d.mkdir(); "
              "(d / '0000.png').write_bytes(b'half a frame'); print(d)")


def _frames(seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 255, (3, 20, 28, 3), dtype=np.uint8)


def test_checkpoints_round_trip_under_a_non_ascii_folder(tmp_path: Path) -> None:
    """``cv2.imread`` cannot open such paths on Windows (resume never worked there)."""
    root = tmp_path / "Mü 音" / "ai-clips"
    store = CheckpointStore(root, "ключ")
    spec = next_clip(None, Tier.SVD, 3, 7, ChainFrom.LAST_FRAME)
    store.save(spec, _frames(2), "svd")
    back = CheckpointStore(root, "ключ").load(0)
    assert back is not None and back.spec == spec
    assert np.array_equal(back.frames, _frames(2))
    assert sorted(p.name for p in (root / "ключ" / "clip-00000").iterdir()) == [
        "0000.png", "0001.png", "0002.png", "meta.json"]


def test_a_killed_renders_half_saved_clip_is_swept_and_its_finished_clips_kept(tmp_path: Path) -> None:
    store = CheckpointStore(tmp_path, "key")
    spec = next_clip(None, Tier.SVD, 3, 7, ChainFrom.LAST_FRAME)
    store.save(spec, _frames(3), "svd")
    half = Path(subprocess.run([sys.executable, "-c", HALF_SAVED, str(store.dir)], cwd=REPO_ROOT, env=dict(os.environ),
                               capture_output=True, text=True, check=True).stdout.strip())
    mine = store.dir / owned_name("clip-00002")  # this (running) process is saving clip 2
    mine.mkdir()
    assert half.is_dir() and store.indices() == [0]

    prune_stale(tmp_path, keep="key")  # what the next AI render does first
    assert not half.exists() and mine.is_dir()
    loaded = store.load(0)
    assert loaded is not None and np.array_equal(loaded.frames, _frames(3))  # the resume still has clip 0
