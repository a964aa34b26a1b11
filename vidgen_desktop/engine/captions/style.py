"""The user's :class:`~vidgen_desktop.core.caption_look.CaptionLook` as the drawing's :class:`CaptionStyle`."""

from __future__ import annotations

from typing import Literal, cast

from vidgen_desktop.core.caption_look import CaptionLook
from vidgen_desktop.engine.captions.drawing import CaptionStyle

Kind = Literal["classic", "karaoke", "word"]
Position = Literal["bottom", "middle", "top"]


def style_for(look: CaptionLook | None) -> CaptionStyle:
    """The drawing style for ``look`` (``None``: the default look)."""
    look = look or CaptionLook()
    return CaptionStyle(
        kind=cast(Kind, look.style),
        height_scale=look.size,
        text_rgb=look.colour,
        highlight_rgb=look.highlight,
        outline=look.outline,
        shadow=look.shadow,
        position=cast(Position, look.position),
    )
