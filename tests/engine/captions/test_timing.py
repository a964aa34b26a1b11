"""Cue timing: blocks share a chunk's time, snap to pauses, and hold until the next cue."""

from __future__ import annotations

import numpy as np
import pytest

from vidgen_desktop.engine.captions.cue import Cue
from vidgen_desktop.engine.captions.timing import close_gaps, time_blocks


def test_time_blocks_share_by_length_and_snap_to_pauses() -> None:
    blocks = ["short one", "a much longer second block of text"]
    cues = time_blocks(blocks, 10.0, 14.0)
    assert cues[0].start == 10.0 and cues[-1].end == 14.0 and cues[0].end == cues[1].start
    assert cues[0].duration < cues[1].duration
    # A clear pause near the proportional point (10.9 s) in the speech pulls the boundary there.
    energy = np.ones(200)
    energy[57:63] = 0.0  # 11.14–11.26 s
    snapped = time_blocks(blocks, 10.0, 14.0, energy=energy, energy_step=0.02)
    assert abs(snapped[0].end - 11.2) < 0.05
    words = [("short", 10.0, 10.3), ("one", 10.3, 10.6), ("a", 11.0, 11.1)] + [("w", 11.1 + i, 11.2 + i)
                                                                               for i in range(6)]
    assert time_blocks(blocks, 10.0, 14.0, words=words)[1].start == 11.0


def test_close_gaps_holds_cues_and_ends_at_the_audio() -> None:
    cues = close_gaps([Cue(0.1, 1.0, "a"), Cue(1.4, 2.0, "b"), Cue(6.0, 7.0, "c")], 7.4)
    assert cues[0].end == 1.4  # up until the next one
    assert cues[1].end == pytest.approx(3.5)  # not through a long silence
    assert cues[2].end == 7.4
