"""Honest AI: a failure is an error with its cause and a hint, a fallback is said out loud, the
out-of-memory ladder tries only what helps, and progress counts what is done.

The models are the tiny random-weight ones of ``conftest.py``, installed through the store's
import path; the corruption is done to the installed files, as bit rot or a cut-off copy would.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.engine.ai.conftest import Install, needs_torch
from tests.engine.ai.test_render_ai import FAST, FAST_FALLBACK, Step, ai_render, model_steps, oom
from tests.media_factory import textured_image, tone
from vidgen_desktop.cli.main import main
from vidgen_desktop.core.hardware import HardwareInfo
from vidgen_desktop.core.jobs import Tier
from vidgen_desktop.engine.ai import backends
from vidgen_desktop.engine.ai.errors import TierFailed
from vidgen_desktop.engine.ai.ladder import step_down
from vidgen_desktop.engine.ai.plan import plan_for
from vidgen_desktop.engine.decide import TierDecision


def events(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("honest-media")
    return {"image": textured_image(d / "pic.png", (320, 240)), "audio": tone(d / "tone.wav", 1.0)}


def _unet_weights(models: Path, mid: str = "svd") -> Path:
    return models / mid / "unet" / "diffusion_pytorch_model.safetensors"


def corrupt_header(path: Path) -> None:
    """Garbage over the safetensors header, same size: the store's size check still says "installed"."""
    size = path.stat().st_size
    with path.open("r+b") as f:
        f.write(b"\xff" * min(size, 64))


def cli(inputs: dict[str, Path], out: Path, *extra: str) -> list[str]:
    return ["render", str(inputs["image"]), str(inputs["audio"]), "-o", str(out), "--allow-slow", "--steps", "1",
            "--resolution", "128x72", "--fps", "8", "--json", *extra]


# ----------------------------------------------------------------------------- a corrupt model file

@needs_torch
def test_a_corrupt_model_file_is_an_error_with_tier_and_a_loud_fallback_with_auto(
        tmp_path: Path, install: Install, inputs: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    models = install(Tier.SVD)
    corrupt_header(_unet_weights(models))

    out = tmp_path / "chosen.mp4"
    assert main(cli(inputs, out, "--tier", "svd")) == 1
    err = capsys.readouterr().err
    error = next(line for line in err.splitlines() if line.startswith("error: "))
    assert error.startswith("error: Stable Video Diffusion: ") and str(models / "svd") in error
    assert "damaged" in error or "could not be loaded" in error
    assert "hint: check the model's files with 'vidgen-desktop models verify svd'" in err
    assert not out.exists() and not list(tmp_path.glob(".*"))

    out = tmp_path / "auto.mp4"
    assert main(cli(inputs, out, "--tier", "auto")) == 0
    captured = capsys.readouterr()
    warnings = [line for line in captured.err.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == 1 and "fell back from Stable Video Diffusion to Ken Burns pan & zoom" in warnings[0]
    assert str(models / "svd") in warnings[0]
    done = events(captured.out)[-1]
    assert done["tier"] == "kenburns" and out.stat().st_size > 0
    fb = done["fallback"]
    assert (fb["requested"], fb["planned"], fb["used"]) == ("auto", "svd", "kenburns")
    assert fb["failures"][0]["kind"] == "load" and str(models / "svd") in fb["why"]

    out = tmp_path / "forced.mp4"
    assert main(cli(inputs, out, "--tier", "svd", "--fallback")) == 0
    captured = capsys.readouterr()
    assert "warning: fell back from Stable Video Diffusion to Ken Burns" in captured.err
    done = events(captured.out)[-1]
    assert done["fallback"]["requested"] == "svd" and done["tier"] == "kenburns" and out.exists()


@needs_torch
def test_a_truncated_model_file_is_named_as_damaged(tmp_path: Path, install: Install, inputs: dict[str, Path],
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """A file cut short fails the store's size check: the model is not silently "not installed"."""
    models = install(Tier.SVD)
    weights = _unet_weights(models)
    weights.write_bytes(weights.read_bytes()[: weights.stat().st_size // 2])

    assert main(cli(inputs, tmp_path / "a.mp4", "--tier", "svd")) == 1
    err = capsys.readouterr().err
    assert "error: Stable Video Diffusion: its installed model files are damaged" in err
    assert "models verify svd" in err and not (tmp_path / "a.mp4").exists()

    assert main(cli(inputs, tmp_path / "b.mp4", "--tier", "auto")) == 0
    captured = capsys.readouterr()
    assert "warning: fell back from Stable Video Diffusion to Ken Burns" in captured.err
    assert events(captured.out)[-1]["fallback"]["failures"][0]["reason"].startswith(
        "its installed model files are damaged")


# ----------------------------------------------------------------------------- a failure that is not memory

@needs_torch
def test_a_non_memory_failure_in_the_pipeline_is_reported_not_hidden(
        tmp_path: Path, install: Install, inputs: dict[str, Path], kenburns_decision: TierDecision,
        cpu_hw: HardwareInfo, monkeypatch: pytest.MonkeyPatch) -> None:
    import diffusers

    install(Tier.SVD)
    calls: list[int] = []

    def changed_api(self: object, *args: object, **kwargs: object) -> object:
        calls.append(1)  # what a diffusers release that renamed an argument does
        raise TypeError("StableVideoDiffusionPipeline.__call__() got an unexpected keyword argument 'fps'")

    monkeypatch.setattr(diffusers.StableVideoDiffusionPipeline, "__call__", changed_api)
    out = tmp_path / "o.mp4"
    with pytest.raises(TierFailed) as failed:
        ai_render(inputs, out, Tier.SVD, kenburns_decision, cpu_hw)
    e = failed.value
    assert e.kind == "failed" and calls == [1], "not retried as if it were out of memory"
    assert e.message == ("Stable Video Diffusion: failed while generating clip 1 (TypeError: StableVideoDiffusion"
                         "Pipeline.__call__() got an unexpected keyword argument 'fps')")
    assert isinstance(e.__cause__, TypeError)
    assert "not a memory problem" in e.hint and "--debug" in e.hint
    assert not out.exists()

    # Automatic: the next tier (here Ken Burns) finishes, and the result says what failed and why.
    res = ai_render(inputs, out, Tier.AUTO, kenburns_decision, cpu_hw)
    assert res.tier is Tier.KENBURNS and out.exists()
    assert res.fallback is not None and res.fallback.failures[0].kind == "failed"
    assert "TypeError" in res.fallback.why and res.fallback.requested is Tier.AUTO
    assert any("could not be used (failed while generating clip 1 (TypeError" in n for n in res.notes)


# ----------------------------------------------------------------------------- the out-of-memory ladder

def test_the_ladder_tries_only_what_helps_the_phase_that_ran_out() -> None:
    from tests.engine.ai.test_plan import MACHINES

    gpu = plan_for(MACHINES["80 GB"], Tier.SVD_XT)
    assert gpu.device == "cuda" and gpu.offload == "none" and not gpu.forward_chunking

    def ladder(plan: Any, phase: str) -> list[str]:
        out = []
        while (nxt := step_down(plan, phase)) is not None:  # type: ignore[arg-type]
            plan, change = nxt
            out.append(change)
        return out

    # Loading ran out: only offloading moves weights off the GPU; chunking and slicing cannot help.
    assert ladder(gpu, "load") == ["model offload on", "sequential offload on (much slower)"]
    # Decoding ran out: smaller decode chunks, then offloading (the UNet leaves the GPU); never forward chunking.
    decode = ladder(gpu, "decode")
    assert decode[:4] == [f"decoding {n} frame{'s' if n > 1 else ''} at a time" for n in (12, 6, 3, 1)]
    assert decode[4:] == ["model offload on", "sequential offload on (much slower)"]
    # Denoising ran out: forward chunking first, then offloading; the decode chunk is left alone.
    assert ladder(gpu, "denoise") == ["forward chunking on", "model offload on",
                                      "sequential offload on (much slower)"]
    cpu = plan_for(MACHINES["CPU only"], Tier.SVD)
    assert step_down(cpu, "load") is None, "nothing helps a load that ran out of RAM"
    assert all("decoding" in c for c in ladder(cpu, "decode"))
    # A saving the model turned out not to support is never offered again.
    assert step_down(cpu, "denoise") is not None
    assert step_down(cpu, "denoise", unavailable={"forward_chunking"}) is None


@needs_torch
def test_out_of_memory_while_loading_is_not_retried_with_forward_chunking(
        tmp_path: Path, install: Install, inputs: dict[str, Path], kenburns_decision: TierDecision,
        cpu_hw: HardwareInfo) -> None:
    install(Tier.SVD)
    loads: list[int] = []

    def load_runs_out(ev: Any) -> None:
        if ev.stage == "render" and ev.extra.get("phase") == "load":
            loads.append(1)
            raise oom("CUDA out of memory while loading (injected)")

    with pytest.raises(TierFailed) as failed:
        ai_render(inputs, tmp_path / "o.mp4", Tier.SVD, kenburns_decision, cpu_hw, on_progress=load_runs_out)
    assert failed.value.kind == "memory" and loads == [1], "on the CPU nothing helps a load: no retry"
    assert "ran out of RAM while loading clip 1" in failed.value.message
    assert "forward chunking off" in failed.value.message, "the plan it gave up with: chunking never tried"

    loads.clear()
    res = ai_render(inputs, tmp_path / "o.mp4", Tier.SVD, kenburns_decision, cpu_hw, opts=FAST_FALLBACK,
                    on_progress=load_runs_out)
    assert loads == [1] and res.tier is Tier.KENBURNS and res.fallback is not None
    assert not any("retrying" in n for n in res.notes)
    assert any("ran out of RAM while loading clip 1 even with every saving that helps on" in n for n in res.notes)


@needs_torch
def test_out_of_memory_while_decoding_steps_down_the_decode_chunk_only(
        tmp_path: Path, install: Install, inputs: dict[str, Path], kenburns_decision: TierDecision,
        cpu_hw: HardwareInfo) -> None:
    install(Tier.SVD)
    fired: list[int] = []

    def decode_runs_out(ev: Step) -> None:
        if ev.phase == "decode" and len(fired) < 2:
            fired.append(ev.clip)
            raise oom()

    res = ai_render(inputs, tmp_path / "o.mp4", Tier.SVD, kenburns_decision, cpu_hw,
                    on_progress=model_steps(decode_runs_out))
    notes = [n for n in res.notes if "ran out of" in n]
    said = "Stable Video Diffusion ran out of RAM while decoding clip 1: retrying with decoding {} frames at a time"
    assert notes == [said.format(4), said.format(2)]
    plan = res.details["ai"]["plan"]
    assert plan["decode_chunk_size"] == 2 and not plan["forward_chunking"] and res.fallback is None
    # (At one frame per chunk nothing else helps a decode on the CPU: see the ladder test above.)


# ----------------------------------------------------------------------------- what is reported

@needs_torch
def test_attention_slicing_is_reported_only_when_it_is_really_on(install: Install, cpu_hw: HardwareInfo) -> None:
    from dataclasses import replace

    from diffusers import UNet2DConditionModel

    from vidgen_desktop.engine.ai.ladder import turned_off
    from vidgen_desktop.engine.ai.runner import model_files
    from vidgen_desktop.engine.ai.spec import spec_from_folder
    from vidgen_desktop.engine.models.store import ModelStore

    files = model_files(ModelStore(install(Tier.SVD)), Tier.SVD)
    plan = plan_for(cpu_hw, Tier.SVD, FAST, spec=spec_from_folder(Tier.SVD, files.root))
    backend = backends.CACHE.get(files, plan)
    asked = replace(plan, attention_slicing=True)
    assert backend.configure(asked) == {"attention_slicing"}, "SVD's UNet has no sliced attention"
    assert not backends.attention_is_sliced(backend.pipe)
    assert "attention slicing" not in turned_off(asked, {"attention_slicing"}).settings_text()
    assert backend.configure(plan) == frozenset()

    # A UNet that does slice is seen as slicing (the check reads the real attention processors).
    unet = UNet2DConditionModel(block_out_channels=(8, 16), layers_per_block=1, sample_size=8, in_channels=4,
                                out_channels=4, down_block_types=("CrossAttnDownBlock2D", "DownBlock2D"),
                                up_block_types=("UpBlock2D", "CrossAttnUpBlock2D"), cross_attention_dim=8,
                                norm_num_groups=4, attention_head_dim=2)

    class Pipe:
        def __init__(self) -> None:
            self.components = {"unet": unet}

    assert not backends.attention_is_sliced(Pipe())
    unet.set_attention_slice(1)
    assert backends.attention_is_sliced(Pipe())


def test_no_private_diffusers_names() -> None:
    root = Path(__file__).resolve().parents[3] / "vidgen_desktop"
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for name in ("_execution_device", "_resolve_dtype"):
            assert name not in text, f"{path} uses diffusers' private {name}"



def test_a_fallback_in_words_and_json() -> None:
    from vidgen_desktop.core.fallback import Fallback, TierFailure
    from vidgen_desktop.ui.formatting import fallback_notice

    fb = Fallback(Tier.AUTO, Tier.SVD_XT, Tier.KENBURNS,
                  (TierFailure(Tier.SVD_XT, "load", "the model could not be loaded from /m/<x>"),
                   TierFailure(Tier.SVD, "memory", "ran out of VRAM while decoding clip 2")))
    assert fb.sentence() == ("fell back from Stable Video Diffusion XT to Ken Burns pan & zoom: Stable Video "
                             "Diffusion XT: the model could not be loaded from /m/<x>; Stable Video Diffusion: "
                             "ran out of VRAM while decoding clip 2")
    d = fb.to_dict()
    assert (d["requested"], d["planned"], d["used"]) == ("auto", "svd-xt", "kenburns")
    assert [f["kind"] for f in d["failures"]] == ["load", "memory"] and json.loads(json.dumps(d)) == d
    chosen = Fallback(Tier.SVD, Tier.SVD, Tier.ANIMATEDIFF, (TierFailure(Tier.SVD, "failed", "x"),))
    assert chosen.sentence().startswith("fell back from Stable Video Diffusion to AnimateDiff")
    notice = fallback_notice(fb)  # the window's banner is rich text: the reason is escaped
    assert notice.startswith("<b>Made with Ken Burns pan &amp; zoom instead of Stable Video Diffusion XT.</b>")
    assert "/m/&lt;x&gt;" in notice


def test_the_window_titles_a_model_failure_and_keeps_its_hint() -> None:
    from vidgen_desktop.bridge.errors import error_info

    info = error_info(TierFailed(Tier.SVD, "failed while generating clip 1 (TypeError: x)"))
    assert info.title == "The AI model could not make the video" and info.expected
    assert "Automatic" in info.hint and "--fallback" in info.hint


def test_ai_progress_counts_only_kept_steps() -> None:
    from vidgen_desktop.core.progress import ProgressEvent
    from vidgen_desktop.engine.ai.progress import AiProgress

    seen: list[ProgressEvent] = []
    p = AiProgress(seen.append, 0.0)
    p.start_tier(1, 2, 4, 10.0)  # one clip resumed, two to make, 4 steps (+1 decode) each
    assert (p.done, p.total) == (5, 15)
    p.step_done()
    p.step_done()
    p.retry_clip(keep_steps=False)  # out of memory while denoising: those steps are lost
    assert p.done == 5
    for _ in range(5):
        p.step_done()
    p.emit("x", force=True, phase="decode")
    p.clip_done()
    assert p.done == 10 and p.clips_done == 2
    ev = seen[-1]
    assert (ev.done, ev.total, ev.extra["unit"], ev.extra["clip"], ev.extra["clips"]) == (10, 15, "step", 2, 3)
    assert ev.eta_s is not None
