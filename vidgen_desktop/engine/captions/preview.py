"""One frame of the video with its burned caption, for the window's caption editor (no encoder, no audio)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from vidgen_desktop.core.caption_look import CaptionLook
from vidgen_desktop.core.jobs import Fit
from vidgen_desktop.engine.canvas import fit_canvas
from vidgen_desktop.engine.captions.cue import Cue
from vidgen_desktop.engine.captions.overlay import CaptionOverlay
from vidgen_desktop.engine.captions.style import style_for
from vidgen_desktop.engine.image_io import open_image


def preview_size(aspect: tuple[int, int] | None, picture: tuple[int, int], short_side: int = 360) -> tuple[int, int]:
    """An even frame size of the video's shape (the picture's own for ``aspect=None``) with ``short_side``."""
    aw, ah = aspect or picture
    if aw >= ah:
        w, h = short_side * aw / ah, float(short_side)
    else:
        w, h = float(short_side), short_side * ah / aw
    return 2 * round(w / 2), 2 * round(h / 2)


def caption_preview(image: Path, cues: Sequence[Cue], t: float, look: CaptionLook | None, *,
                    aspect: tuple[int, int] | None = (16, 9), fit: Fit = Fit.BLUR,
                    short_side: int = 360) -> npt.NDArray[np.uint8]:
    """The picture fitted to the video's shape with the caption showing at ``t`` seconds burned in, as RGB."""
    picture = open_image(image, want=(short_side * 2, short_side * 2))
    size = preview_size(aspect, picture.size, short_side)
    canvas = fit_canvas(picture, size, fit, 1.0)
    ch, cw = canvas.shape[:2]
    x0, y0 = (cw - size[0]) // 2, (ch - size[1]) // 2
    frame = np.ascontiguousarray(canvas[y0:y0 + size[1], x0:x0 + size[0]])
    CaptionOverlay(list(cues), size, style_for(look)).apply_rgb(frame, t)
    return frame
