"""How burned captions look: plain data that crosses from the CLI and the window into the engine.

It lives in ``core`` (no engine import) so the window can build one at start-up cost zero;
:func:`vidgen_desktop.engine.captions.style.style_for` turns it into the drawing style.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from vidgen_desktop.core.errors import UsageError

CAPTION_STYLES = ("classic", "karaoke", "word")
CAPTION_POSITIONS = ("bottom", "middle", "top")
#: ``--caption-size`` is a percentage of the frame's height, within these bounds.
SIZE_RANGE = (2.0, 15.0)

#: Colour names the CLI and the window accept besides ``#RRGGBB``.
COLOUR_NAMES: dict[str, tuple[int, int, int]] = {
    "white": (255, 255, 255), "black": (0, 0, 0), "yellow": (255, 214, 0), "gold": (255, 190, 30),
    "red": (235, 40, 40), "green": (60, 210, 90), "blue": (60, 140, 255), "cyan": (0, 220, 230),
    "magenta": (230, 60, 200), "orange": (255, 140, 0), "pink": (255, 120, 180), "grey": (160, 160, 160),
    "gray": (160, 160, 160),
}

RGB = tuple[int, int, int]


def parse_colour(text: str) -> RGB:
    """``#RRGGBB``, ``RRGGBB``, ``#RGB`` or a colour name (``yellow``); a :class:`UsageError` otherwise."""
    t = text.strip().lower()
    if t in COLOUR_NAMES:
        return COLOUR_NAMES[t]
    m = re.fullmatch(r"#?([0-9a-f]{6}|[0-9a-f]{3})", t)
    if not m:
        raise UsageError(f"colour {text!r} is not #RRGGBB or one of {', '.join(sorted(COLOUR_NAMES))}")
    h = m.group(1)
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def colour_hex(rgb: RGB) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


@dataclass(frozen=True)
class CaptionLook:
    """The user's caption settings.

    ``style``: ``classic`` (one or two lines), ``karaoke`` (the spoken word highlighted as it
    is said) or ``word`` (one to three words at a time, large). ``size`` is the text height
    as a fraction of the frame's height (``None``: the style's own size for the frame's
    shape). ``outline`` and ``shadow`` are fractions of the text size (0 turns them off).
    ``position`` is inside the shape's safe area (9:16 keeps clear of the phone app's buttons).
    """

    style: str = "classic"
    size: float | None = None
    colour: RGB = (255, 255, 255)
    highlight: RGB = (255, 214, 0)
    outline: float = 0.09
    shadow: float = 0.06
    position: str = "bottom"

    def __post_init__(self) -> None:
        if self.style not in CAPTION_STYLES:
            raise UsageError(f"caption style {self.style!r} is not one of {', '.join(CAPTION_STYLES)}")
        if self.position not in CAPTION_POSITIONS:
            raise UsageError(f"caption position {self.position!r} is not one of {', '.join(CAPTION_POSITIONS)}")
        lo, hi = SIZE_RANGE
        if self.size is not None and not lo / 100 <= self.size <= hi / 100:
            raise UsageError(f"caption size {self.size * 100:g}% must be between {lo:g}% and {hi:g}% "
                             "of the frame's height")
        if not 0.0 <= self.outline <= 0.3 or not 0.0 <= self.shadow <= 0.3:
            raise UsageError("caption outline and shadow must be between 0 and 0.3 of the text size")
