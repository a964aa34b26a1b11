"""Transcription speed: full-size Whisper small and large-v3-turbo (random weights) on 3 minutes of espeak speech.

Run: ``python benchmarks/transcribe.py [--models small turbo] [--threads 2] [--seconds 180]``

Weights cannot be downloaded here, so each model is the published architecture (transformers
``WhisperConfig`` of openai/whisper-small: 12+12 layers, width 768, 80 mel bins; of
large-v3-turbo: 32 encoder + 4 decoder layers, width 1280, 128 mel bins) with random weights,
converted by CTranslate2's ``TransformersConverter`` to int8, as ``Systran/faster-whisper-*`` is.
The compute per 30-second window is the same as the real model's. What differs is the decode:
random weights say nothing sensible, stop at random, and would trigger Whisper's temperature
fallback. So the decode is pinned to what real speech costs: ``<|endoftext|>`` suppressed and
``max_new_tokens`` set to the token count real captions of that window have (words x 1.35
BPE tokens a word, measured from the script espeak speaks), one pass (temperature 0), no
timestamp tokens (the window advances by 30 s, as real decodes nearly do). Everything else is
the app's own path: ffmpeg decoding, the Silero voice filter, greedy decoding (the app's CPU
default), word timestamps (cross-attention alignment) and the cue grouping.

Reports x real time = transcription wall time / audio length (target for small: <= 0.3), and, since
the development machine's two cores are shared, the same from the CPU time the run used divided
by the thread count (what two cores of one's own would take, assuming they stay busy).

Measured 29 Nov 2026 on the 2-core development VM while other jobs kept its load average at 3-15
(186 s of speech, 7 windows, 141 tokens a window, 2 CTranslate2 threads):

* small int8: 75 CPU-s → 0.20x real time on two free cores (wall 280-330 s = 1.5-1.8x under that load)
* large-v3-turbo int8: 136 CPU-s → 0.37x on two free cores (wall 595 s = 3.2x under that load)

Re-measure on a quiet machine before quoting the wall-clock figure.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.engine.transcribe.tiny_models import N_TEXT, build_whisper_ct2
from vidgen_desktop.engine.transcribe.cues import clean_words, words_to_cues
from vidgen_desktop.engine.transcribe.whisper import load_speech

#: openai/whisper-small and openai/whisper-large-v3-turbo (their published config.json).
MODELS = {
    "small": {"layers": 12, "width": 768, "heads": 12, "ffn": 3072, "mels": 80},
    "turbo": {"layers": 32, "decoder_layers": 4, "width": 1280, "heads": 20, "ffn": 5120, "mels": 128},
}
TOKENS_PER_WORD = 1.35
PARAGRAPH = (
    "Welcome back to the workshop. Today we are going to look at how a small idea becomes a finished video. "
    "First we choose a picture that tells the story, then we record a few sentences about it. "
    "The recording does not need to be perfect: a quiet room and a steady voice are enough. "
    "When the words are written down, viewers can follow along even with the sound turned off, "
    "which is how most short videos are watched on a phone. "
)


def make_speech(folder: Path, seconds: float) -> tuple[Path, int]:
    """espeak-ng speech at least ``seconds`` long; returns the WAV and its word count."""
    exe = shutil.which("espeak-ng") or shutil.which("espeak")
    if exe is None:
        raise SystemExit("espeak-ng is needed: apt install espeak-ng")
    text = ""
    wav = folder / "speech.wav"
    while True:
        text += PARAGRAPH
        subprocess.run([exe, "-w", str(wav), text], check=True)
        n = (wav.stat().st_size - 44) / 2 / 22050
        if n >= seconds:
            return wav, len(text.split())


def _cpu_s() -> float:
    """CPU seconds used by this process and its finished children (ffmpeg)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def run(model: str, folder: Path, speech: Path, words: int, threads: int) -> dict[str, float | int | str]:
    from faster_whisper import WhisperModel

    from vidgen_desktop.core.cancel import CancelToken

    cfg = MODELS[model]
    ct2 = folder / f"whisper-{model}-random-int8"
    t0 = time.monotonic()
    if not (ct2 / "model.bin").is_file():
        build_whisper_ct2(ct2, quantization="int8", **cfg)  # type: ignore[arg-type]
    build_s = time.monotonic() - t0
    t0 = time.monotonic()
    wm = WhisperModel(str(ct2), device="cpu", compute_type="int8", cpu_threads=threads, local_files_only=True)
    load_s = time.monotonic() - t0
    t0 = time.monotonic()
    cpu0 = _cpu_s()
    samples, duration = load_speech(speech, CancelToken())
    tokens_per_window = round(words / duration * 30 * TOKENS_PER_WORD)
    eot = N_TEXT  # <|endoftext|> follows the text tokens
    segments, _info = wm.transcribe(
        samples, language="en", word_timestamps=True, vad_filter=True, beam_size=1, temperature=0.0,
        condition_on_previous_text=False, without_timestamps=True, max_new_tokens=tokens_per_window,
        suppress_tokens=[eot], suppress_blank=False)
    raw = [(w.start, w.end, w.word) for s in segments for w in (s.words or ())]
    cues = words_to_cues(clean_words(raw, duration), duration=duration)
    wall = time.monotonic() - t0
    cpu = _cpu_s() - cpu0
    windows = -(-duration // 30)
    # The encoder alone, once per 30 s window: the part no decode setting changes.
    import ctranslate2
    import numpy as np

    feats = wm.feature_extractor(samples[: 30 * 16000])
    seg = ctranslate2.StorageView.from_array(np.ascontiguousarray(feats[None, :, :3000], dtype=np.float32))
    t1 = time.monotonic()
    wm.model.encode(seg, to_cpu=True)
    enc_s = time.monotonic() - t1
    return {"model": model, "audio_s": round(duration, 1), "windows": int(windows),
            "tokens_per_window": tokens_per_window, "words_out": len(raw), "cues": len(cues),
            "transcribe_s": round(wall, 1), "x_realtime": round(wall / duration, 3), "cpu_s": round(cpu, 1),
            # What the same work takes on `threads` cores nobody else uses (this machine is shared).
            "x_realtime_uncontended": round(cpu / threads / duration, 3),
            "encoder_s_per_window": round(enc_s, 2), "load_s": round(load_s, 1), "build_s": round(build_s, 1),
            "threads": threads, "model_mb": round((ct2 / "model.bin").stat().st_size / 1e6)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--models", nargs="+", default=["small", "turbo"], choices=list(MODELS))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seconds", type=float, default=180.0)
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "vidgen-bench-whisper",
                    help="where the converted models are kept between runs")
    args = ap.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    speech, words = make_speech(args.cache, args.seconds)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", file=sys.stderr)
    for model in args.models:
        print(json.dumps(run(model, args.cache, speech, words, args.threads)), flush=True)


if __name__ == "__main__":
    main()
