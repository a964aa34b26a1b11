"""The audiogram options of ``render`` (and of every command that renders): visualizer, progress line, title."""

from __future__ import annotations

import argparse
from typing import Any

from vidgen_desktop.core.overlays import VISUALIZERS, OverlaySpec, parse_title


def add_overlay_arguments(p: Any) -> None:
    g = p.add_argument_group("audiogram overlays (off by default)")
    g.add_argument("--visualizer", default="none", choices=VISUALIZERS,
                   help="spectrum bars or a waveform that follow the sound, in a colour taken from the picture")
    g.add_argument("--progress-line", action="store_true", help="a thin line along the bottom that fills as it plays")
    g.add_argument("--title", metavar="auto|TEXT|none", default="none",
                   help="a title card: 'auto' reads title and artist from the audio's tags (else its file name)")


def overlays_from_args(args: argparse.Namespace) -> OverlaySpec:
    return OverlaySpec(visualizer=getattr(args, "visualizer", "none") or "none",
                       progress=bool(getattr(args, "progress_line", False)),
                       title=parse_title(getattr(args, "title", None)))
