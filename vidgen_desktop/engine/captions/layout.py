"""Line breaking for captions: at most two balanced lines a cue, CJK measured by display width.

Widths are half-width columns (a CJK character counts two) unless the caller passes
``fits``, a pixel test with the real font (the burned-in overlay does).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

import numpy as np

#: Standard subtitle limits: 42 half-width columns a line, two lines a cue.
MAX_COLS = 42
MAX_LINES = 2

#: ``fits(line) -> bool``: does this line fit the width?
Fits = Callable[[str], bool]


def _char_width(c: str) -> int:
    return 2 if unicodedata.east_asian_width(c) in "WF" else 1


def text_cols(text: str) -> int:
    return sum(_char_width(c) for c in text)


def _cols_fit(max_cols: int) -> Fits:
    return lambda s: text_cols(s) <= max_cols


def join_lines(lines: list[str]) -> str:
    """Undo wrapping: a space between Latin-script lines, nothing between CJK ones."""
    out = ""
    for ln in (x.strip() for x in lines):
        if not ln:
            continue
        if out and not (_char_width(out[-1]) == 2 or _char_width(ln[0]) == 2):
            out += " "
        out += ln
    return out


def tokens(text: str) -> list[str]:
    """Break opportunities: words with their trailing space; each CJK character on its own (with the
    punctuation that must not start a line glued to it)."""
    out: list[str] = []
    for m in re.finditer(r"\S+\s*|\s+", text):
        tok = m.group(0)
        if any(_char_width(c) == 2 for c in tok):
            buf = ""
            for c in tok:
                if buf and (_char_width(c) == 2 and unicodedata.category(c)[0] != "P" or buf[-1].isspace()):
                    out.append(buf)
                    buf = ""
                buf += c
            if buf:
                out.append(buf)
        else:
            out.append(tok)
    return out


def wrap_lines(text: str, fits: Fits | None = None, max_cols: int = MAX_COLS) -> list[str]:
    """Greedy wrap. ``fits(line) -> bool`` decides (pixel widths); default: at most ``max_cols`` columns."""
    fit = fits or _cols_fit(max_cols)
    lines: list[str] = []
    cur = ""
    for tok in tokens(" ".join(text.split())):
        trial = cur + tok
        if not cur or fit(trial.rstrip()):
            cur = trial
            continue
        lines.append(cur.rstrip())
        cur = tok.lstrip()
        while not fit(cur.rstrip()) and len(cur) > 1:  # one token wider than a line: hard break
            k = len(cur) - 1
            while k > 1 and not fit(cur[:k]):
                k -= 1
            lines.append(cur[:k])
            cur = cur[k:]
    if cur.strip():
        lines.append(cur.rstrip())
    return lines


def balance_lines(lines: list[str], fits: Fits | None = None, max_cols: int = MAX_COLS) -> list[str]:
    """Two lines of similar length read better than one full line and a dangling word."""
    if len(lines) != 2:
        return lines
    fit = fits or _cols_fit(max_cols)
    toks = tokens(join_lines(lines))
    best = lines
    best_diff = abs(text_cols(lines[0]) - text_cols(lines[1]))
    for k in range(1, len(toks)):
        a, b = "".join(toks[:k]).rstrip(), "".join(toks[k:]).strip()
        if a and b and fit(a) and fit(b):
            diff = abs(text_cols(a) - text_cols(b))
            # Prefer breaking after punctuation when it costs little.
            if a[-1] in ",;:，、；：" and diff <= best_diff + 8:
                diff -= 6
            if diff < best_diff:
                best, best_diff = [a, b], diff
    return best


def split_caption_blocks(text: str, max_cols: int = MAX_COLS, max_lines: int = MAX_LINES) -> list[str]:
    """Cut ``text`` into caption blocks of at most ``max_lines`` lines (joined with newlines), balanced."""
    lines = wrap_lines(text, max_cols=max_cols)
    if not lines:
        return []
    n_blocks = -(-len(lines) // max_lines)
    if n_blocks == 1:
        return ["\n".join(balance_lines(lines, max_cols=max_cols))]
    # Re-split the tokens into n_blocks pieces of similar length (no lonely last line), preferring to
    # cut after a comma or other clause mark when one is near.
    toks = tokens(" ".join(text.split()))
    cum = np.cumsum([text_cols(t) for t in toks])
    total = float(cum[-1])
    block_len = total / n_blocks
    cuts: list[int] = []
    for k in range(1, n_blocks):
        target = total * k / n_blocks
        best, best_score = -1, float("inf")
        for i in range(cuts[-1] + 1 if cuts else 0, len(toks) - 1):
            off = abs(float(cum[i]) - target)
            if off > 0.35 * block_len:
                continue
            score = off - (0.3 * block_len if toks[i].rstrip()[-1:] in ",;:.!?，、；：。！？—" else 0.0)
            if score < best_score:
                best, best_score = i, score
        if best < 0:
            best = int(np.searchsorted(cum, target))
        cuts.append(min(best, len(toks) - 2))
    edges = [-1, *cuts, len(toks) - 1]
    blocks = ["".join(toks[edges[j] + 1:edges[j + 1] + 1]).strip() for j in range(len(edges) - 1)]
    out: list[str] = []
    for b in blocks:
        bl = wrap_lines(b, max_cols=max_cols)
        if len(bl) > max_lines:  # uneven token sizes: fall back to plain line packing
            out += ["\n".join(bl[i:i + max_lines]) for i in range(0, len(bl), max_lines)]
        else:
            out.append("\n".join(balance_lines(bl, max_cols=max_cols)))
    return [b for b in out if b.strip()]
