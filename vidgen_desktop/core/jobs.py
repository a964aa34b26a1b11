"""What a render is asked to do: the data that crosses from the CLI/UI into the engine."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from vidgen_desktop.core.errors import UsageError
from vidgen_desktop.core.overlays import OverlaySpec


class Tier(str, Enum):
    """Generation tiers, weakest first. ``AUTO`` lets the hardware decide."""

    AUTO = "auto"
    KENBURNS = "kenburns"
    ANIMATEDIFF = "animatediff"
    SVD = "svd"
    SVD_XT = "svd-xt"
    LTX = "ltx-video"
    WAN = "wan2.2-ti2v-5b"

    @property
    def label(self) -> str:
        return _TIER_LABELS[self]

    @property
    def is_ai(self) -> bool:
        return self not in (Tier.AUTO, Tier.KENBURNS)


_TIER_LABELS = {
    Tier.AUTO: "Automatic",
    Tier.KENBURNS: "Ken Burns pan & zoom",
    Tier.ANIMATEDIFF: "AnimateDiff",
    Tier.SVD: "Stable Video Diffusion",
    Tier.SVD_XT: "Stable Video Diffusion XT",
    Tier.LTX: "LTX-Video",
    Tier.WAN: "Wan2.2 TI2V-5B",
}

#: Generation tiers from weakest to strongest (fallback walks this backwards).
TIER_ORDER: tuple[Tier, ...] = (Tier.KENBURNS, Tier.ANIMATEDIFF, Tier.SVD, Tier.SVD_XT, Tier.LTX, Tier.WAN)


class Transition(str, Enum):
    """How one picture of a slideshow gives way to the next (on a downbeat, or a pause in speech)."""

    CROSSFADE = "crossfade"
    CUT = "cut"


class Fit(str, Enum):
    """How a picture of another shape fills the frame."""

    BLUR = "blur"  # whole picture, blurred copy of itself behind it
    CROP = "crop"  # fill the frame, cut the overflow
    PAD = "pad"  # whole picture, black bars


class Quality(str, Enum):
    DRAFT = "draft"
    STANDARD = "standard"
    HIGH = "high"


class Motion(str, Enum):
    """Ken Burns motion presets."""

    AUTO = "auto"
    ZOOM_IN = "zoom-in"
    ZOOM_OUT = "zoom-out"
    PAN_LEFT = "pan-left"
    PAN_RIGHT = "pan-right"
    PAN_UP = "pan-up"
    PAN_DOWN = "pan-down"


class Sync(str, Enum):
    """How the Ken Burns camera follows the sound (``AUTO``: music gets beats and phrases, speech calm moves
    that change at its pauses)."""

    AUTO = "auto"
    BEATS = "beats"  # pulses on strong downbeats and accents, the usual move otherwise
    PHRASES = "phrases"  # moves that change at section and phrase boundaries, no pulses
    OFF = "off"


#: How much the camera pulses on the beat when nothing else is said (0..1).
DEFAULT_ENERGY = 0.5


def parse_energy(value: float | str) -> float:
    try:
        energy = float(value)
    except ValueError:
        raise UsageError(f"energy {value!r} is not a number (give 0 to 1, e.g. 0.5)") from None
    if not 0.0 <= energy <= 1.0:  # NaN fails this too
        raise UsageError(f"energy {value!r} must be between 0 (no pulse) and 1 (strongest pulse)")
    return energy


RESOLUTION_PRESETS: dict[str, int] = {"480p": 480, "720p": 720, "1080p": 1080, "1440p": 1440, "2160p": 2160}
ASPECTS: dict[str, tuple[int, int] | None] = {"16:9": (16, 9), "9:16": (9, 16), "1:1": (1, 1), "4:5": (4, 5), "source": None}
MAX_DIMENSION = 4096  # H.264 level 5.2 limit area; 4K UHD fits
MIN_DIMENSION = 64


@dataclass(frozen=True)
class Resolution:
    """Either a preset (short side in pixels, shape from the aspect) or exact ``WxH``."""

    short_side: int | None = None
    width: int | None = None
    height: int | None = None

    @classmethod
    def parse(cls, text: str) -> Resolution:
        t = text.strip().lower()
        if t in RESOLUTION_PRESETS:
            return cls(short_side=RESOLUTION_PRESETS[t])
        m = re.fullmatch(r"(\d+)\s*[x×]\s*(\d+)", t)
        if not m:
            raise UsageError(f"resolution {text!r} is not one of {', '.join(RESOLUTION_PRESETS)} or WIDTHxHEIGHT")
        w, h = int(m.group(1)), int(m.group(2))
        for v in (w, h):
            if not MIN_DIMENSION <= v <= MAX_DIMENSION:
                raise UsageError(f"resolution {text!r}: each side must be between {MIN_DIMENSION} and {MAX_DIMENSION} pixels")
        return cls(width=w, height=h)

    def __str__(self) -> str:
        if self.short_side is not None:
            return f"{self.short_side}p"
        return f"{self.width}x{self.height}"

    def frame_size(self, aspect: tuple[int, int]) -> tuple[int, int]:
        """Even output dimensions for this resolution at ``aspect`` (w, h)."""
        if self.width is not None and self.height is not None:
            return _even(self.width), _even(self.height)
        assert self.short_side is not None
        aw, ah = aspect
        s = float(self.short_side)
        if aw >= ah:
            w, h = s * aw / ah, s
        else:
            w, h = s, s * ah / aw
        return _even(w), _even(h)


def _even(v: float) -> int:
    """Nearest even size (854x480 for 16:9 480p): H.264 with 4:2:0 chroma needs even sizes."""
    return max(2, 2 * round(v / 2))


def parse_aspect(text: str) -> tuple[int, int] | None:
    t = text.strip().lower()
    if t in ASPECTS:
        return ASPECTS[t]
    m = re.fullmatch(r"(\d+)\s*:\s*(\d+)", t)
    if m and int(m.group(1)) > 0 and int(m.group(2)) > 0:
        return int(m.group(1)), int(m.group(2))
    raise UsageError(f"aspect {text!r} is not one of {', '.join(ASPECTS)} or W:H")


def parse_fps(value: float | str) -> float:
    try:
        fps = float(value)
    except ValueError:
        raise UsageError(f"fps {value!r} is not a number") from None
    if not 1 <= fps <= 120:
        raise UsageError(f"fps {value!r} must be between 1 and 120")
    return fps


@dataclass(frozen=True)
class RenderJob:
    """A complete, validated description of one render.

    ``None`` for resolution/fps means "use the tier's default"; the engine resolves
    them against the hardware decision before rendering.
    """

    image: Path
    audio: Path
    output: Path
    tier: Tier = Tier.AUTO
    resolution: Resolution | None = None
    fps: float | None = None
    aspect: tuple[int, int] | None = (16, 9)  # None = the image's own shape
    fit: Fit = Fit.BLUR
    quality: Quality = Quality.STANDARD
    motion: Motion = Motion.AUTO
    seed: int | None = None
    #: Audiogram overlays (visualizer, progress line, title); none by default.
    overlays: OverlaySpec = field(default_factory=OverlaySpec)
    #: Slideshow: the pictures after ``image``, in order (empty: one picture). See :attr:`images`.
    more_images: tuple[Path, ...] = ()
    #: Slideshow: how a picture gives way to the next.
    transition: Transition = Transition.CROSSFADE
    #: Camera and sound: see :class:`Sync`; ``energy`` (0..1) sizes the beat pulses.
    sync: Sync = Sync.AUTO
    energy: float = DEFAULT_ENERGY

    @property
    def images(self) -> tuple[Path, ...]:
        """Every picture, in order: ``image`` first, then ``more_images``."""
        return (self.image, *self.more_images)

    @property
    def is_slideshow(self) -> bool:
        return bool(self.more_images)
