from __future__ import annotations

import itertools
import os
import re
import threading
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from tests.helpers.processes import process_gone
from tests.media_factory import decode_gray_frames, probe_text, textured_image, tone
from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.errors import CancelledError, InputError, OutputError
from vidgen_desktop.core.jobs import Fit, Motion, Quality, RenderJob, Resolution, Tier
from vidgen_desktop.core.progress import ProgressEvent
from vidgen_desktop.engine.decide import TierDecision
from vidgen_desktop.engine.render import render


def job(media: dict[str, Path], out: Path, **kw) -> RenderJob:  # type: ignore[no-untyped-def]
    base = {"image": media["image"], "audio": media["wav"], "output": out, "resolution": Resolution.parse("320x180"),
                "fps": 24.0}
    base.update(kw)
    return RenderJob(**base)


def video_duration(text: str) -> float:
    m = re.search(r"Duration: (\d+):(\d+):(\d+\.\d+)", text)
    assert m
    return int(m.group(1)) * 3600 + int(m.group(2)) * 60 + float(m.group(3))


def test_render_makes_a_standard_mp4_as_long_as_the_audio(media, tmp_path: Path,
                                                          kenburns_decision: TierDecision) -> None:
    events: list[ProgressEvent] = []
    out = tmp_path / "out.mp4"
    res = render(job(media, out), on_progress=events.append, decision=kenburns_decision)
    assert out.is_file() and res.output == out
    assert res.tier is Tier.KENBURNS and (res.width, res.height) == (320, 180)
    assert res.frames == 36  # ceil(1.5 s * 24)
    info = probe_text(out)
    assert "h264 (High)" in info and "yuv420p(tv, bt709" in info and "320x180" in info
    assert re.search(r"Audio: aac \(LC\).*48000 Hz, stereo", info)
    assert abs(video_duration(info) - 1.5) < 1 / 24 + 0.03
    frames = decode_gray_frames(out, (320, 180))
    assert len(frames) == 36
    stages = [e.stage for e in events]
    assert stages[0] == "probe" and stages[-1] == "done" and "render" in stages and "finalize" in stages
    render_events = [e for e in events if e.stage == "render"]
    assert render_events[-1].done == render_events[-1].total == 36
    assert not list(tmp_path.glob(".*partial*")), "no temp file left behind"


def test_odd_sizes_become_even_and_aspects_shape_the_frame(media, tmp_path: Path,
                                                           kenburns_decision: TierDecision) -> None:
    r = render(job(media, tmp_path / "a.mp4", resolution=Resolution.parse("321x179")), decision=kenburns_decision)
    assert (r.width, r.height) == (322, 180) or (r.width % 2, r.height % 2) == (0, 0)
    r = render(job(media, tmp_path / "b.mp4", resolution=Resolution.parse("480p"), aspect=(9, 16), fps=10.0),
               decision=kenburns_decision)
    assert (r.width, r.height) == (480, 854)
    r = render(job(media, tmp_path / "c.mp4", resolution=Resolution.parse("480p"), aspect=None, fps=10.0),
               decision=kenburns_decision)
    assert (r.width, r.height) == (640, 480)  # "source": the picture's own 4:3


def test_pan_is_smooth_in_the_encoded_video(media, tmp_path: Path, kenburns_decision: TierDecision) -> None:
    """Measure the real frame-to-frame motion: non-zero, monotonic, eased, no whole-pixel steps."""
    out = tmp_path / "pan.mp4"
    wide = textured_image(tmp_path / "wide.png", (1600, 400))
    render(job(media, out, image=wide, audio=tone(tmp_path / "a.wav", 3.0), fit=Fit.CROP, motion=Motion.PAN_RIGHT,
               quality=Quality.HIGH, fps=30.0), decision=kenburns_decision)
    frames = decode_gray_frames(out, (320, 180)).astype(np.float64)
    win = cv2.createHanningWindow((320, 180), cv2.CV_64F)
    shifts = np.array([-cv2.phaseCorrelate(a, b, win)[0][0] for a, b in itertools.pairwise(frames)])
    assert shifts.sum() > 100  # it really pans across the panorama
    assert (shifts > -0.05).all()  # one direction
    # The motion follows a smooth curve: what is left after a smooth fit is measurement noise
    # (phase correlation on compressed frames), far below zoompan's whole-pixel steps.
    t = np.arange(shifts.size)
    smooth = np.polyval(np.polyfit(t, shifts, 6), t)
    assert np.abs(shifts - smooth).mean() < 0.2, f"jitter in per-frame motion: {np.round(shifts, 2)}"
    assert shifts[:3].mean() < shifts[40:50].mean()  # eased start


@pytest.mark.parametrize("fit", list(Fit))
def test_each_fit_renders(media, tmp_path: Path, kenburns_decision: TierDecision, fit: Fit) -> None:
    portrait = textured_image(tmp_path / "p.jpg", (300, 500))
    out = tmp_path / f"{fit.value}.mp4"
    render(job(media, out, image=portrait, fit=fit), decision=kenburns_decision)
    frames = decode_gray_frames(out, (320, 180))
    assert frames[0].std() > 5 and np.abs(frames[-1].astype(int) - frames[0]).mean() > 0.5


def test_aac_48k_stereo_is_copied_other_audio_is_encoded(media, tmp_path: Path,
                                                         kenburns_decision: TierDecision) -> None:
    aac = tone(tmp_path / "in.m4a", 1.0, rate=48000, codec=["-c:a", "aac", "-b:a", "96k"])
    out = tmp_path / "copy.mp4"
    render(job(media, out, audio=aac), decision=kenburns_decision)
    assert re.search(r"Audio: aac \(LC\).*48000 Hz, stereo.* (9\d) kb/s", probe_text(out))
    surround = tone(tmp_path / "in51.flac", 1.0, channels=6, rate=96000)
    out2 = tmp_path / "enc.mp4"
    render(job(media, out2, audio=surround), decision=kenburns_decision)
    assert re.search(r"Audio: aac \(LC\).*48000 Hz, stereo", probe_text(out2))


def test_cancel_mid_render_leaves_nothing(media, tmp_path: Path, kenburns_decision: TierDecision) -> None:
    out = tmp_path / "cancelled.mp4"
    cancel = CancelToken()
    seen: list[int] = []

    def on_progress(ev: ProgressEvent) -> None:
        if ev.stage == "render":
            seen.append(ev.done)
            if ev.done > 20:
                cancel.cancel()

    long_audio = tone(tmp_path / "long.wav", 60.0)
    with pytest.raises(CancelledError):
        render(job(media, out, audio=long_audio, fps=30.0), on_progress=on_progress, cancel=cancel,
               decision=kenburns_decision)
    assert seen and max(seen) < 1800
    assert not out.exists()
    assert os.listdir(tmp_path) == ["long.wav"] or not [p for p in tmp_path.iterdir() if "partial" in p.name]
    assert not [t for t in threading.enumerate() if t.name == "vidgen-encoder-writer"]


def test_cancel_from_another_thread(media, tmp_path: Path, kenburns_decision: TierDecision) -> None:
    out = tmp_path / "x.mp4"
    cancel = CancelToken()
    timer = threading.Timer(0.5, cancel.cancel)
    timer.start()
    with pytest.raises(CancelledError):
        render(job(media, out, audio=tone(tmp_path / "l.wav", 120.0), fps=30.0), cancel=cancel,
               decision=kenburns_decision)
    assert not out.exists() and not list(tmp_path.glob(".*partial*"))


def test_existing_output_is_kept_when_a_render_fails(media, tmp_path: Path, kenburns_decision: TierDecision) -> None:
    out = tmp_path / "keep.mp4"
    out.write_bytes(b"previous video")
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"RIFF....garbage")
    with pytest.raises(InputError):
        render(job(media, out, audio=bad), decision=kenburns_decision)
    assert out.read_bytes() == b"previous video"


@pytest.mark.parametrize(
    ("case", "error", "text"),
    [
        ("missing image", InputError, "not found"),
        ("not an image", InputError, "not an image"),
        ("empty image", InputError, "empty"),
        ("truncated image", InputError, "truncated"),
        ("no audio stream", InputError, "image, not an audio"),
        ("zero-length audio", InputError, "no sound"),
        ("swapped", InputError, "audio file"),
        ("unwritable folder", OutputError, "not writable"),
        ("missing folder", OutputError, "does not exist"),
        ("not mp4", OutputError, ".mp4"),
    ],
)
def test_bad_input_is_explained_and_nothing_is_written(media, tmp_path: Path, kenburns_decision: TierDecision,
                                                       case: str, error: type, text: str) -> None:
    d = tmp_path / "in"
    d.mkdir()
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    image, audio, out = media["image"], media["wav"], out_dir / "v.mp4"
    if case == "missing image":
        image = d / "nope.jpg"
    elif case == "not an image":
        image = d / "notes.png"
        image.write_text("hello")
    elif case == "empty image":
        image = d / "e.jpg"
        image.touch()
    elif case == "truncated image":
        full = textured_image(d / "full.jpg", (800, 600))
        image = d / "t.jpg"
        image.write_bytes(full.read_bytes()[:500])
    elif case == "no audio stream":
        audio = textured_image(d / "cover.png", (64, 64))
    elif case == "zero-length audio":
        audio = d / "z.wav"
        import wave

        with wave.open(str(audio), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(8000)
    elif case == "swapped":
        image, audio = media["wav"], media["image"]
    elif case == "unwritable folder":
        os.chmod(out_dir, 0o500)
        if _root_bypasses(out_dir):  # root ignores permissions: use a folder nobody can write
            out = Path("/sys/v.mp4") if Path("/sys").is_dir() else pytest.skip("no unwritable folder here")
    elif case == "missing folder":
        out = tmp_path / "nowhere" / "v.mp4"
    elif case == "not mp4":
        out = out_dir / "v.gif"
    with pytest.raises(error) as exc:  # type: ignore[var-annotated]
        render(job(media, out, image=image, audio=audio), decision=kenburns_decision)
    assert text in str(exc.value) or text in exc.value.hint
    os.chmod(out_dir, 0o700)
    assert list(out_dir.iterdir()) == []


def _root_bypasses(folder: Path) -> bool:
    try:
        (folder / ".probe").touch()
    except OSError:
        return False
    (folder / ".probe").unlink()
    return True


def test_cancel_while_reading_the_audio_stops_ffmpeg(media, tmp_path: Path, fake_ffmpeg,  # type: ignore[no-untyped-def]
                                                     kenburns_decision: TierDecision) -> None:
    """The sound file's reader hangs (a drive that stopped answering): cancel still ends the render."""
    child = fake_ffmpeg("sleep 300")
    token = CancelToken()
    threading.Timer(0.3, token.cancel).start()
    t0 = time.monotonic()
    with pytest.raises(CancelledError):
        render(job(media, tmp_path / "out.mp4"), cancel=token, decision=kenburns_decision)
    assert time.monotonic() - t0 < 3
    assert process_gone(int(child.read_text())) and [*tmp_path.glob("*.mp4"), *tmp_path.glob(".*")] == []
