"""Burned-in captions: placement, contrast, RGB and YUV frames, long cues in parts, the writer."""

from __future__ import annotations

import numpy as np
import pytest

from tests.engine.captions.conftest import luma_frame
from vidgen_desktop.engine.canvas import yuv420_to_rgb
from vidgen_desktop.engine.captions import CaptionOverlay, CaptionStyle, Cue, captioned_writer


@pytest.mark.parametrize("mode", ["outline", "box"])
@pytest.mark.parametrize("level", [10, 245])
def test_burned_captions_are_readable_on_dark_and_bright_pictures(mode: str, level: int) -> None:
    w, h = 640, 360
    overlay = CaptionOverlay([Cue(1.0, 2.0, "Readable on any picture, inside the safe area")], (w, h),
                             CaptionStyle(mode=mode))  # type: ignore[arg-type]
    y, u, v = luma_frame(w, h, level)
    before = y.copy()
    assert not overlay.apply_yuv(y, u, v, 0.5)  # no cue yet
    assert overlay.apply_yuv(y, u, v, 1.5)
    changed = np.argwhere(y != before)
    top, left = changed.min(axis=0)
    bottom, right = changed.max(axis=0)
    assert bottom < h * (1 - 0.08) + 1 and top > h * 0.6  # bottom third, above the safe margin
    assert left >= w * 0.07 - 2 and right <= w * 0.93 + 2  # inside the side margins
    region = y[top:bottom + 1, left:right + 1]
    # White text and dark outline/box both present: contrast whatever the picture.
    assert region.max() > 220 and region.min() < (40 if mode == "outline" else 100)
    assert not overlay.apply_yuv(y, u, v, 2.0)  # end is exclusive


def test_overlay_matches_on_rgb_and_yuv_frames() -> None:
    w, h = 320, 180
    overlay = CaptionOverlay([Cue(0.0, 1.0, "Same picture")], (w, h))
    rgb = np.full((h, w, 3), 128, np.uint8)
    y, u, v = luma_frame(w, h, 128)
    overlay.apply_rgb(rgb, 0.5)
    overlay.apply_yuv(y, u, v, 0.5)
    back = yuv420_to_rgb(y, u, v)
    assert np.abs(back.astype(int) - rgb.astype(int)).mean() < 6


def test_too_long_cues_are_shown_in_parts_of_at_most_two_lines() -> None:
    text = " ".join(["captioning"] * 40)
    overlay = CaptionOverlay([Cue(0.0, 10.0, text)], (360, 640))  # portrait: narrow
    assert len(overlay.cues) > 1
    assert overlay.cues[0].start == 0.0 and overlay.cues[-1].end == 10.0
    for c in overlay.cues:
        layout = overlay._layout(c.text)
        assert layout is not None and len(layout[0]) <= 2
    assert " ".join(c.text.replace("\n", " ") for c in overlay.cues).split() == text.split()


def test_captioned_writer_burns_frames_in_order_whatever_the_buffer_type() -> None:
    w, h, fps = 160, 90, 10.0
    got: list[tuple[bytes, ...]] = []
    write = captioned_writer(lambda *p: got.append(tuple(bytes(x) for x in p)), [Cue(0.2, 0.4, "Hi")], (w, h), fps)
    plain = captioned_writer(got.append, [], (w, h), fps)
    assert plain == got.append  # no cues: the encoder's own write
    y, u, v = luma_frame(w, h, 50)
    for i in range(5):
        kind = i % 3
        planes = [p.copy() for p in (y, u, v)]
        if kind == 1:
            write(*(bytes(p) for p in planes))  # read-only buffers are copied
        elif kind == 2:
            write(b"".join(bytes(p) for p in planes))  # one packed I420 buffer
        else:
            write(*(p.data for p in planes))  # writable memoryviews, drawn in place
    base = bytes(y)
    drawn = [b"".join(f)[: w * h] != base for f in got]
    assert drawn == [False, False, True, True, False]  # frames 2 and 3 are 0.2 s and 0.3 s
