"""Narration glue: script files, music under the voice with ducking, captions beside the video."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from tests.engine.tts.conftest import needs_espeak, read_wav
from tests.media_factory import textured_image, tone
from vidgen_desktop.core.errors import InputError, OutputError, UsageError
from vidgen_desktop.core.jobs import RenderJob, Resolution
from vidgen_desktop.engine.captions import read_srt
from vidgen_desktop.engine.decide import TierDecision
from vidgen_desktop.engine.models import ModelStore
from vidgen_desktop.engine.narration import (
    CaptionMode,
    caption_overlay,
    load_script,
    mix_music,
    parse_caption_mode,
    prepare_narrated_audio,
    preview_voice,
    write_caption_sidecar,
)


def test_load_script_reads_text_and_refuses_the_rest(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes("\ufeffHello. Ünïcode.".encode())
    assert load_script(tmp_path / "a.txt") == "Hello. Ünïcode."
    (tmp_path / "u16.txt").write_bytes("Hi there.".encode("utf-16"))
    assert load_script(tmp_path / "u16.txt") == "Hi there."
    (tmp_path / "empty.txt").write_text("  \n", encoding="utf-8")
    (tmp_path / "bin.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe\xfd")
    for name, problem in [("missing.txt", "not found"), ("empty.txt", "empty"), ("bin.txt", "UTF-8")]:
        with pytest.raises(InputError, match=problem):
            load_script(tmp_path / name)
    with pytest.raises(InputError, match="folder"):
        load_script(tmp_path)


def test_caption_modes() -> None:
    assert parse_caption_mode("BURN") is CaptionMode.BURN
    with pytest.raises(UsageError, match="srt, burn, auto or none"):
        parse_caption_mode("subtitles")


def _band_level(x: np.ndarray, rate: int, freq: float) -> float:
    spec = np.abs(np.fft.rfft(x * np.hanning(x.size)))
    f = np.fft.rfftfreq(x.size, 1 / rate)
    return float(spec[np.abs(f - freq) < 8].max())


def test_music_is_looped_ducked_and_as_long_as_the_voice(tmp_path: Path) -> None:
    rate = 48000
    # A "narration": speech-like noise bursts 1–3 s and 5–7 s, silence elsewhere, 9 s in all.
    rng = np.random.default_rng(1)
    voice = np.zeros(9 * rate, np.float32)
    for a, b in ((1, 3), (5, 7)):
        voice[a * rate:b * rate] = (0.3 * rng.standard_normal((b - a) * rate)).astype(np.float32)
    import wave

    with wave.open(str(tmp_path / "v.wav"), "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(rate)
        w.writeframes((voice * 32767).astype("<i2").tobytes())
    music = tone(tmp_path / "m.mp3", 2.0)  # 440 Hz, shorter than the voice: it loops
    out = mix_music(tmp_path / "v.wav", music, tmp_path / "mix.wav")
    mixed, r = read_wav(out)
    assert r == 48000 and mixed.shape == (9 * rate, 2)
    left = mixed[:, 0]

    def level(a: float, b: float) -> float:
        return _band_level(left[int(a * rate):int(b * rate)], rate, 440.0)

    alone, under_voice, alone_again = level(3.9, 4.8), level(1.9, 2.8), level(7.9, 8.2)
    assert under_voice < alone / 2.5, (alone, under_voice)  # ducked by more than 8 dB while the voice speaks
    assert alone_again > 0  # still there after the second loop
    # Music well under the voice's level, even when alone.
    assert np.sqrt(np.mean(left[int(3.9 * rate):int(4.8 * rate)] ** 2)) < 0.1


def test_bad_music_fails_before_any_speech(tmp_path: Path, store: ModelStore) -> None:
    bad = tmp_path / "music.mp3"
    bad.write_bytes(b"not music at all" * 100)
    t0 = time.monotonic()
    with pytest.raises(InputError, match="music.mp3"):
        prepare_narrated_audio("Hello there.", out_dir=tmp_path, music=bad, store=store)
    assert time.monotonic() - t0 < 5 and not (tmp_path / "narration.wav").exists()
    with pytest.raises(OutputError, match="does not exist"):
        prepare_narrated_audio("Hello.", out_dir=tmp_path / "nope", store=store)
    with pytest.raises(InputError, match="empty"):
        prepare_narrated_audio(" ", out_dir=tmp_path, store=store)


@needs_espeak
def test_narrated_render_end_to_end(tmp_path: Path, store: ModelStore, kenburns_decision: TierDecision) -> None:
    """What `render IMAGE --script s.txt --music m.mp3 --captions srt` does, minus the CLI."""
    from vidgen_desktop.engine.render import render

    script = tmp_path / "script.txt"
    script.write_text("The sun goes down over the hills.\nThe sky turns purple, then dark blue.\n\nGood night.",
                      encoding="utf-8")
    work = tmp_path / "work"
    work.mkdir()
    res = prepare_narrated_audio(load_script(script), out_dir=work, music=tone(tmp_path / "m.wav", 3.0),
                                 store=store)
    assert res.audio_path.name == "narration+music.wav" and res.srt_path and res.srt_path.is_file()
    out = tmp_path / "video.mp4"
    video = render(RenderJob(textured_image(tmp_path / "p.png"), res.audio_path, out,
                             resolution=Resolution.parse("320x180"), fps=12.0), decision=kenburns_decision)
    srt = read_srt(write_caption_sidecar(res.cues, out))
    assert (tmp_path / "video.srt").is_file()
    assert abs(video.duration_s - res.duration_s) < 1 / 12 + 0.01
    assert abs(srt[-1].end - res.duration_s) <= 0.1
    # The burned-in overlay for the same cues draws during speech and fits the frame.
    overlay = caption_overlay(res.cues, (320, 180))
    y = np.full((180, 320), 60, np.uint8)
    u = np.full((90, 160), 128, np.uint8)
    v = u.copy()
    assert overlay.apply_yuv(y, u, v, (res.cues[0].start + res.cues[0].end) / 2)
    assert (y != 60).any()


@needs_espeak
def test_preview_voice_speaks_one_sentence(tmp_path: Path, store: ModelStore) -> None:
    a = preview_voice(tmp_path / "p.wav", text="First sentence only. Not this one.", store=store)
    assert [s.text for s in a.sentences] == ["First sentence only."]
    b = preview_voice(tmp_path / "q.wav", language="de", store=store)
    assert b.sentences[0].text == "Hallo!" and b.language == "de"
