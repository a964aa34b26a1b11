"""AI renders end to end on the CPU with tiny random-weight models from the model store.

Every render here is real: a tiny SVD/AnimateDiff pipeline generates the clips, they are
blended, retimed and streamed to ffmpeg with the audio. Failures are injected through the
render's own progress events (an out-of-memory error raised at a chosen step, a cancel), which
the runner calls from inside the model's step and decode loops.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pytest

from tests.engine.ai.conftest import Install, needs_torch
from tests.media_factory import decode_gray_frames, probe_text, textured_image, tone
from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.errors import CancelledError
from vidgen_desktop.core.hardware import HardwareInfo
from vidgen_desktop.core.jobs import RenderJob, Resolution, Tier
from vidgen_desktop.core.paths import app_paths
from vidgen_desktop.core.progress import ProgressEvent
from vidgen_desktop.engine.ai import backends
from vidgen_desktop.engine.ai.errors import ModelLoadError, TierFailed
from vidgen_desktop.engine.ai.options import AiOptions, MotionStrength
from vidgen_desktop.engine.decide import TierDecision
from vidgen_desktop.engine.render import RenderResult, render

pytestmark = needs_torch

#: Two steps, 8-frame clips (1 s at 7 fps): a 2.5 s sound takes three SVD clips.
FAST = AiOptions(steps=2, allow_slow=True, frames_per_clip=8)
#: The same, where a failed tier may hand over to a weaker one (``--fallback``).
FAST_FALLBACK = replace(FAST, fallback=True)
OUT = (160, 90)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("ai-media")
    return {"image": textured_image(d / "pic.png", (640, 480)), "audio": tone(d / "tone.wav", 2.5)}


def ai_render(inputs: dict[str, Path], out: Path, tier: Tier, decision: TierDecision, hw: HardwareInfo,
              opts: AiOptions = FAST, **kw: object) -> RenderResult:
    job = RenderJob(image=inputs["image"], audio=inputs["audio"], output=out, tier=tier,
                    resolution=Resolution.parse(f"{OUT[0]}x{OUT[1]}"), fps=12.0, seed=7)
    return render(job, decision=decision, ai=opts, hardware=hw, **kw)  # type: ignore[arg-type]


def duration(path: Path) -> float:
    m = re.search(r"Duration: (\d+):(\d+):(\d+\.\d+)", probe_text(path))
    assert m
    return int(m.group(1)) * 3600 + int(m.group(2)) * 60 + float(m.group(3))


def checkpoints() -> list[Path]:
    root = app_paths().cache / "ai-clips"
    return sorted(root.glob("*/clip-*")) if root.is_dir() else []


def oom(message: str = "CUDA out of memory (injected)") -> BaseException:
    import torch

    return torch.OutOfMemoryError(message)


@dataclass(frozen=True)
class Step:
    """A model event of the render's progress: ``denoise`` (a step ended) or ``decode`` (a chunk ended)."""

    tier: str
    clip: int
    phase: str
    step: int


def model_steps(fn: Callable[[Step], None]) -> Callable[[ProgressEvent], None]:
    """A progress callback calling ``fn`` on each denoise/decode event (clips count from 0).

    The runner emits these from inside the pipeline's step callback and the decode loop, so
    an exception ``fn`` raises reaches the runner as if the model had raised it."""

    def on_progress(ev: ProgressEvent) -> None:
        x = ev.extra
        if ev.stage == "render" and x.get("phase") in ("denoise", "decode"):
            fn(Step(x["tier"], x["clip"] - 1, x["phase"], x.get("step", 0)))

    return on_progress


def test_svd_renders_a_video_as_long_as_the_audio(inputs: dict[str, Path], tmp_path: Path, install: Install,
                                                  kenburns_decision: TierDecision, cpu_hw: HardwareInfo) -> None:
    install(Tier.SVD)
    events: list[ProgressEvent] = []
    out = tmp_path / "svd.mp4"
    t = time.monotonic()
    res = ai_render(inputs, out, Tier.SVD, kenburns_decision, cpu_hw, on_progress=events.append)
    print(f"tiny SVD render, 3 clips: {time.monotonic() - t:.1f} s")
    assert res.tier is Tier.SVD and (res.width, res.height) == OUT
    assert res.frames == 30  # 2.5 s at 12 fps
    assert abs(duration(out) - 2.5) < 1 / 12 + 0.03
    frames = decode_gray_frames(out, OUT).astype(np.float64)
    assert len(frames) == 30
    steps = np.abs(np.diff(frames, axis=0)).mean(axis=(1, 2))
    assert (steps > 0.2).mean() > 0.8, "the picture moves from frame to frame"
    assert np.abs(frames[-1] - frames[0]).mean() > 2
    ai = res.details["ai"]
    assert ai["clips"] == 3 and ai["clips_generated"] == 3 and ai["clips_resumed"] == 0
    assert ai["plan"]["device"] == "cpu" and ai["plan"]["frames_per_clip"] == 8
    assert any("runs below its hardware requirements" in n and "very slow" in n for n in res.notes)
    assert checkpoints() == [], "checkpoints are removed after success"
    # Progress per step and clip, with an ETA from the start.
    steps_ev = [e for e in events if e.stage == "render" and "step" in e.extra]
    assert len(steps_ev) == 3 * 2
    assert {(e.extra["clip"], e.extra["step"]) for e in steps_ev} == {(c, s) for c in (1, 2, 3) for s in (1, 2)}
    assert all(e.eta_s is not None for e in steps_ev)
    assert [e.done for e in events if e.stage == "render"] == sorted(e.done for e in events if e.stage == "render")
    # AI progress counts work steps (2 denoising steps + 1 decode per clip), never made-up frame numbers.
    ai_ev = [e for e in events if e.stage == "render"]
    assert ai_ev and all(e.extra["unit"] == "step" and e.total == 3 * 3 for e in ai_ev)
    assert all(e.done == (e.extra["clip"] - 1) * 3 + e.extra["step"] for e in steps_ev)
    clip_done = [e for e in ai_ev if e.extra.get("phase") == "clip"]
    assert [(e.extra["clip"], e.done) for e in clip_done] == [(1, 3), (2, 6), (3, 9)]
    assert res.fallback is None
    assert any(e.preview is not None for e in events)
    # The pipeline stays loaded for the next render.
    loads = backends.CACHE.loads
    ai_render(inputs, tmp_path / "again.mp4", Tier.SVD, kenburns_decision, cpu_hw)
    assert backends.CACHE.loads == loads


def test_out_of_memory_steps_down_within_the_tier(inputs: dict[str, Path], tmp_path: Path, install: Install,
                                                  kenburns_decision: TierDecision, cpu_hw: HardwareInfo) -> None:
    install(Tier.SVD)
    seen: Counter[tuple[int, str]] = Counter()
    fired: set[str] = set()

    def inject(ev: Step) -> None:
        seen[(ev.clip, ev.phase)] += 1
        if ev.clip == 0 and ev.phase == "denoise" and ev.step == 1 and "denoise" not in fired:
            fired.add("denoise")
            raise oom()
        if ev.clip == 1 and ev.phase == "decode" and "decode" not in fired:
            fired.add("decode")
            raise oom()

    res = ai_render(inputs, tmp_path / "o.mp4", Tier.SVD, kenburns_decision, cpu_hw, on_progress=model_steps(inject))
    assert res.tier is Tier.SVD and res.frames == 30
    assert "ran out of RAM while generating clip 1: retrying with forward chunking on" in " ".join(res.notes)
    assert "ran out of RAM while decoding clip 2: retrying with decoding 4 frames at a time" in " ".join(res.notes)
    assert seen[(0, "denoise")] == 1 + 2  # the failed attempt, then the clip again
    assert seen[(1, "denoise")] == 2  # a decode failure keeps the latents: no step is repeated
    assert seen[(1, "decode")] == 1 + 2  # the failed chunk of eight, then two chunks of four
    plan = res.details["ai"]["plan"]
    assert plan["forward_chunking"] and plan["decode_chunk_size"] == 4


def test_out_of_memory_everywhere_steps_down_tiers_then_to_ken_burns(
        inputs: dict[str, Path], tmp_path: Path, install: Install, kenburns_decision: TierDecision,
        cpu_hw: HardwareInfo) -> None:
    install(Tier.SVD_XT, Tier.SVD)

    def xt_never_fits(ev: Step) -> None:
        if ev.tier == Tier.SVD_XT.value and ev.phase == "denoise":
            raise oom()

    # Chosen without --fallback: the render fails, saying why and what to do; nothing is written.
    with pytest.raises(TierFailed) as failed:
        ai_render(inputs, tmp_path / "x.mp4", Tier.SVD_XT, kenburns_decision, cpu_hw,
                  on_progress=model_steps(xt_never_fits))
    assert failed.value.kind == "memory" and failed.value.tier is Tier.SVD_XT
    assert "ran out of RAM while generating clip 1 even with every saving that helps on" in failed.value.message
    assert "fewer frames per clip" in failed.value.hint and "--fallback" in failed.value.hint
    assert backends.is_out_of_memory(failed.value.__cause__)  # type: ignore[arg-type]
    assert not (tmp_path / "x.mp4").exists()

    res = ai_render(inputs, tmp_path / "a.mp4", Tier.SVD_XT, kenburns_decision, cpu_hw, opts=FAST_FALLBACK,
                    on_progress=model_steps(xt_never_fits))
    assert res.tier is Tier.SVD and res.details["ai"]["tiers_tried"] == ["svd-xt", "svd"]
    notes = " ".join(res.notes)
    assert "Stable Video Diffusion XT could not be used (ran out of RAM while generating clip 1 even with" in notes
    assert "trying Stable Video Diffusion" in notes
    assert res.fallback is not None and (res.fallback.planned, res.fallback.used) == (Tier.SVD_XT, Tier.SVD)
    assert [f.kind for f in res.fallback.failures] == ["memory"]

    def nothing_fits(ev: Step) -> None:
        if ev.phase == "denoise":
            raise oom()

    out = tmp_path / "b.mp4"
    res = ai_render(inputs, out, Tier.SVD_XT, kenburns_decision, cpu_hw, opts=FAST_FALLBACK,
                    on_progress=model_steps(nothing_fits))
    assert res.tier is Tier.KENBURNS and res.frames == 30
    assert res.fallback is not None and res.fallback.used is Tier.KENBURNS
    assert [f.tier for f in res.fallback.failures] == [Tier.SVD_XT, Tier.SVD]
    assert len(decode_gray_frames(out, OUT)) == 30
    assert "finishing with Ken Burns" in " ".join(res.notes)
    assert res.details["ai"]["tier"] is None


@pytest.mark.parametrize("damage", ["unet weights header", "model_index.json"])
def test_a_damaged_model_fails_or_hands_over_to_the_next_tier(
        inputs: dict[str, Path], tmp_path: Path, install: Install, kenburns_decision: TierDecision,
        cpu_hw: HardwareInfo, damage: str) -> None:
    models = install(Tier.SVD_XT, Tier.SVD)
    target = (models / "svd-xt" / "unet" / "diffusion_pytorch_model.safetensors" if damage.startswith("unet")
              else models / "svd-xt" / "model_index.json")
    size = target.stat().st_size
    with target.open("r+b") as f:  # same size: the install record still says "installed"
        f.write(b"\xff" * min(size, 64))
    with pytest.raises(ModelLoadError) as failed:
        ai_render(inputs, tmp_path / "x.mp4", Tier.SVD_XT, kenburns_decision, cpu_hw)
    assert str(models / "svd-xt") in failed.value.message
    assert "models verify svd-xt" in failed.value.hint and not (tmp_path / "x.mp4").exists()
    res = ai_render(inputs, tmp_path / "o.mp4", Tier.SVD_XT, kenburns_decision, cpu_hw, opts=FAST_FALLBACK)
    assert res.tier is Tier.SVD
    msg = next(n for n in res.notes if n.startswith("Stable Video Diffusion XT could not be used"))
    assert str(models / "svd-xt") in msg and ("damaged" in msg or "could not be loaded" in msg)
    assert res.fallback is not None and res.fallback.failures[0].kind == "load"


def test_cancel_lands_within_a_step_and_the_next_render_resumes(
        inputs: dict[str, Path], tmp_path: Path, install: Install, kenburns_decision: TierDecision,
        cpu_hw: HardwareInfo) -> None:
    install(Tier.SVD)
    cancel = CancelToken()
    steps: Counter[int] = Counter()
    cancelled_at: list[float] = []

    def cancel_after_a_step(ev: Step) -> None:
        if ev.phase == "denoise":
            steps[ev.clip] += 1
        if ev.clip == 1 and ev.phase == "denoise" and ev.step == 1 and not cancel.cancelled:
            cancel.cancel()  # step 1 of clip 2 is done: the user presses Cancel
            cancelled_at.append(time.monotonic())

    out = tmp_path / "o.mp4"
    with pytest.raises(CancelledError):
        ai_render(inputs, out, Tier.SVD, kenburns_decision, cpu_hw, cancel=cancel,
                  on_progress=model_steps(cancel_after_a_step))
    assert time.monotonic() - cancelled_at[0] < 5
    assert steps[1] == 1, "no further denoising step after the cancel"
    assert not out.exists() and not list(tmp_path.glob(".*partial*"))
    assert [p.name for p in checkpoints()] == ["clip-00000"], "the finished clip is kept"

    steps.clear()

    def count(ev: Step) -> None:
        if ev.phase == "denoise":
            steps[ev.clip] += 1

    res = ai_render(inputs, out, Tier.SVD, kenburns_decision, cpu_hw, on_progress=model_steps(count))
    assert set(steps) == {1, 2}, "only the missing clips are generated"
    assert res.details["ai"]["clips_resumed"] == 1 and res.details["ai"]["clips_generated"] == 2
    assert any("resumed an interrupted render: 1 finished clip reused" in n for n in res.notes)
    assert checkpoints() == []
    # The resumed video is the video an uninterrupted render makes.
    fresh = tmp_path / "fresh.mp4"
    ai_render(inputs, fresh, Tier.SVD, kenburns_decision, cpu_hw)
    a, b = decode_gray_frames(out, OUT).astype(float), decode_gray_frames(fresh, OUT).astype(float)
    assert a.shape == b.shape and np.abs(a - b).mean() < 0.5


def test_cancel_lands_inside_a_denoising_step(install: Install, cpu_hw: HardwareInfo) -> None:
    """A cancel pressed while the UNet runs stops before the step ends (cancel checks on the UNet's blocks)."""
    from vidgen_desktop.engine.ai.plan import plan_for
    from vidgen_desktop.engine.ai.runner import model_files
    from vidgen_desktop.engine.ai.spec import spec_from_folder
    from vidgen_desktop.engine.models.store import ModelStore

    files = model_files(ModelStore(install(Tier.SVD)), Tier.SVD)
    plan = plan_for(cpu_hw, Tier.SVD, FAST, spec=spec_from_folder(Tier.SVD, files.root))
    pipe = backends.load_pipeline(files, plan.device, plan.dtype, plan.offload)
    backend = backends.Backend(files, pipe, plan.device, plan.dtype, plan.offload)
    cancel = CancelToken()
    ended: list[int] = []

    def press_cancel_mid_unet(_module: object, _args: object) -> None:
        if len(ended) == 1:  # step 2: its UNet is half way through
            cancel.cancel()

    handle = pipe.unet.down_blocks[-1].register_forward_pre_hook(press_cancel_mid_unet)
    image = np.random.default_rng(0).integers(0, 255, (plan.height, plan.width, 3), dtype=np.uint8)
    try:
        with pytest.raises(CancelledError):
            backend.denoise(image, plan, FAST, 1, cancel, lambda i, n: ended.append(i))
    finally:
        handle.remove()
    assert ended == [1], "step 2 never finished"


def _loaded_pipeline() -> str:
    backend = backends.CACHE._backend
    assert backend is not None
    return type(backend.pipe).__name__


def test_animatediff_animates_the_picture_with_sparsectrl(inputs: dict[str, Path], tmp_path: Path, install: Install,
                                                          kenburns_decision: TierDecision,
                                                          cpu_hw: HardwareInfo) -> None:
    """The catalogue's AnimateDiff has SparseCtrl RGB: the picture conditions the first frame of each clip."""
    install(Tier.ANIMATEDIFF)
    opts = AiOptions(steps=2, allow_slow=True, frames_per_clip=8, motion=MotionStrength.HIGH, prompt="leaves sway")
    out = tmp_path / "ad.mp4"
    steps: Counter[int] = Counter()

    def count(ev: Step) -> None:
        if ev.phase == "denoise":
            steps[ev.clip] += 1

    res = ai_render(inputs, out, Tier.ANIMATEDIFF, kenburns_decision, cpu_hw, opts=opts,
                    on_progress=model_steps(count))
    assert _loaded_pipeline() == "AnimateDiffSparseControlNetPipeline"
    assert res.tier is Tier.ANIMATEDIFF and res.frames == 30 and res.motion == "high"
    assert res.details["ai"]["clips"] == 4  # 8 frames at 8 fps: 0.875 s per clip
    assert set(steps.values()) == {2}, "SparseCtrl runs every step (no video-to-video strength)"
    frames = decode_gray_frames(out, OUT).astype(float)
    assert len(frames) == 30 and np.abs(np.diff(frames, axis=0)).mean() > 0.2


@pytest.fixture
def no_sparsectrl(monkeypatch: pytest.MonkeyPatch) -> None:
    """A catalogue whose AnimateDiff model has no SparseCtrl (motion adapter and SD 1.5 base only)."""
    import dataclasses

    from vidgen_desktop.engine.models import store as store_mod
    from vidgen_desktop.engine.models.catalogue import Catalogue, load_builtin_catalogue

    real = load_builtin_catalogue()
    ad = real.get("animatediff")
    entries = dict(real.entries)
    entries["animatediff"] = dataclasses.replace(
        ad, sources=tuple(s for s in ad.sources if s.role != "sparsectrl"),
        licences=tuple(lic for lic in ad.licences if lic.role != "sparsectrl"))
    monkeypatch.setattr(store_mod, "load_builtin_catalogue", lambda: Catalogue(entries, real.kinds))


def test_animatediff_without_sparsectrl_falls_back_to_video_to_video(
        inputs: dict[str, Path], tmp_path: Path, install: Install, kenburns_decision: TierDecision,
        cpu_hw: HardwareInfo, no_sparsectrl: None) -> None:
    install(Tier.ANIMATEDIFF)
    assert not (app_paths().models / "animatediff" / "sparsectrl").exists()
    opts = AiOptions(steps=2, allow_slow=True, frames_per_clip=8, motion=MotionStrength.HIGH, prompt="leaves sway")
    out = tmp_path / "ad.mp4"
    res = ai_render(inputs, out, Tier.ANIMATEDIFF, kenburns_decision, cpu_hw, opts=opts)
    assert _loaded_pipeline() == "AnimateDiffVideoToVideoPipeline"
    assert res.tier is Tier.ANIMATEDIFF and res.frames == 30 and res.motion == "high"
    assert res.details["ai"]["clips"] == 4
    frames = decode_gray_frames(out, OUT).astype(float)
    assert len(frames) == 30 and np.abs(np.diff(frames, axis=0)).mean() > 0.2


def test_sparsectrl_backend_animates_from_the_picture(tmp_path: Path, cpu_hw: HardwareInfo) -> None:
    """With SparseCtrl installed (a ``sparsectrl`` role), AnimateDiff conditions on the picture directly."""
    from tests.engine.ai.tiny_models import build_animatediff
    from vidgen_desktop.engine.ai.plan import plan_for
    from vidgen_desktop.engine.ai.spec import spec_from_folder

    root = build_animatediff(tmp_path / "ad")
    files = backends.ModelFiles(Tier.ANIMATEDIFF, "animatediff", root / "base", "x", adapter=root / "motion_adapter",
                                sparsectrl=root / "sparsectrl")
    spec = spec_from_folder(Tier.ANIMATEDIFF, files.root, files.adapter, files.sparsectrl)
    assert spec.sparsectrl and spec.controlnet_params > 0
    plain = spec_from_folder(Tier.ANIMATEDIFF, files.root, files.adapter)
    assert not plain.sparsectrl and plain.controlnet_params == 0
    plan = plan_for(cpu_hw, Tier.ANIMATEDIFF, AiOptions(steps=2, frames_per_clip=8), spec=spec)
    backend = backends.CACHE.get(files, plan)
    backend.configure(plan)
    image = np.random.default_rng(0).integers(0, 255, (plan.height, plan.width, 3), dtype=np.uint8)
    calls: list[int] = []
    latents = backend.denoise(image, plan, AiOptions(), 1, CancelToken(), lambda i, n: calls.append(i))
    frames = backend.decode(latents, 4, CancelToken(), lambda i, n: None)
    assert calls == [1, 2]
    assert frames.shape == (8, plan.height, plan.width, 3) and frames.dtype == np.uint8
    assert np.abs(np.diff(frames.astype(float), axis=0)).mean() > 0.1
