"""Word timings for a typed narration: Whisper hears the synthesized speech, its words are matched to the script.

No voice engine reports when each word is said, so the narration's cues are first timed by
the pauses between sentences. When a Whisper model is installed, the synthesized audio is
transcribed with word timestamps and the recognised words are aligned to the script's words
by sequence matching (case and punctuation ignored); script words Whisper missed or heard
differently get times shared out between their matched neighbours, by length. The script's
own spelling is kept. Without a Whisper model the cues keep their pause-based timing (no
words), and a note says so.
"""

from __future__ import annotations

import difflib
import logging
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.errors import CancelledError, VidGenError
from vidgen_desktop.engine.captions.cue import Cue, Word
from vidgen_desktop.engine.models.store import ModelStore
from vidgen_desktop.engine.transcribe.choice import alignment_model

log = logging.getLogger(__name__)

NO_MODEL_NOTE = ("captions are timed by the pauses between sentences; install a Whisper model "
                 "(vidgen-desktop models download whisper-small) for word-accurate captions")


@dataclass(frozen=True)
class Alignment:
    cues: tuple[Cue, ...]
    note: str
    #: Share of the script's words Whisper heard as written (0..1); ``None`` when no alignment ran.
    matched: float | None = None


def _norm(word: str) -> str:
    w = unicodedata.normalize("NFKC", word).casefold()
    return re.sub(r"[\W_]+", "", w)


def _fill(times: list[tuple[float, float] | None], lengths: list[int], lo: float, hi: float) -> list[tuple[float, float]]:
    """Give unmatched words (``None``) times between their matched neighbours, shared by ``lengths``."""
    out: list[tuple[float, float]] = []
    i = 0
    n = len(times)
    while i < n:
        t = times[i]
        if t is not None:
            out.append(t)
            i += 1
            continue
        j = i
        while j < n and times[j] is None:
            j += 1
        a = out[-1][1] if out else lo
        b = times[j][0] if j < n and times[j] is not None else hi  # type: ignore[index]
        b = max(a, b)
        total = sum(lengths[i:j]) or 1
        acc = 0
        for k in range(i, j):
            s = a + (b - a) * acc / total
            acc += lengths[k]
            out.append((s, a + (b - a) * acc / total))
        i = j
    return out


def align_words(cues: tuple[Cue, ...], heard: list[Word]) -> tuple[tuple[Cue, ...], float]:
    """``cues`` with their script words timed from ``heard`` (Whisper's words); and the share matched."""
    script = [(ci, w) for ci, c in enumerate(cues) for w in c.text.split()]
    if not script:
        return cues, 0.0
    a = [_norm(w) for _ci, w in script]
    b = [_norm(w.text) for w in heard]
    times: list[tuple[float, float] | None] = [None] * len(script)
    matched = 0
    for block in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_matching_blocks():
        for k in range(block.size):
            if a[block.a + k]:
                h = heard[block.b + k]
                times[block.a + k] = (h.start, h.end)
                matched += 1
    out: list[Cue] = []
    for ci, c in enumerate(cues):
        idx = [k for k, (cj, _w) in enumerate(script) if cj == ci]
        # Matched words must fall inside the cue (a match far away is a coincidence, not this word).
        local = [t if t is not None and c.start - 0.5 <= t[0] <= c.end + 0.5 else None for t in (times[k] for k in idx)]
        spans = _fill(local, [len(script[k][1]) + 1 for k in idx], c.start, c.end)
        words, last = [], c.start
        for k, (s, e) in zip(idx, spans):
            s = min(max(s, last, c.start), c.end)
            e = min(max(e, s), c.end)
            words.append(Word(s, e, script[k][1]))
            last = e
        out.append(Cue(c.start, c.end, c.text, tuple(words)))
    return tuple(out), matched / len(script)


def align_narration(cues: tuple[Cue, ...], wav: Path, *, store: ModelStore, language: str | None = None,
                    cancel: CancelToken | None = None) -> Alignment:
    """Word timings for the narration's cues from its synthesized audio (see the module docstring)."""
    model = alignment_model(store)
    if model is None or not cues:
        return Alignment(cues, NO_MODEL_NOTE)
    from vidgen_desktop.engine.transcribe.whisper import transcribe

    lang = (language or "").split("-")[0] or None
    try:
        transcript = transcribe(Path(wav), model_id=model, language=lang, store=store, cancel=cancel)
    except CancelledError:
        raise
    except VidGenError as exc:
        log.warning("word alignment skipped: %s", exc)
        return Alignment(cues, f"word timing was skipped ({exc.message}); captions are timed by the pauses")
    aligned, share = align_words(cues, list(transcript.words))
    note = f"caption words timed by {model} ({round(share * 100)}% of the script's words heard as written)"
    return Alignment(aligned, note, share)
