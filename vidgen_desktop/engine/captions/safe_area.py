"""Where captions may go in a frame of each shape.

* Tall frames (9:16 and the like, height ≥ 1.5 × width) are watched in phone apps that
  cover the bottom (caption, music, progress bar: ~20 %), the right edge (like, comment,
  share buttons: ~12 %) and the top (account name, search: ~10 %).
* Square-ish frames (1:1, 4:5) are feed posts: a little more room at the bottom.
* Landscape frames (16:9) use the broadcast title-safe margins.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SafeArea:
    """A rectangle in pixels: ``left <= x < right``, ``top <= y < bottom``."""

    left: int
    top: int
    right: int
    bottom: int

    @property
    def width(self) -> int:
        return self.right - self.left

    @property
    def height(self) -> int:
        return self.bottom - self.top

    def contains(self, x0: int, y0: int, x1: int, y1: int) -> bool:
        """Whether the box ``[x0, x1) × [y0, y1)`` lies inside."""
        return self.left <= x0 and x1 <= self.right and self.top <= y0 and y1 <= self.bottom


#: Margins as fractions of the frame: (left, top, right, bottom).
PORTRAIT_MARGINS = (0.06, 0.10, 0.12, 0.20)
SQUARE_MARGINS = (0.07, 0.08, 0.07, 0.12)
LANDSCAPE_MARGINS = (0.07, 0.08, 0.07, 0.08)


def margins_for(frame_size: tuple[int, int]) -> tuple[float, float, float, float]:
    w, h = frame_size
    if h >= 1.5 * w:
        return PORTRAIT_MARGINS
    if h >= 0.9 * w:
        return SQUARE_MARGINS
    return LANDSCAPE_MARGINS


def safe_area(frame_size: tuple[int, int]) -> SafeArea:
    """The caption-safe rectangle of a ``(width, height)`` frame."""
    w, h = frame_size
    left, top, right, bottom = margins_for(frame_size)
    return SafeArea(round(w * left), round(h * top), w - round(w * right), h - round(h * bottom))
