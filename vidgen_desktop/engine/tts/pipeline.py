"""Script → one normalised WAV plus caption cues, chunk by chunk.

The script is split into sentences and engine-sized chunks; each chunk is
synthesized, trimmed of the engine's own silence, appended to a spool on disk and
followed by a pause chosen from its punctuation. Cancel is checked between chunks;
memory holds one chunk at a time. Caption cues are timed from the sample counts
(and word timings where the engine gives them), so they match the WAV exactly.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.errors import RenderError, VidGenError
from vidgen_desktop.core.progress import EtaEstimator, ProgressCallback, ProgressEvent, ignore_progress
from vidgen_desktop.engine.captions import Cue, close_gaps, split_caption_blocks, time_blocks
from vidgen_desktop.engine.tts.audio import OUTPUT_RATE, PcmSpool, finish_wav, quiet_points, trim_silence
from vidgen_desktop.engine.tts.base import EngineId, SpeechEngine
from vidgen_desktop.engine.tts.text import script_chunks

#: Silence before the first word and after the last (seconds).
LEAD_IN_S = 0.15
TAIL_S = 0.4
#: Progress stage names (the CLI prints "narrate  sentence 3/12 ...").
STAGE_NARRATE = "narrate"
STAGE_MIX = "mix"


@dataclass(frozen=True)
class SpokenSentence:
    """Where a sentence is in the WAV (speech only, pauses excluded)."""

    text: str
    start: float
    end: float


@dataclass(frozen=True)
class NarrationAudio:
    wav: Path
    duration_s: float
    sample_rate: int
    cues: tuple[Cue, ...]
    sentences: tuple[SpokenSentence, ...]
    engine: EngineId
    model_id: str | None
    language: str
    description: str
    chunks: int
    elapsed_s: float
    notes: tuple[str, ...] = field(default=())


def synthesize_script(text: str, engine: SpeechEngine, out_wav: Path, *,
                      on_progress: ProgressCallback = ignore_progress, cancel: CancelToken | None = None,
                      rate: int = OUTPUT_RATE, normalize: bool = True, lead_in: float = LEAD_IN_S,
                      tail: float = TAIL_S, work_dir: Path | None = None) -> NarrationAudio:
    """Speak ``text`` with ``engine`` into ``out_wav`` (16-bit mono WAV at ``rate``)."""
    cancel = cancel or CancelToken()
    t0 = time.monotonic()
    sentences, chunks = script_chunks(text, engine.language, engine.max_chunk_chars())
    total_chars = sum(len(c.text) for c in chunks)
    eta = EtaEstimator(total_chars)

    def emit(stage: str, done: int, total: int, message: str, eta_s: float | None = None) -> None:
        on_progress(ProgressEvent(stage, done, total, time.monotonic() - t0, eta_s, message))

    emit(STAGE_NARRATE, 0, len(chunks), f"{engine.description}: {len(sentences)} sentences")
    folder = work_dir or out_wav.parent
    spool = PcmSpool(folder)
    raw_cues: list[Cue] = []
    spoken: list[tuple[int, float, float]] = []
    chars_done = 0
    heard = False
    try:
        for i, chunk in enumerate(chunks):
            cancel.raise_if_cancelled()
            try:
                speech = engine.synthesize(chunk.text)
            except VidGenError:
                raise
            except Exception as exc:  # a model failing on one sentence: name it
                raise RenderError(f"the {engine.engine_id.label} voice failed on sentence {chunk.sentence + 1} "
                                  f"({chunk.text[:40]!r}): {type(exc).__name__}: {exc}") from exc
            cancel.raise_if_cancelled()
            samples = trim_silence(speech.samples, speech.sample_rate)
            if spool.rate is None:
                spool.rate = speech.sample_rate
                spool.append_silence(lead_in)
            start = spool.seconds
            if samples.size:
                heard = True
                written = spool.append(samples, speech.sample_rate)
                energy = quiet_points(samples, speech.sample_rate)
            else:  # the engine said nothing (a lone symbol): a short gap keeps the cue readable
                written = spool.append_silence(0.3)
                energy = None
            end = start + written / spool.rate
            words = [(w.text, start + w.start, start + w.end) for w in speech.words] or None
            blocks = split_caption_blocks(chunk.text)
            raw_cues += time_blocks(blocks, start, end, energy=energy, words=words)
            spoken.append((chunk.sentence, start, end))
            spool.append_silence(tail if i == len(chunks) - 1 else chunk.pause_after)
            chars_done += len(chunk.text)
            emit(STAGE_NARRATE, i + 1, len(chunks), f"sentence {chunk.sentence + 1}/{len(sentences)}",
                 eta.update(chars_done))
            del speech, samples, energy
        cancel.raise_if_cancelled()
        if not heard:
            raise RenderError(f"the {engine.engine_id.label} voice produced no sound for this script")
        emit(STAGE_MIX, 0, 1, "levelling the loudness")
        n_out = finish_wav(spool, out_wav, rate=rate, normalize=normalize)
    finally:
        spool.discard()
    duration = n_out / rate
    cues = close_gaps(raw_cues, duration)
    per_sentence: dict[int, tuple[float, float]] = {}
    for s, a, b in spoken:
        lo, hi = per_sentence.get(s, (a, b))
        per_sentence[s] = (min(lo, a), max(hi, b))
    timings = tuple(SpokenSentence(sentences[s].text, a, b) for s, (a, b) in sorted(per_sentence.items()))
    notes = tuple(getattr(engine, "notes", ()) or ())
    emit(STAGE_MIX, 1, 1, str(out_wav))
    return NarrationAudio(out_wav, duration, rate, tuple(cues), timings, engine.engine_id, engine.model_id,
                          engine.language, engine.description, len(chunks), time.monotonic() - t0, notes)
