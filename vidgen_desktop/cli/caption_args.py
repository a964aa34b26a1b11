"""``render … --captions burn --caption-style karaoke``: how burned captions look."""

from __future__ import annotations

import argparse

from vidgen_desktop.core.caption_look import CAPTION_POSITIONS, CAPTION_STYLES, SIZE_RANGE, CaptionLook, parse_colour
from vidgen_desktop.core.errors import UsageError

_FLAGS = ("caption_style", "caption_size", "caption_color", "caption_highlight", "caption_position",
          "caption_outline", "caption_shadow")


def add_caption_look_arguments(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("burned captions (with --captions burn)")
    g.add_argument("--caption-style", choices=CAPTION_STYLES,
                   help="classic: one or two lines (default); karaoke: the spoken word lights up as it is said; "
                        "word: one to three words at a time, large")
    g.add_argument("--caption-size", type=float, metavar="PERCENT",
                   help=f"text height in percent of the video's height ({SIZE_RANGE[0]:g}–{SIZE_RANGE[1]:g}; "
                        "default: the style's size for the shape)")
    g.add_argument("--caption-color", "--caption-colour", dest="caption_color", metavar="COLOUR",
                   help="text colour: #RRGGBB or a name (white, yellow, ...; default white)")
    g.add_argument("--caption-highlight", metavar="COLOUR",
                   help="colour of the word being said in the karaoke and word styles (default yellow)")
    g.add_argument("--caption-position", choices=CAPTION_POSITIONS,
                   help="bottom (default), middle or top of the shape's safe area")
    g.add_argument("--caption-outline", type=float, metavar="PERCENT",
                   help="outline width in percent of the text size (default 9; 0: none)")
    g.add_argument("--caption-shadow", type=float, metavar="PERCENT",
                   help="drop shadow offset in percent of the text size (default 6; 0: none)")


def look_from_args(args: argparse.Namespace) -> CaptionLook | None:
    """The look asked for, ``None`` when no caption option was given; a :class:`UsageError` when they make no sense
    (bad colour, size out of range, or the captions are not burned)."""
    given = [f"--{n.replace('_', '-')}" for n in _FLAGS if getattr(args, n, None) is not None]
    if not given:
        return None
    burned = getattr(args, "captions", None) in ("burn", "auto") or getattr(args, "captions_file", None) is not None
    if not burned:
        raise UsageError(f"{', '.join(given)} go with burned captions (--captions burn or auto, or --captions-file): "
                         "they change captions drawn into the video")
    base = CaptionLook()

    def pct(value: float | None, default: float) -> float:
        return default if value is None else value / 100.0

    return CaptionLook(
        style=args.caption_style or base.style,
        size=None if args.caption_size is None else args.caption_size / 100.0,
        colour=parse_colour(args.caption_color) if args.caption_color else base.colour,
        highlight=parse_colour(args.caption_highlight) if args.caption_highlight else base.highlight,
        outline=pct(args.caption_outline, base.outline),
        shadow=pct(args.caption_shadow, base.shadow),
        position=args.caption_position or base.position,
    )
