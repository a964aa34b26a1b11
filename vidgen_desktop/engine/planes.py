"""Drawing on frames on their way to the encoder: frame producers hand over planes in several forms.

Ken Burns passes three memoryviews of its own (writable) arrays, the AI tiers one packed
I420 buffer; an overlay needs three writable numpy planes either way, and the encoder
needs the same form back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

Plane = npt.NDArray[np.uint8]


def writable_planes(planes: tuple[Any, ...], frame_size: tuple[int, int]) -> tuple[Plane, Plane, Plane, tuple[Any, ...]]:
    """(y, u, v, what to pass on): numpy views to draw on in place, copied only where the producer's are read-only."""
    w, h = frame_size
    shapes = ((h, w), (h // 2, w // 2), (h // 2, w // 2))
    if len(planes) == 1:  # one packed I420 buffer
        flat = np.frombuffer(planes[0], np.uint8)
        if not flat.flags.writeable:
            flat = flat.copy()
        sizes = [a * b for a, b in shapes]
        y = flat[: sizes[0]].reshape(shapes[0])
        u = flat[sizes[0]: sizes[0] + sizes[1]].reshape(shapes[1])
        v = flat[sizes[0] + sizes[1]: sum(sizes)].reshape(shapes[2])
        return y, u, v, (flat.data,)
    out = []
    for p, shape in zip(planes, shapes):
        arr = p if isinstance(p, np.ndarray) else np.frombuffer(p, np.uint8)
        if not arr.flags.writeable:
            arr = arr.copy()
        out.append(arr.reshape(shape))
    return out[0], out[1], out[2], tuple(a.data for a in out)


class DrawingWriter:
    """Wraps ``write(y, u, v)``: ``draw(y, u, v, frame_index)`` runs on every frame before it is passed on."""

    def __init__(self, write: Callable[..., None], draw: Callable[[Plane, Plane, Plane, int], None],
                 frame_size: tuple[int, int], start_frame: int = 0) -> None:
        self.write = write
        self.draw = draw
        self.frame_size = frame_size
        self.frame = start_frame

    def __call__(self, *planes: Any) -> None:
        y, u, v, out = writable_planes(planes, self.frame_size)
        self.draw(y, u, v, self.frame)
        self.frame += 1
        self.write(*out)
