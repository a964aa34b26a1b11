"""The one narrated render (CLI and window): speech, music, captions, a real Ken Burns encode, and nothing
left behind on any way out. Real eSpeak NG, real ffmpeg; tiny sizes keep it quick."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from tests.media_factory import probe_text, textured_image, tone
from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.errors import CancelledError, InputError, OutputError, UsageError
from vidgen_desktop.core.jobs import RenderJob, Resolution
from vidgen_desktop.core.narration import NarrationSpec
from vidgen_desktop.core.progress import ProgressEvent
from vidgen_desktop.engine.captions import read_srt
from vidgen_desktop.engine.decide import TierDecision
from vidgen_desktop.engine.media import probe_audio
from vidgen_desktop.engine.narrated_render import NarratedAudio, render_narrated

TEMP_PREFIX = "vidgen-narration-"  # engine.debris.owned_temp_dir("narration")

SCRIPT = "The river ran to the sea. The gulls followed it."


@pytest.fixture
def temp_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private system temp folder, so "nothing left behind" is exact."""
    root = tmp_path / "tmp"
    root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(root))
    return root


@pytest.fixture
def job(tmp_path: Path) -> RenderJob:
    out = tmp_path / "out"
    out.mkdir()
    return RenderJob(image=textured_image(tmp_path / "pic.png", (160, 120)), audio=Path("<narration>"),
                     output=out / "v.mp4", resolution=Resolution.parse("160x90"), fps=10.0)


def test_srt_captions_beside_a_video_as_long_as_the_speech(job: RenderJob, temp_root: Path,
                                                           kenburns_decision: TierDecision) -> None:
    events: list[ProgressEvent] = []
    spoken: list[ProgressEvent] = []
    result = render_narrated(job, NarrationSpec(SCRIPT, engine="system", voice="f3"), on_progress=events.append,
                             narration_progress=spoken.append, decision=kenburns_decision)
    facts = result.details["narration"]
    assert facts["engine"] == "system" and "f3" in facts["voice"] and facts["captions"] == "srt"
    assert abs(probe_audio(job.output).duration_s - facts["duration_s"]) < 0.15
    assert "Audio: aac" in probe_text(job.output)
    cues = read_srt(job.output.with_suffix(".srt"))
    assert facts["srt"] == str(job.output.with_suffix(".srt")) and facts["cues"] == len(cues) == 2
    assert cues[0].text == "The river ran to the sea." and cues[-1].end <= facts["duration_s"] + 0.01
    assert {e.stage for e in spoken} >= {"prepare", "narrate"} and "render" not in {e.stage for e in spoken}
    assert "render" in {e.stage for e in events} and "narrate" not in {e.stage for e in events}
    assert sorted(p.name for p in job.output.parent.iterdir()) == ["v.mp4", "v.srt"]
    assert list(temp_root.iterdir()) == []


def test_burned_captions_and_music_leave_no_sidecar(job: RenderJob, temp_root: Path, tmp_path: Path,
                                                    kenburns_decision: TierDecision) -> None:
    music = tone(tmp_path / "m.wav", 1.0)
    spec = NarrationSpec(SCRIPT, engine="system", captions="burn", music=music)
    with NarratedAudio(spec, job) as narrated:
        folder = narrated.job.audio.parent
        assert narrated.job.audio.name == "narration+music.wav" and folder.parent == temp_root
        assert folder.name.startswith(TEMP_PREFIX)
        assert [c.text for c in narrated.burn] == ["The river ran to the sea.", "The gulls followed it."]
        from vidgen_desktop.engine.render import render

        result = narrated.finish(render(narrated.job, burn_captions=narrated.burn, decision=kenburns_decision))
    assert not narrated.job.audio.exists()
    assert result.details["narration"]["music"] == str(music) and result.details["narration"]["srt"] is None
    assert sorted(p.name for p in job.output.parent.iterdir()) == ["v.mp4"]
    assert list(temp_root.iterdir()) == []


@pytest.mark.parametrize(
    ("change", "error", "text"),
    [
        ({"music": "bad"}, InputError, "bad.wav"),
        ({"voice": "no-such-voice"}, UsageError, "no-such-voice"),
        ({"language": "xx"}, UsageError, "not supported"),
        ({"captions": "subtitles"}, UsageError, "srt, burn, auto or none"),
    ],
)
def test_entry_failures_leave_nothing_behind(job: RenderJob, temp_root: Path, tmp_path: Path,
                                             change: dict[str, str], error: type[Exception], text: str) -> None:
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"not audio at all" * 10)
    fields: dict[str, object] = {"engine": "system", **change}
    if change.get("music"):
        fields["music"] = bad
    with pytest.raises(error, match=text):
        render_narrated(job, NarrationSpec(SCRIPT, **fields))  # type: ignore[arg-type]
    assert list(job.output.parent.iterdir()) == []
    assert list(temp_root.iterdir()) == []


def test_a_bad_output_or_picture_fails_before_any_speech(job: RenderJob, temp_root: Path) -> None:
    spoken: list[ProgressEvent] = []
    with pytest.raises(OutputError, match=".mp4"):
        render_narrated(RenderJob(job.image, job.audio, job.output.with_suffix(".avi")),
                        NarrationSpec(SCRIPT, engine="system"), on_progress=spoken.append)
    with pytest.raises(InputError, match="nope.png"):
        render_narrated(RenderJob(job.image.with_name("nope.png"), job.audio, job.output),
                        NarrationSpec(SCRIPT, engine="system"), on_progress=spoken.append)
    assert {e.stage for e in spoken} == {"prepare"}
    assert list(temp_root.iterdir()) == []


@pytest.mark.parametrize("stage", ["narrate", "render"])
def test_cancel_while_speaking_or_rendering_leaves_nothing_behind(job: RenderJob, temp_root: Path, stage: str,
                                                                  kenburns_decision: TierDecision) -> None:
    cancel = CancelToken()
    seen: list[str] = []
    long_script = " ".join(f"This is sentence number {i} of a long story." for i in range(40))

    def on_progress(ev: ProgressEvent) -> None:
        seen.append(ev.stage)
        if ev.stage == stage and ev.done >= 1:
            cancel.cancel()

    with pytest.raises(CancelledError):
        render_narrated(job, NarrationSpec(long_script if stage == "narrate" else SCRIPT, engine="system"),
                        on_progress=on_progress, cancel=cancel, decision=kenburns_decision)
    assert stage in seen and ("render" in seen) == (stage == "render")
    assert list(job.output.parent.iterdir()) == []
    assert list(temp_root.iterdir()) == []


def test_bark_from_the_spec_model_folder_with_a_seed(job: RenderJob, temp_root: Path, tmp_path: Path,
                                                     kenburns_decision: TierDecision) -> None:
    import torch

    from tests.engine.tts.tiny_models import build_tiny_bark
    from vidgen_desktop.engine.models import ModelStore

    torch.set_num_threads(1)
    models = tmp_path / "models"
    ModelStore(models, disk_margin=0).import_folder("bark-small", build_tiny_bark(tmp_path / "bark-src"))
    spec = NarrationSpec("Hello there.", engine="bark", models_dir=models, seed=3, captions="none")
    result = render_narrated(job, spec, decision=kenburns_decision)
    facts = result.details["narration"]
    assert facts["engine"] == "bark" and facts["voice"].endswith("voice v2/en_speaker_6") and facts["srt"] is None
    assert job.output.is_file() and not job.output.with_suffix(".srt").exists()
    assert list(temp_root.glob(f"{TEMP_PREFIX}*")) == []  # (torch keeps its own cache folder there)
