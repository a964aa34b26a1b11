"""Advanced SubStation Alpha (``.ass``): captions with a style, for editors and players (mpv, VLC, Aegisub).

One default style (bold sans, white with a dark outline, bottom centre). When the words'
times are known, each cue carries karaoke tags (``{\\k}`` in centiseconds), so a player
highlights the words as they are said.
"""

from __future__ import annotations

from pathlib import Path

from vidgen_desktop.engine.captions.cue import Cue
from vidgen_desktop.engine.captions.textfile import write_text_atomic

PLAY_RES = (1920, 1080)

_HEADER = """[Script Info]
; Made by VidGen Desktop
ScriptType: v4.00+
PlayResX: {w}
PlayResY: {h}
WrapStyle: 0
ScaledBorderAndShadow: yes

[V4+ Styles]
Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, \
Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, \
MarginV, Encoding
Style: Default,DejaVu Sans,{size},&H00FFFFFF,&H0000FFFF,&H00000000,&H80000000,-1,0,0,0,100,100,0,0,1,{outline},1,2,\
{margin_lr},{margin_lr},{margin_v},1

[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
"""


def ass_time(t: float) -> str:
    """``H:MM:SS.cc`` (centiseconds)."""
    cs = max(0, round(t * 100))
    h, rem = divmod(cs, 360_000)
    m, rem = divmod(rem, 6000)
    s, cs = divmod(rem, 100)
    return f"{h:d}:{m:02d}:{s:02d}.{cs:02d}"


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("{", "(").replace("}", ")")


def _event_text(c: Cue) -> str:
    if not c.words:
        return "\\N".join(_escape(ln.strip()) for ln in c.text.splitlines() if ln.strip())
    parts = []
    t = c.start
    for w in c.words:
        lead = max(0, round((w.start - t) * 100))
        if lead:
            parts.append(f"{{\\k{lead}}}")  # the silence before the word
        parts.append(f"{{\\k{max(1, round((w.end - max(w.start, t)) * 100))}}}{_escape(w.text.strip())} ")
        t = max(t, w.end)
    return "".join(parts).rstrip()


def format_ass(cues: list[Cue], *, play_res: tuple[int, int] = PLAY_RES) -> str:
    w, h = play_res
    head = _HEADER.format(w=w, h=h, size=round(h * 0.058), outline=max(1, round(h * 0.0052)),
                          margin_lr=round(w * 0.07), margin_v=round(h * 0.08))
    lines = [f"Dialogue: 0,{ass_time(c.start)},{ass_time(c.end)},Default,,0,0,0,,{_event_text(c)}" for c in cues]
    return head + "\n".join(lines) + ("\n" if lines else "")


def write_ass(cues: list[Cue], path: Path) -> Path:
    """Write UTF-8 ASS atomically."""
    return write_text_atomic(Path(path), format_ass(list(cues)))
