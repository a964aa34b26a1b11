"""What a dropped file is, and what the window shows for it (thumbnail, duration, waveform).

The functions here block (they decode files) and run on the background pool. They
import the engine lazily so that start-up does not pay for numpy, Pillow or ffmpeg.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from vidgen_desktop.core.errors import InputError

#: Points in the waveform envelope (the widget draws one bar per few points).
ENVELOPE_POINTS = 240


class InputKind(str, Enum):
    IMAGE = "image"
    AUDIO = "audio"


def image_extensions() -> frozenset[str]:
    from vidgen_desktop.engine.image_io import IMAGE_EXTENSIONS

    return IMAGE_EXTENSIONS


def audio_extensions() -> frozenset[str]:
    from vidgen_desktop.engine.media import AUDIO_EXTENSIONS

    return AUDIO_EXTENSIONS


def classify(path: Path) -> InputKind | None:
    """By extension: pictures first (a .gif is a picture), then sound (a .mp4's sound track counts)."""
    suffix = path.suffix.lower()
    if suffix in image_extensions():
        return InputKind.IMAGE
    if suffix in audio_extensions():
        return InputKind.AUDIO
    return None


_ACCEPTS = "a picture (JPEG, PNG, WebP, TIFF, BMP, GIF) or a sound file (MP3, WAV, M4A, AAC, FLAC, OGG, Opus)"


def unsupported_message(path: Path) -> str:
    """A one-liner for a file we don't take, saying what we do take."""
    if path.is_dir():
        return f"“{path.name}” is a folder. Drop {_ACCEPTS}."
    kind = f"“{path.suffix}” files" if path.suffix else "Files without an extension"
    return f"{kind} can't be used (“{path.name}”). Drop {_ACCEPTS}."


@dataclass(frozen=True)
class ImagePreview:
    path: Path
    thumbnail: Any  # numpy uint8 (H, W, 3), EXIF orientation applied


@dataclass(frozen=True)
class AudioPreview:
    path: Path
    duration_s: float
    codec: str
    sample_rate: int
    channels: int
    envelope: Any  # numpy float32 in [0, 1]


def inspect_image(path: Path, max_side: int) -> ImagePreview:
    """Decode a thumbnail; raises :class:`InputError` for unreadable or non-image files."""
    from vidgen_desktop.engine.image_io import load_thumbnail

    return ImagePreview(path, load_thumbnail(path, max_side))


def inspect_audio(path: Path, points: int = ENVELOPE_POINTS) -> AudioPreview:
    """Probe (real, decoded duration) and compute the loudness envelope; raises :class:`InputError`."""
    from vidgen_desktop.engine.media import audio_envelope, probe_audio

    info = probe_audio(path)
    try:
        envelope = audio_envelope(path, points)
    except InputError:
        raise
    except Exception:  # noqa: BLE001 - the waveform is decoration: a flat line beats refusing the file
        import numpy as np

        envelope = np.zeros(points, dtype=np.float32)
    return AudioPreview(path, info.duration_s, info.codec, info.sample_rate, info.channels, envelope)


def sample_inputs() -> tuple[Path, Path]:
    """The bundled sample (generated on first use if missing): may take a second, run it on the pool."""
    from vidgen_desktop.engine.sample import sample_paths

    return sample_paths()


def warm_up() -> None:
    """Import the engine's file readers in the background after the window shows, so the first drop is quick."""
    image_extensions()
    audio_extensions()
