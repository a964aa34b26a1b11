"""Captions: timed cues, ``.srt`` files, and burned-in captions drawn onto video frames.

Cues come from the narration's sentence timings (:mod:`vidgen_desktop.engine.narration`).
An ``.srt`` sidecar is written next to the video. Burned-in captions are drawn here
with Pillow and blended straight into the YUV 4:2:0 planes the encoder receives
(:meth:`CaptionOverlay.apply_yuv`, or :meth:`CaptionOverlay.apply_rgb` for RGB
frames), so they need neither libass nor fonts inside ffmpeg, and cost a few
milliseconds per frame, only while a caption is on screen.

The burned style is readable on any picture: white text with a dark outline (or on
a dark box), inside title-safe margins, at most two lines; a cue that would need
more lines at the smallest allowed size is shown in parts, one after the other.
"""

from __future__ import annotations

import bisect
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw, ImageFont

from vidgen_desktop.core.errors import InputError, OutputError

#: Standard subtitle limits: 42 half-width columns a line, two lines a cue.
MAX_COLS = 42
MAX_LINES = 2
ENV_FONT = "VIDGEN_CAPTION_FONT"

FloatArray = npt.NDArray[np.float32]
Plane = npt.NDArray[np.uint8]


@dataclass(frozen=True)
class Cue:
    """A caption on screen from ``start`` to ``end`` seconds; ``text`` may hold one line break."""

    start: float
    end: float
    text: str

    @property
    def duration(self) -> float:
        return self.end - self.start


# ---------------------------------------------------------------------------------------------- SRT


def _srt_time(t: float) -> str:
    ms = max(0, round(t * 1000))
    h, rem = divmod(ms, 3_600_000)
    m, rem = divmod(rem, 60_000)
    s, ms = divmod(rem, 1000)
    return f"{h:02d}:{m:02d}:{s:02d},{ms:03d}"


def format_srt(cues: list[Cue]) -> str:
    blocks = []
    for i, c in enumerate(cues, 1):
        text = "\n".join(line for line in c.text.splitlines() if line.strip()) or " "
        blocks.append(f"{i}\n{_srt_time(c.start)} --> {_srt_time(c.end)}\n{text}\n")
    return "\n".join(blocks)


def write_srt(cues: list[Cue], path: Path) -> Path:
    """Write UTF-8 SRT atomically."""
    path = Path(path)
    if not path.parent.is_dir():
        raise OutputError(f"{path.parent}: the output folder does not exist")
    tmp = path.with_name(f".{path.name}.partial")
    try:
        tmp.write_text(format_srt(cues), encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OutputError(f"{path}: could not be written ({exc.strerror or exc})") from None
    return path


_SRT_TIME = re.compile(r"(\d+):(\d{1,2}):(\d{1,2})[,.](\d{1,3})")


def _parse_time(text: str) -> float:
    m = _SRT_TIME.fullmatch(text.strip())
    if not m:
        raise ValueError(f"bad SRT time {text!r}")
    h, mi, s, ms = m.groups()
    return int(h) * 3600 + int(mi) * 60 + int(s) + int(ms.ljust(3, "0")) / 1000.0


def parse_srt(text: str, *, source: Path | None = None) -> list[Cue]:
    """Cues of an SRT document (a BOM, CRLF and missing index lines are tolerated)."""
    cues: list[Cue] = []
    blocks = re.split(r"\n\s*\n", text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").strip())
    for block in blocks:
        lines = [ln for ln in block.split("\n")]
        if not block.strip():
            continue
        k = next((i for i, ln in enumerate(lines) if "-->" in ln), None)
        if k is None:
            raise InputError(source, f"not an SRT file: a block has no time line ({lines[0][:40]!r})")
        a, _, b = lines[k].partition("-->")
        try:
            start, end = _parse_time(a), _parse_time(b.split()[0] if b.split() else b)
        except ValueError as exc:
            raise InputError(source, f"not an SRT file: {exc}") from None
        cues.append(Cue(start, end, "\n".join(lines[k + 1:]).strip()))
    return cues


def read_srt(path: Path) -> list[Cue]:
    try:
        return parse_srt(Path(path).read_text(encoding="utf-8-sig"), source=Path(path))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(path, f"cannot be read as UTF-8 text ({exc})") from None


# ---------------------------------------------------------------------------------------------- text layout


def _char_width(c: str) -> int:
    return 2 if unicodedata.east_asian_width(c) in "WF" else 1


def text_cols(text: str) -> int:
    return sum(_char_width(c) for c in text)


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


def _tokens(text: str) -> list[str]:
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


def wrap_lines(text: str, fits: Any = None, max_cols: int = MAX_COLS) -> list[str]:
    """Greedy wrap. ``fits(line) -> bool`` decides (pixel widths); default: at most ``max_cols`` columns."""
    fit = fits or (lambda s: text_cols(s) <= max_cols)
    lines: list[str] = []
    cur = ""
    for tok in _tokens(" ".join(text.split())):
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


def balance_lines(lines: list[str], fits: Any = None, max_cols: int = MAX_COLS) -> list[str]:
    """Two lines of similar length read better than one full line and a dangling word."""
    if len(lines) != 2:
        return lines
    fit = fits or (lambda s: text_cols(s) <= max_cols)
    toks = _tokens(join_lines(lines))
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
    toks = _tokens(" ".join(text.split()))
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


def time_blocks(blocks: list[str], start: float, end: float, *, energy: npt.NDArray[np.float64] | None = None,
                energy_step: float = 0.02, words: list[tuple[str, float, float]] | None = None) -> list[Cue]:
    """Share ``start..end`` among ``blocks`` of one spoken chunk.

    With word timings (``(word, start, end)``, absolute seconds) each block starts at its
    first word. Otherwise time is shared by text length, and each boundary moves to the
    quietest moment nearby in ``energy`` (RMS per ``energy_step`` seconds from ``start``):
    the speaker's own breath between clauses.
    """
    if not blocks:
        return []
    if len(blocks) == 1:
        return [Cue(start, end, blocks[0])]
    span = end - start
    weights = np.array([max(1, text_cols(re.sub(r"\s+", "", b))) for b in blocks], np.float64)
    bounds = list(start + span * np.cumsum(weights)[:-1] / weights.sum())
    if words:
        k = 0
        for i, b in enumerate(blocks[:-1]):
            k += len(b.split())
            if 0 < k < len(words):
                bounds[i] = words[k][1]
    elif energy is not None and energy.size:
        radius = 0.12 * span
        for i, t in enumerate(bounds):
            lo = max(0, int((t - radius - start) / energy_step))
            hi = min(energy.size, int((t + radius - start) / energy_step) + 1)
            if hi - lo >= 3:
                # Quietest window; ties go to the one nearest the proportional point.
                seg = energy[lo:hi]
                j = int(np.argmin(seg + 1e-9 * np.abs(np.arange(lo, hi) * energy_step + start - t)))
                bounds[i] = start + (lo + j + 0.5) * energy_step
    # Keep the order and a minimum length per block.
    edges = [start, *bounds, end]
    min_len = min(0.25, span / (2 * len(blocks)))
    for i in range(1, len(edges) - 1):
        edges[i] = min(max(edges[i], edges[i - 1] + min_len), end - min_len * (len(edges) - 1 - i))
    return [Cue(edges[i], edges[i + 1], b) for i, b in enumerate(blocks)]


def close_gaps(cues: list[Cue], total: float, *, max_hold: float = 1.5) -> list[Cue]:
    """Each cue stays up until the next starts (at most ``max_hold`` s after its speech ends); the last ends at
    ``total``, the audio's end."""
    out: list[Cue] = []
    for i, c in enumerate(cues):
        if i + 1 < len(cues):
            nxt = cues[i + 1].start
            end = nxt if nxt - c.end <= max_hold else c.end + max_hold
        else:
            end = total
        out.append(Cue(c.start, max(end, c.start + 0.001), c.text))
    return out


# ---------------------------------------------------------------------------------------------- fonts


_FONT_CANDIDATES: dict[str, tuple[str, ...]] = {
    "linux": (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
        "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf",
        "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf",
        "/usr/share/fonts/noto/NotoSans-Bold.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
        "/usr/share/fonts/noto-cjk/NotoSansCJK-Bold.ttc",
        "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
        "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    ),
    "win32": (
        r"C:\Windows\Fonts\segoeuib.ttf", r"C:\Windows\Fonts\arialbd.ttf", r"C:\Windows\Fonts\msyhbd.ttc",
        r"C:\Windows\Fonts\YuGothB.ttc", r"C:\Windows\Fonts\malgunbd.ttf", r"C:\Windows\Fonts\NirmalaB.ttf",
        r"C:\Windows\Fonts\Nirmala.ttf", r"C:\Windows\Fonts\arialuni.ttf",
    ),
    "darwin": (
        "/System/Library/Fonts/Supplemental/Arial Bold.ttf", "/Library/Fonts/Arial Bold.ttf",
        "/System/Library/Fonts/Helvetica.ttc", "/System/Library/Fonts/PingFang.ttc",
        "/System/Library/Fonts/Hiragino Sans GB.ttc", "/System/Library/Fonts/AppleSDGothicNeo.ttc",
        "/System/Library/Fonts/Supplemental/Arial Unicode.ttf", "/Library/Fonts/Arial Unicode.ttf",
    ),
}


def _platform_key() -> str:
    return "win32" if sys.platform == "win32" else "darwin" if sys.platform == "darwin" else "linux"


@lru_cache(maxsize=64)
def _fc_match(charset_hex: str) -> str | None:
    """fontconfig's choice of a bold sans font holding these code points (Linux/BSD)."""
    exe = shutil.which("fc-match")
    if not exe:
        return None
    try:
        out = subprocess.run([exe, "-f", "%{file}", f"sans-serif:bold:charset={charset_hex}"], capture_output=True,
                             timeout=10, check=False).stdout.decode("utf-8", "replace").strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return out if out and Path(out).is_file() else None


def font_candidates(preferred: str | None = None) -> list[str]:
    out = [p for p in (preferred, os.environ.get(ENV_FONT)) if p]
    out += [p for p in _FONT_CANDIDATES[_platform_key()] if Path(p).is_file()]
    return out


@lru_cache(maxsize=128)
def _load_font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


def _default_font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size)


@lru_cache(maxsize=4096)
def _covers(path: str, ch: str) -> bool:
    """Does the font at ``path`` have a glyph for ``ch``? (Its mask differs from the missing-glyph box.)"""
    font = _load_font(path, 24)
    try:
        got = font.getmask(ch)
        missing = font.getmask("\U0010fffd")
    except (OSError, ValueError):
        return False
    if got.size != missing.size:
        return True
    return bytes(got) != bytes(missing)


def pick_font_path(text: str, preferred: str | None = None) -> str | None:
    """The first font (preferred, $VIDGEN_CAPTION_FONT, the platform's usual ones, fontconfig's pick) that has
    every character of ``text``; None means Pillow's built-in font."""
    chars = sorted({c for c in text if not c.isspace() and unicodedata.category(c)[0] != "C"})[:400]
    cands = font_candidates(preferred)
    for p in cands:
        try:
            if all(_covers(p, c) for c in chars):
                return p
        except OSError:
            continue
    if chars:
        fc = _fc_match(" ".join(f"{ord(c):x}" for c in chars[:60]))
        if fc:
            return fc
    return cands[0] if cands else None


# ---------------------------------------------------------------------------------------------- burn-in


@dataclass(frozen=True)
class CaptionStyle:
    """How burned-in captions look. Sizes are fractions of the frame's shorter side (height for landscape)."""

    mode: Literal["outline", "box"] = "outline"
    #: Text height as a fraction of the frame's height (landscape) or width (portrait).
    font_scale: float = 0.058
    #: The smallest size, relative to ``font_scale``, before a cue is split in parts instead.
    min_scale: float = 0.72
    #: Title-safe margins: fraction of width on each side, of height at the bottom.
    side_margin: float = 0.07
    bottom_margin: float = 0.08
    text_rgb: tuple[int, int, int] = (255, 255, 255)
    outline_rgb: tuple[int, int, int] = (0, 0, 0)
    #: Outline width as a fraction of the font size.
    outline: float = 0.09
    box_rgb: tuple[int, int, int] = (0, 0, 0)
    box_opacity: float = 0.7
    line_spacing: float = 0.18
    max_lines: int = MAX_LINES
    font_path: str | None = None


@dataclass
class _Sprite:
    """A rendered cue: where it goes and what to blend (premultiplied YUV and alpha, float32)."""

    x: int
    y: int
    alpha: FloatArray
    y_fg: FloatArray
    alpha_c: FloatArray
    u_fg: FloatArray
    v_fg: FloatArray
    rgba: npt.NDArray[np.uint8] = field(repr=False)


def _rgb_to_yuv_planes(rgb: npt.NDArray[np.float32]) -> tuple[FloatArray, FloatArray, FloatArray]:
    """BT.709 limited range, same as the canvas (values in code points, float)."""
    f = rgb / 255.0
    yl = 0.2126 * f[..., 0] + 0.7152 * f[..., 1] + 0.0722 * f[..., 2]
    cb = (f[..., 2] - yl) / 1.8556
    cr = (f[..., 0] - yl) / 1.5748
    return (16.0 + 219.0 * yl).astype(np.float32), (128.0 + 224.0 * cb).astype(np.float32), \
        (128.0 + 224.0 * cr).astype(np.float32)


class CaptionOverlay:
    """Draws ``cues`` onto frames of ``frame_size`` (w, h). One cue's sprite is kept at a time."""

    def __init__(self, cues: list[Cue], frame_size: tuple[int, int], style: CaptionStyle | None = None) -> None:
        self.frame_size = frame_size
        self.style = style or CaptionStyle()
        w, h = frame_size
        short = min(h, w)
        self.base_size = max(10, round(short * self.style.font_scale))
        self.max_width = max(16, int(w * (1.0 - 2.0 * self.style.side_margin)))
        self.cues = self._fit_cues(sorted(cues, key=lambda c: c.start))
        self._starts = [c.start for c in self.cues]
        self._current: int | None = None
        self._sprite: _Sprite | None = None

    # --- layout

    def _font(self, text: str, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
        path = pick_font_path(text, self.style.font_path)
        if path is None:
            return _default_font(size)
        try:
            return _load_font(path, size)
        except OSError:
            return _default_font(size)

    def _layout(self, text: str) -> tuple[list[str], int] | None:
        """Lines and font size that fit two lines in the safe width, or None if even the smallest size does not."""
        size = self.base_size
        smallest = max(8, int(self.base_size * self.style.min_scale))
        while True:
            font = self._font(text, size)

            def fits(s: str, f: Any = font) -> bool:
                return float(f.getlength(s)) <= self.max_width

            lines = wrap_lines(join_lines(text.split("\n")), fits)
            if len(lines) <= self.style.max_lines:
                return balance_lines(lines, fits), size
            if size <= smallest:
                return None
            size = max(smallest, int(size * 0.9))

    def _fit_cues(self, cues: list[Cue]) -> list[Cue]:
        out: list[Cue] = []
        for c in cues:
            if self._layout(c.text) is not None:
                out.append(c)
                continue
            # Too long for two lines at the smallest size: show it in timed parts.
            parts = 2
            while parts < 12:
                cols = max(8, text_cols(c.text) // (parts * self.style.max_lines) + 4)
                blocks = split_caption_blocks(join_lines(c.text.split("\n")), cols, self.style.max_lines)
                if all(self._layout(b) is not None for b in blocks):
                    break
                parts += 1
            out += time_blocks(blocks, c.start, c.end)
        return out

    def cue_at(self, t: float) -> int | None:
        i = bisect.bisect_right(self._starts, t) - 1
        if i >= 0 and t < self.cues[i].end:
            return i
        return None

    def _render(self, index: int) -> _Sprite:
        st = self.style
        text = self.cues[index].text
        layout = self._layout(text)
        lines, size = layout if layout is not None else (wrap_lines(text)[: st.max_lines], self.base_size)
        font = self._font(text, size)
        stroke = max(1, round(size * st.outline)) if st.mode == "outline" else 0
        pad = max(2, int(size * 0.35)) if st.mode == "box" else stroke
        gap = int(size * st.line_spacing)
        boxes = [ImageDraw.Draw(Image.new("L", (1, 1))).textbbox((0, 0), ln, font=font, stroke_width=stroke)
                 for ln in lines]
        ascent, descent = font.getmetrics() if hasattr(font, "getmetrics") else (size, size // 4)
        line_h = ascent + descent + 2 * stroke
        widths = [int(b[2] - b[0]) for b in boxes]
        tw = max(widths) + 2 * pad
        th = line_h * len(lines) + gap * (len(lines) - 1) + 2 * pad
        img = Image.new("RGBA", (tw + 2, th + 2), (0, 0, 0, 0))
        draw = ImageDraw.Draw(img)
        yy = pad
        for ln, b, wdt in zip(lines, boxes, widths):
            xx = (tw - wdt) // 2 - int(b[0]) + 1
            if st.mode == "box":
                bx0, bx1 = (tw - wdt) // 2 - pad + 1, (tw + wdt) // 2 + pad + 1
                a = round(255 * st.box_opacity)
                draw.rounded_rectangle((bx0, yy - pad // 2, bx1, yy + line_h + pad // 2), radius=pad // 2,
                                       fill=(*st.box_rgb, a))
            draw.text((xx, yy + stroke), ln, font=font, fill=(*st.text_rgb, 255), stroke_width=stroke,
                      stroke_fill=(*st.outline_rgb, 255))
            yy += line_h + gap
        w, h = self.frame_size
        rgba = np.asarray(img, dtype=np.uint8)
        ih, iw = rgba.shape[:2]
        # Even position (4:2:0 chroma), centred, bottom at the safe margin, clipped into the frame.
        x = max(0, min(w - iw, (w - iw) // 2)) & ~1
        y = max(0, min(h - ih, h - int(h * st.bottom_margin) - ih)) & ~1
        rgba = rgba[: h - y, : w - x]
        ih, iw = rgba.shape[:2]
        alpha = rgba[..., 3].astype(np.float32) / 255.0
        yf, uf, vf = _rgb_to_yuv_planes(rgba[..., :3].astype(np.float32))
        # Chroma: premultiplied average over 2x2 blocks.
        eh, ew = ih + (ih % 2), iw + (iw % 2)

        def pad2(a: FloatArray) -> FloatArray:
            return np.pad(a, ((0, eh - ih), (0, ew - iw)))

        a2 = pad2(alpha)
        ac = 0.25 * (a2[0::2, 0::2] + a2[1::2, 0::2] + a2[0::2, 1::2] + a2[1::2, 1::2])
        up, vp = pad2(uf * alpha), pad2(vf * alpha)
        uc = 0.25 * (up[0::2, 0::2] + up[1::2, 0::2] + up[0::2, 1::2] + up[1::2, 1::2])
        vc = 0.25 * (vp[0::2, 0::2] + vp[1::2, 0::2] + vp[0::2, 1::2] + vp[1::2, 1::2])
        return _Sprite(x, y, alpha, (yf * alpha).astype(np.float32), ac.astype(np.float32), uc.astype(np.float32),
                       vc.astype(np.float32), rgba)

    def sprite_at(self, t: float) -> _Sprite | None:
        i = self.cue_at(t)
        if i is None:
            return None
        if i != self._current:
            self._sprite, self._current = self._render(i), i
        return self._sprite

    # --- blending

    def apply_yuv(self, y: Plane, u: Plane, v: Plane, t: float) -> bool:
        """Blend the caption showing at ``t`` seconds into the planes, in place. True if one was drawn."""
        sp = self.sprite_at(t)
        if sp is None:
            return False
        ih, iw = sp.alpha.shape
        roi = y[sp.y:sp.y + ih, sp.x:sp.x + iw]
        roi[...] = np.clip(roi * (1.0 - sp.alpha) + sp.y_fg + 0.5, 0, 255).astype(np.uint8)
        ch, cw = sp.alpha_c.shape
        cy, cx = sp.y // 2, sp.x // 2
        for plane, fg in ((u, sp.u_fg), (v, sp.v_fg)):
            r = plane[cy:cy + ch, cx:cx + cw]
            hh, ww = r.shape
            r[...] = np.clip(r * (1.0 - sp.alpha_c[:hh, :ww]) + fg[:hh, :ww] + 0.5, 0, 255).astype(np.uint8)
        return True

    def apply_rgb(self, rgb: npt.NDArray[np.uint8], t: float) -> bool:
        """Blend into an (h, w, 3) uint8 RGB frame in place. True if a caption was drawn."""
        sp = self.sprite_at(t)
        if sp is None:
            return False
        ih, iw = sp.alpha.shape
        a = sp.alpha[..., None]
        roi = rgb[sp.y:sp.y + ih, sp.x:sp.x + iw]
        roi[...] = np.clip(roi * (1.0 - a) + sp.rgba[..., :3].astype(np.float32) * a + 0.5, 0, 255).astype(np.uint8)
        return True


class CaptionedWriter:
    """Wraps an encoder's ``write(y, u, v)``: burns each frame's caption in before passing the frame on.

    Frames are counted as they are written (frame ``i`` shows at ``i / fps`` seconds), so
    it works for any producer that writes frames in order (Ken Burns, the AI tiers).
    Planes may be numpy arrays, memoryviews or bytes; read-only ones are copied when a
    caption is drawn on them, writable ones are drawn on in place.
    """

    def __init__(self, write: Any, overlay: CaptionOverlay, fps: float, start_frame: int = 0) -> None:
        self.write = write
        self.overlay = overlay
        self.fps = fps
        self.frame = start_frame

    def __call__(self, *planes: Any) -> None:
        t = self.frame / self.fps
        self.frame += 1
        if self.overlay.cue_at(t) is None:
            self.write(*planes)
            return
        w, h = self.overlay.frame_size
        shapes = ((h, w), (h // 2, w // 2), (h // 2, w // 2))
        if len(planes) == 1:  # one packed I420 buffer
            flat = np.frombuffer(planes[0], np.uint8)
            if not flat.flags.writeable:
                flat = flat.copy()
            sizes = [a * b for a, b in shapes]
            arrays = [flat[sum(sizes[:k]):sum(sizes[:k + 1])].reshape(shapes[k]) for k in range(3)]
            self.overlay.apply_yuv(arrays[0], arrays[1], arrays[2], t)
            self.write(flat.data)
            return
        out = []
        for p, shape in zip(planes, shapes):
            arr = np.frombuffer(p, np.uint8) if not isinstance(p, np.ndarray) else p
            if not arr.flags.writeable:
                arr = arr.copy()
            out.append(arr.reshape(shape))
        self.overlay.apply_yuv(out[0], out[1], out[2], t)
        self.write(*(a.data for a in out))


def captioned_writer(write: Any, cues: list[Cue] | tuple[Cue, ...], frame_size: tuple[int, int], fps: float,
                     style: CaptionStyle | None = None) -> Any:
    """``--captions burn``: wrap ``encoder.write`` so every frame gets its caption (``write`` itself without cues)."""
    if not cues:
        return write
    return CaptionedWriter(write, CaptionOverlay(list(cues), frame_size, style), fps)


def shift_cues(cues: list[Cue], offset: float) -> list[Cue]:
    return [replace(c, start=c.start + offset, end=c.end + offset) for c in cues]
