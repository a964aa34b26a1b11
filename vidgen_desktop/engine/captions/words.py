"""Word timing for the karaoke and word styles.

* :func:`with_words`: a cue without word times (an SRT file, pause-aligned narration) gets
  them spread evenly over its span, by the length of each word, so both styles still work.
* :func:`word_groups`: the word style's units, one to three short words each.
* :func:`active_word`: which word is being said at a moment (the last one started; it stays
  lit through a pause until the next begins).
* :func:`word_spans`: where each word sits in the laid-out lines, matched character by
  character (so CJK and punctuation that the layout moved still line up).
"""

from __future__ import annotations

import bisect
from dataclasses import replace

from vidgen_desktop.engine.captions.cue import Cue, Word
from vidgen_desktop.engine.captions.layout import join_lines, text_cols, tokens

#: Slack for frame times computed as ``i / fps`` landing a hair before a word's start.
TIME_EPS = 1e-6
#: Word style: at most this many words, and this many half-width columns, on screen at once.
GROUP_WORDS = 3
GROUP_COLS = 18

#: A word's place in the laid-out lines: ``(line, first char, end char)``; a word broken across
#: lines has one span per line.
Span = tuple[int, int, int]


def with_words(cue: Cue) -> Cue:
    """``cue`` itself when it has word times; otherwise its words spread over its span by their length."""
    if cue.words:
        return cue
    toks = [t.strip() for t in tokens(join_lines(cue.text.split("\n")))]
    toks = [t for t in toks if t]
    if not toks:
        return cue
    weights = [max(1, text_cols(t)) for t in toks]
    total = float(sum(weights))
    words: list[Word] = []
    at = cue.start
    for tok, wgt in zip(toks, weights):
        end = at + cue.duration * wgt / total
        words.append(Word(at, end, tok))
        at = end
    return replace(cue, words=tuple(words))


def word_groups(cue: Cue, max_words: int = GROUP_WORDS, max_cols: int = GROUP_COLS) -> list[Cue]:
    """The word style's units: consecutive words (at most ``max_words``, ``max_cols`` wide), each shown from its
    first word's start until the next unit's (the first from the cue's start, the last to the cue's end)."""
    cue = with_words(cue)
    groups: list[list[Word]] = []
    for w in cue.words:
        cur = groups[-1] if groups else None
        if cur is not None and len(cur) < max_words and text_cols(" ".join(x.text for x in [*cur, w])) <= max_cols \
                and not cur[-1].text.rstrip()[-1:] in ".!?。！？":
            cur.append(w)
        else:
            groups.append([w])
    out: list[Cue] = []
    for i, g in enumerate(groups):
        start = cue.start if i == 0 else g[0].start
        end = groups[i + 1][0].start if i + 1 < len(groups) else cue.end
        if end > start:
            out.append(Cue(start, end, join_lines([w.text for w in g]), tuple(g)))
    return out


def active_word(cue: Cue, t: float) -> int | None:
    """Index of the word being said at ``t`` (the last one started), ``None`` before the first."""
    if not cue.words:
        return None
    i = bisect.bisect_right([w.start for w in cue.words], t + TIME_EPS) - 1
    return i if i >= 0 else None


def word_spans(lines: list[str], words: tuple[Word, ...]) -> list[list[Span]]:
    """For each word, its span(s) in ``lines``.

    Non-space characters are matched in order; when the words' text differs from the
    lines' (a transcript's words against an edited cue), they are shared out by length.
    """
    chars = [(li, ci) for li, line in enumerate(lines) for ci, ch in enumerate(line) if not ch.isspace()]
    sizes = [sum(1 for ch in w.text if not ch.isspace()) for w in words]
    total = sum(sizes)
    if not chars or not total:
        return [[] for _ in words]
    out: list[list[Span]] = []
    at = 0
    for k, size in enumerate(sizes):
        if total == len(chars):
            lo, hi = at, at + size
        else:  # proportional
            lo = round(at * len(chars) / total)
            hi = round((at + size) * len(chars) / total) if k + 1 < len(sizes) else len(chars)
        at += size
        spans: list[Span] = []
        for li, ci in chars[lo:hi]:
            if spans and spans[-1][0] == li:
                spans[-1] = (li, spans[-1][1], ci + 1)
            else:
                spans.append((li, ci, ci + 1))
        out.append(spans)
    return out


def words_in(cue: Cue, words: tuple[Word, ...]) -> Cue:
    """``cue`` with those of ``words`` that start inside it (for a long cue shown in parts)."""
    inside = tuple(w for w in words if cue.start - TIME_EPS <= w.start < cue.end - TIME_EPS)
    return replace(cue, words=inside)
