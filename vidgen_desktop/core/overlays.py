"""Audiogram overlays asked for by a render: a visualizer, a progress line, a title. Plain data, cheap to build."""

from __future__ import annotations

from dataclasses import dataclass

from vidgen_desktop.core.errors import UsageError

#: ``--visualizer`` values; ``none`` is the default (overlays are opt-in).
VISUALIZERS: tuple[str, ...] = ("none", "bars", "wave")
#: ``--title`` keywords; anything else is the title text itself.
TITLE_NONE, TITLE_AUTO = "none", "auto"
#: A title longer than this is almost certainly a mistake (a pasted lyric sheet).
MAX_TITLE_CHARS = 200


@dataclass(frozen=True)
class OverlaySpec:
    """What to draw over the picture. ``title`` is ``none``, ``auto`` (from the audio's tags) or the text to show."""

    visualizer: str = "none"
    progress: bool = False
    title: str = TITLE_NONE

    def __post_init__(self) -> None:
        if self.visualizer not in VISUALIZERS:
            raise UsageError(f"visualizer {self.visualizer!r} is not one of {', '.join(VISUALIZERS)}")
        if len(self.title) > MAX_TITLE_CHARS:
            raise UsageError(f"the title is {len(self.title)} characters long; at most {MAX_TITLE_CHARS} fit a video")

    @property
    def active(self) -> bool:
        return self.visualizer != "none" or self.progress or self.has_title

    @property
    def has_title(self) -> bool:
        return self.title.strip() not in ("", TITLE_NONE)


def parse_title(text: str | None) -> str:
    """``--title``: ``none``/``auto`` keep their meaning (any case); other text is shown as given, trimmed."""
    if text is None:
        return TITLE_NONE
    t = text.strip()
    if t.lower() in (TITLE_NONE, TITLE_AUTO, ""):
        return t.lower() or TITLE_NONE
    return t
