"""Words into caption cues: at most two balanced lines, a few seconds each, broken at pauses and sentence ends."""

from __future__ import annotations

import re
from collections.abc import Iterable

from vidgen_desktop.engine.captions.cue import Cue, Word
from vidgen_desktop.engine.captions.layout import MAX_COLS, MAX_LINES, balance_lines, text_cols, wrap_lines

#: A cue is at most this long (seconds) ...
MAX_CUE_S = 6.0
#: ... and a silence this long between two words starts a new cue.
PAUSE_S = 0.8
#: The shortest time a cue stays up (a lone short word would flash otherwise).
MIN_CUE_S = 0.7
_SENTENCE_END = re.compile(r"[.!?。！？…]['\")\]»”’]*$")
_SPACELESS = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\u0e00-\u0e7f]")


def clean_words(raw: Iterable[tuple[float, float, str]], duration: float) -> list[Word]:
    """Words with text, inside ``0..duration``, in time order, never overlapping the one before.

    Whisper's times can run past the audio's end (padding) or overlap slightly; captions need neither.
    """
    out: list[Word] = []
    last = 0.0
    for start, end, text in raw:
        text = text.strip()
        if not text or float(start) >= duration:  # past the end: Whisper's padding, not the audio
            continue
        s = min(max(float(start), last, 0.0), duration)
        e = min(max(float(end), s), duration)
        out.append(Word(round(s, 3), round(e, 3), text))
        last = e
    return out


def join_words(words: Iterable[str]) -> str:
    """Words joined as written: spaces between words, none between CJK or Thai words."""
    text = ""
    for w in words:
        if text and not (_SPACELESS.search(text[-1]) and _SPACELESS.search(w[:1])):
            text += " "
        text += w
    return text


def cue_text(words: Iterable[str], max_cols: int = MAX_COLS) -> str:
    lines = balance_lines(wrap_lines(join_words(words), max_cols=max_cols), max_cols=max_cols)
    return "\n".join(lines)


def words_to_cues(words: list[Word], *, max_cols: int = MAX_COLS, max_lines: int = MAX_LINES,
                  max_cue_s: float = MAX_CUE_S, pause_s: float = PAUSE_S, duration: float | None = None) -> list[Cue]:
    """Group timed words into cues; each cue keeps its words (and ends by ``duration``, the audio's end)."""
    groups: list[list[Word]] = []
    for w in words:
        cur = groups[-1] if groups else None
        if cur is not None:
            cols = text_cols(join_words([x.text for x in (*cur, w)]))
            full = cols > max_cols * max_lines
            ends_sentence = bool(_SENTENCE_END.search(cur[-1].text)) and text_cols(join_words(x.text for x in cur)) \
                > max_cols // 2
            if not (full or w.start - cur[-1].end > pause_s or w.end - cur[0].start > max_cue_s or ends_sentence):
                cur.append(w)
                continue
        groups.append([w])
    cues: list[Cue] = []
    for i, g in enumerate(groups):
        start, end = g[0].start, g[-1].end
        nxt = groups[i + 1][0].start if i + 1 < len(groups) else None
        if end - start < MIN_CUE_S:  # hold a short cue a little, without running into the next
            end = start + MIN_CUE_S if nxt is None else min(start + MIN_CUE_S, max(end, nxt))
        if duration is not None:
            end = max(min(end, duration), g[-1].end)
        cues.append(Cue(start, end, cue_text([w.text for w in g], max_cols), tuple(g)))
    return cues
