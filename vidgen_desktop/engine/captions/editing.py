"""What the caption editor does to cues: edit, split, merge, nudge; and reading SRT/VTT files into it.

All functions are pure (cues in, cues out), so the window's editor and its tests share them.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from vidgen_desktop.core.errors import InputError
from vidgen_desktop.engine.captions.cue import Cue, Word
from vidgen_desktop.engine.captions.layout import join_lines, tokens
from vidgen_desktop.engine.captions.srt import parse_srt

#: No cue gets shorter than this by nudging.
MIN_CUE_S = 0.1


def edit_text(cue: Cue, text: str) -> Cue:
    """New text; the word times stay when the words still line up one for one (a fixed spelling), else they go
    (karaoke then spreads the new words evenly)."""
    text = "\n".join(ln.strip() for ln in text.strip().splitlines() if ln.strip())
    new = [t.strip() for t in tokens(join_lines(text.split("\n"))) if t.strip()]
    if cue.words and len(new) == len(cue.words):
        return replace(cue, text=text, words=tuple(replace(w, text=t) for w, t in zip(cue.words, new)))
    return replace(cue, text=text, words=())


def split_cue(cue: Cue, at: int | None = None) -> tuple[Cue, Cue]:
    """Split ``cue`` at character ``at`` of its text (snapped to the nearest word boundary; ``None``: the middle).

    With word times the second cue starts at its first word; otherwise time is shared by length.
    Raises ``ValueError`` for a cue of one word.
    """
    flat = join_lines(cue.text.split("\n"))
    toks = tokens(flat)
    if len(toks) < 2:
        raise ValueError("a cue of one word cannot be split")
    bounds: list[int] = []
    pos = 0
    for tok in toks[:-1]:
        pos += len(tok)
        bounds.append(pos)
    # ``at`` counts characters of the shown text (line breaks as one character, like a space).
    target = len(flat) / 2 if at is None else min(max(at, 0), len(flat))
    cut = min(bounds, key=lambda b: abs(b - target))
    k = bounds.index(cut) + 1  # tokens in the first part
    first, second = flat[:cut].strip(), flat[cut:].strip()
    if cue.words and len(cue.words) == len(toks):
        a_words, b_words = cue.words[:k], cue.words[k:]
        t = b_words[0].start
    else:
        a_words, b_words = (), ()
        t = cue.start + cue.duration * len(first) / max(1, len(first) + len(second))
    t = min(max(t, cue.start + MIN_CUE_S / 2), cue.end - MIN_CUE_S / 2)
    return Cue(cue.start, t, first, a_words), Cue(t, cue.end, second, b_words)


def merge_cues(a: Cue, b: Cue) -> Cue:
    """One cue from ``a`` to ``b`` with both texts (and both sets of word times when both have them)."""
    words: tuple[Word, ...] = a.words + b.words if a.words and b.words else ()
    return Cue(min(a.start, b.start), max(a.end, b.end),
               join_lines([*a.text.split("\n"), *b.text.split("\n")]), words)


def nudge(cue: Cue, *, start: float = 0.0, end: float = 0.0, earliest: float = 0.0,
          latest: float | None = None) -> Cue:
    """Move the start and/or end by seconds, kept between ``earliest`` (the previous cue's end) and ``latest``
    (the next cue's start) and at least :data:`MIN_CUE_S` long. Word times are clipped into the new span."""
    s = max(earliest, cue.start + start)
    e = cue.end + end
    if latest is not None:
        e = min(latest, e)
    if end == 0.0:
        s = min(s, e - MIN_CUE_S)
    else:
        e = max(e, s + MIN_CUE_S)
    s, e = round(max(0.0, s), 3), round(e, 3)
    words = tuple(replace(w, start=min(max(w.start, s), e), end=min(max(w.end, s), e)) for w in cue.words)
    return Cue(s, e, cue.text, words)


def parse_vtt(text: str, *, source: Path | None = None) -> list[Cue]:
    """Cues of a WebVTT document (header, NOTE/STYLE/REGION blocks, cue settings and inline tags dropped)."""
    body = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not body.startswith("WEBVTT"):
        raise InputError(source, "not a WebVTT file: it does not start with WEBVTT")
    blocks = re.split(r"\n\s*\n", body.strip())[1:]
    keep = [b for b in blocks if "-->" in b and not b.startswith(("NOTE", "STYLE", "REGION"))]
    # Hours are optional in WebVTT times ("01:02.500"); the SRT reader wants them.
    keep = ["\n".join(_vtt_hours(ln) if "-->" in ln else ln for ln in b.split("\n")) for b in keep]
    cues = parse_srt("\n\n".join(keep), source=source)
    return [replace(c, text=re.sub(r"<[^>]+>", "", c.text)) for c in cues]


def _vtt_hours(line: str) -> str:
    return re.sub(r"(?<![\d:])(\d{1,2}:\d{2}[.,]\d{1,3})", r"00:\1", line)


def read_caption_file(path: Path) -> list[Cue]:
    """The cues of an ``.srt`` or ``.vtt`` file (by content: a file starting with WEBVTT is WebVTT)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(path, "file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(path, f"cannot be read as UTF-8 text ({exc})") from None
    cues = parse_vtt(text, source=path) if text.lstrip().startswith("WEBVTT") else parse_srt(text, source=path)
    if not cues:
        raise InputError(path, "holds no captions")
    return sorted(cues, key=lambda c: c.start)
