"""Clip planning, seam blending, retiming, checkpoints and tier dispatch (no models needed)."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest

from vidgen_desktop.core.hardware import HardwareInfo
from vidgen_desktop.core.jobs import Tier
from vidgen_desktop.core.tiers import Availability
from vidgen_desktop.engine.ai.checkpoint import CheckpointStore, prune_stale, render_key
from vidgen_desktop.engine.ai.clips import Timeline, clip_count, next_clip, schedule, seam_overlap
from vidgen_desktop.engine.ai.dispatch import ai_chain
from vidgen_desktop.engine.ai.options import AiOptions, ChainFrom
from vidgen_desktop.engine.ai.spec import default_spec, safetensors_params
from vidgen_desktop.engine.decide import decide

ALL = frozenset({"torch", "diffusers", "transformers", "accelerate"})


@pytest.mark.parametrize("chain_from", list(ChainFrom))
@pytest.mark.parametrize(("seconds", "fps", "frames", "clip_fps"),
                         [(0.5, 24, 25, 6), (4.0, 30, 25, 6), (60.0, 24, 25, 6), (9.9, 15, 14, 7), (3.0, 10, 16, 8)])
def test_clips_cover_the_audio(seconds: float, fps: float, frames: int, clip_fps: int, chain_from: ChainFrom) -> None:
    total = int(np.ceil(seconds * fps))
    last = (total - 1) / fps
    clips = schedule(last, Tier.SVD_XT, frames, clip_fps, chain_from)
    assert len(clips) == clip_count(last, frames, clip_fps, chain_from)
    assert clips[0].start_s == 0 and clips[0].start_from == "source"
    assert clips[-1].end_s >= last - 1e-6
    assert len(clips) == 1 or clips[-2].end_s < last  # no clip more than needed
    for a, b in itertools.pairwise(clips):
        assert b.index == a.index + 1
        assert b.start_s == pytest.approx(a.end_s - a.overlap / a.fps)  # seams overlap
        assert b.start_s > a.start_s
        assert b.start_from == ("source" if chain_from is ChainFrom.SOURCE else "previous")


def test_overlap_and_handoff() -> None:
    assert seam_overlap(25, ChainFrom.LAST_FRAME) == 2
    assert seam_overlap(25, ChainFrom.SOURCE) == 6
    first = next_clip(None, Tier.SVD, 14, 7, ChainFrom.LAST_FRAME)
    second = next_clip(first, Tier.SVD, 14, 7, ChainFrom.LAST_FRAME)
    # The second clip starts exactly when (and from) the frame it continues.
    assert second.start_s == pytest.approx(first.start_s + first.handoff_index / first.fps)
    # A tier change mid-way: the next clip has its own length and rate.
    third = next_clip(second, Tier.ANIMATEDIFF, 16, 8, ChainFrom.LAST_FRAME)
    assert third.start_s == pytest.approx(second.next_start_s) and third.fps == 8


def _clip_frames(n: int, value0: int, step: int, size: tuple[int, int] = (32, 16)) -> np.ndarray:
    w, h = size
    return np.stack([np.full((h, w, 3), value0 + i * step, np.uint8) for i in range(n)])


@pytest.mark.parametrize("interp", ["flow", "blend", "nearest"])
def test_timeline_streams_every_frame_once_holding_at_most_two_clips(interp: str) -> None:
    fps, total = 24.0, 60
    tl = Timeline(total, fps, interp)  # type: ignore[arg-type]
    clips = schedule(tl.last_time_s, Tier.SVD, 8, 7, ChainFrom.LAST_FRAME)
    assert len(clips) == 4
    got: list[int] = []
    values: list[float] = []
    for k, spec in enumerate(clips):
        frames = _clip_frames(8, 10 + 60 * k, 5)
        for i, frame in tl.push(spec, frames):
            got.append(i)
            values.append(float(frame.mean()))
        assert tl.held_clips <= 2
    got += [i for i, _ in tl.flush()]
    assert got == list(range(total))  # in order, each once, exactly as many as the audio needs
    assert tl.emitted == total


def test_retiming_interpolates_and_seams_cross_fade() -> None:
    fps = 21.0  # 3 output frames per generated frame at 7 fps
    tl = Timeline(36, fps, "blend")  # 1.67 s: two clips of 1 s overlapping by 2 frames cover it
    a = next_clip(None, Tier.SVD, 8, 7, ChainFrom.SOURCE)
    b = next_clip(a, Tier.SVD, 8, 7, ChainFrom.SOURCE)
    out = {i: float(f.mean()) for i, f in tl.push(a, _clip_frames(8, 0, 21))}
    out.update({i: float(f.mean()) for i, f in tl.push(b, _clip_frames(8, 200, 0))})
    assert sorted(out) == list(range(36))
    # Inside clip a, between generated frames 0 (0) and 1 (21): a third and two thirds of the way.
    assert out[0] == pytest.approx(0, abs=0.6) and out[1] == pytest.approx(7, abs=0.6)
    assert out[2] == pytest.approx(14, abs=0.6) and out[3] == pytest.approx(21, abs=0.6)
    # Over the overlap the output moves smoothly from clip a's values to clip b's (200).
    start = round(b.start_s * fps)
    end = round(a.end_s * fps)
    seam = [out[i] for i in range(start, end + 1)]
    assert seam[0] == pytest.approx(21 * (a.handoff_index), abs=1)
    assert seam[-1] == pytest.approx(200, abs=1)
    assert all(x <= y + 0.5 for x, y in itertools.pairwise(seam))


def test_flow_interpolation_moves_edges_instead_of_ghosting() -> None:
    h, w = 64, 96
    frames = np.zeros((2, h, w, 3), np.uint8)
    rng = np.random.default_rng(0)
    tex = rng.integers(0, 255, (24, 24, 3), dtype=np.uint8)
    frames[0, 20:44, 20:44] = tex
    frames[1, 20:44, 40:64] = tex  # moved 20 px right
    tl = Timeline(3, 14.0, "flow")
    spec = next_clip(None, Tier.SVD, 2, 7, ChainFrom.LAST_FRAME)
    mid = dict(tl.push(spec, frames))[1]
    col = mid[20:44].astype(float).mean(axis=(0, 2))
    centre = float((col * np.arange(w)).sum() / col.sum())
    assert abs(centre - (32 + 52) / 2) < 4  # the square is half-way, not two half-bright squares


def test_checkpoints_round_trip_and_survive_damage(tmp_path: Path) -> None:
    store = CheckpointStore(tmp_path, "k")
    spec = next_clip(None, Tier.SVD, 4, 7, ChainFrom.LAST_FRAME)
    frames = np.random.default_rng(1).integers(0, 255, (4, 16, 24, 3), dtype=np.uint8)
    store.save(spec, frames, "model-1")
    back = store.load(0)
    assert back is not None and back.spec == spec and back.model == "model-1"
    assert np.array_equal(back.frames, frames)  # lossless: a resumed render is the same video
    assert store.load(1) is None
    (tmp_path / "k" / "clip-00000" / "0002.png").write_bytes(b"garbage")
    assert store.load(0) is None and store.indices() == []  # a damaged clip is dropped, and regenerated
    # A half-written clip (killed while saving) is only a temp folder: never seen as a clip.
    (tmp_path / "k" / ".tmp-00001-abcdef").mkdir()
    assert store.indices() == []
    store.save(spec, frames, "m")
    store.clear()
    assert not (tmp_path / "k").exists()


def test_render_key_follows_content_and_generation_settings(tmp_path: Path) -> None:
    img, aud = tmp_path / "i.png", tmp_path / "a.wav"
    img.write_bytes(b"picture")
    aud.write_bytes(b"sound")
    k = render_key(img, aud, {"seed": 1, "steps": 25})
    assert k == render_key(img, aud, {"steps": 25, "seed": 1})
    assert k != render_key(img, aud, {"seed": 2, "steps": 25})
    aud.write_bytes(b"other sound")
    assert k != render_key(img, aud, {"seed": 1, "steps": 25})


def test_stale_checkpoints_are_pruned(tmp_path: Path) -> None:
    import os
    import time

    old, keep = tmp_path / "old", tmp_path / "keep"
    old.mkdir()
    keep.mkdir()
    past = time.time() - 30 * 86400
    os.utime(old, (past, past))
    os.utime(keep, (past, past))
    prune_stale(tmp_path, keep="keep")
    assert not old.exists() and keep.exists()


def test_dispatch_chain() -> None:
    cpu = HardwareInfo(cpu_model="cpu", ram_total_mb=32768)
    everything = frozenset({"svd", "svd-xt", "animatediff"})
    decision = decide(cpu, Availability(ALL, everything))
    assert decision.tier is Tier.KENBURNS
    # No GPU: nothing runs unless the user allows slow hardware...
    d = ai_chain(decision, Tier.SVD, allow_slow=False, installed=everything, packages=ALL)
    assert d.chain == () and d.could_force == (Tier.SVD, Tier.ANIMATEDIFF)
    # ...then the requested tier and every weaker installed one, strongest first.
    d = ai_chain(decision, Tier.SVD, allow_slow=True, installed=everything, packages=ALL)
    assert d.chain == (Tier.SVD, Tier.ANIMATEDIFF) and d.forced == d.chain
    d = ai_chain(decision, Tier.AUTO, allow_slow=True, installed=frozenset({"svd"}), packages=ALL)
    assert d.chain == (Tier.SVD,)
    # Missing packages or models are never overruled.
    assert ai_chain(decision, Tier.SVD, allow_slow=True, installed=everything, packages=frozenset()).chain == ()
    assert ai_chain(decision, Tier.KENBURNS, allow_slow=True, installed=everything, packages=ALL).chain == ()
    # A 24 GB GPU: SVD-XT runs; SVD and AnimateDiff stand by.
    from vidgen_desktop.core.hardware import GpuInfo

    gpu = HardwareInfo(gpus=(GpuInfo("RTX 4090", "NVIDIA", "cuda", 24564),), ram_total_mb=65536,
                       torch_version="2.13.0", cuda_available=True)
    decision = decide(gpu, Availability(ALL, everything))
    d = ai_chain(decision, Tier.AUTO, allow_slow=False, installed=everything, packages=ALL)
    assert d.chain == (Tier.SVD_XT, Tier.SVD, Tier.ANIMATEDIFF) and d.forced == ()


def test_options_validate() -> None:
    from vidgen_desktop.core.errors import UsageError

    with pytest.raises(UsageError):
        AiOptions(steps=0)
    with pytest.raises(UsageError):
        AiOptions(frames_per_clip=1)
    assert AiOptions(prompt="  ").effective_prompt.startswith("gentle")


def test_safetensors_header_counts_parameters(tmp_path: Path) -> None:
    header = {"a": {"dtype": "F16", "shape": [3, 4], "data_offsets": [0, 24]},
              "b": {"dtype": "F16", "shape": [5], "data_offsets": [24, 34]}, "__metadata__": {"format": "pt"}}
    raw = json.dumps(header).encode()
    f = tmp_path / "x.safetensors"
    f.write_bytes(len(raw).to_bytes(8, "little") + raw + bytes(34))
    assert safetensors_params(f) == 17
    assert default_spec(Tier.SVD_XT).frames == 25 and default_spec(Tier.SVD).frames == 14
