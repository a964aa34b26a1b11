"""Which picture goes with which sound.

Inputs are files and folders (a folder's own files, not its subfolders; hidden files and
videos are left out, so a batch can write into its input folder). Two rules:

* ``name``: a picture and a sound with the same base name (``song1.jpg`` + ``song1.mp3``).
  Names are compared after Unicode normalisation (NFC: macOS writes é as two code points)
  and case folding, because Windows and macOS treat ``Song`` and ``song`` as one name:
  ``Song.JPG`` pairs with ``song.mp3``. Two sounds (or two pictures) whose names differ only
  in case or extension are ambiguous: nothing is guessed, the sound is reported and skipped.
  A sound without a picture is reported and skipped; a picture without a sound is listed
  as unused.
* ``one-picture``: the only picture goes with every sound (album art).
* ``auto`` (default): ``one-picture`` when there is exactly one picture and several sounds, else ``name``.

Pairs are ordered by disc and track number from the sound's tags, then by name
(``track 2`` before ``track 10``); sounds without a track number come after those with one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from vidgen_desktop.core.errors import InputError, UsageError
from vidgen_desktop.engine.image_io import IMAGE_EXTENSIONS
from vidgen_desktop.engine.media import AUDIO_EXTENSIONS
from vidgen_desktop.engine.tags import AudioTags, read_tags

PAIR_MODES = ("auto", "name", "one-picture")
#: Left out when a folder is listed (a batch's own outputs may sit beside its inputs).
VIDEO_EXTENSIONS = frozenset({".mp4", ".m4v", ".mov", ".mkv", ".webm", ".avi"})


@dataclass(frozen=True)
class Pair:
    image: Path
    audio: Path
    tags: AudioTags = field(default_factory=AudioTags)


@dataclass(frozen=True)
class Problem:
    """A sound that will not become a video, and why."""

    audio: Path
    reason: str


@dataclass(frozen=True)
class Pairing:
    mode: str
    pairs: tuple[Pair, ...]
    problems: tuple[Problem, ...] = ()
    unused_images: tuple[Path, ...] = ()


def name_key(path: Path) -> str:
    """The base name as pairing compares it: NFC, case-folded."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", path.stem).casefold())


def natural_key(path: Path) -> tuple[object, ...]:
    parts = re.split(r"(\d+)", name_key(path))
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts if p)


def collect(inputs: Sequence[Path]) -> tuple[list[Path], list[Path]]:
    """(pictures, sounds) among ``inputs``; a missing input or an unknown explicit file is an error."""
    images: list[Path] = []
    audios: list[Path] = []
    seen: set[Path] = set()

    def add(p: Path, explicit: bool) -> None:
        ext = p.suffix.lower()
        real = p.resolve()
        if real in seen:
            return
        if ext in IMAGE_EXTENSIONS:
            images.append(p)
        elif ext in AUDIO_EXTENSIONS and (explicit or ext not in VIDEO_EXTENSIONS):
            audios.append(p)
        elif explicit:
            raise UsageError(f"{p}: neither a picture nor a sound (by its extension)")
        else:
            return
        seen.add(real)

    for item in inputs:
        item = item.expanduser()
        if item.is_dir():
            for child in sorted(item.iterdir(), key=natural_key):
                if child.is_file() and not child.name.startswith("."):
                    add(child, explicit=False)
        elif item.is_file():
            add(item, explicit=True)
        else:
            raise InputError(item, "file not found")
    return images, audios


def _by_key(paths: Iterable[Path]) -> dict[str, list[Path]]:
    groups: dict[str, list[Path]] = {}
    for p in paths:
        groups.setdefault(name_key(p), []).append(p)
    return groups


def _names(paths: Sequence[Path]) -> str:
    return ", ".join(p.name for p in paths)


def pair_by_name(images: Sequence[Path], audios: Sequence[Path]) -> tuple[list[tuple[Path, Path]], list[Problem],
                                                                           list[Path]]:
    pics, sounds = _by_key(images), _by_key(audios)
    pairs: list[tuple[Path, Path]] = []
    problems: list[Problem] = []
    for key, group in sounds.items():
        if len(group) > 1:
            problems += [Problem(a, f"ambiguous: the sounds {_names(group)} have the same name "
                                    "(apart from case or extension); rename one") for a in group]
            continue
        audio = group[0]
        match = pics.get(key, [])
        if not match:
            problems.append(Problem(audio, f"no picture named {audio.stem!r} (the same name, any picture type)"))
        elif len(match) > 1:
            problems.append(Problem(audio, f"ambiguous: several pictures match {audio.stem!r}: {_names(match)}"))
        else:
            pairs.append((match[0], audio))
    unused = [p for key, group in pics.items() if key not in sounds for p in group]
    return pairs, problems, unused


def order_key(pair: Pair) -> tuple[object, ...]:
    t = pair.tags
    return (t.track is None, t.disc or 0, t.track or 0, natural_key(pair.audio))


def make_pairs(inputs: Sequence[Path], mode: str = "auto",
               tags: Callable[[Path], AudioTags] = read_tags) -> Pairing:
    """Pair the pictures and sounds in ``inputs`` by ``mode``; ordered by track number. Raises
    :class:`UsageError` when nothing can be paired at all."""
    if mode not in PAIR_MODES:
        raise UsageError(f"--pair {mode!r} is not one of {', '.join(PAIR_MODES)}")
    images, audios = collect(inputs)
    if not audios:
        raise UsageError("no sound files among the inputs (WAV, MP3, M4A, FLAC, OGG/Opus...)")
    if not images:
        raise UsageError("no pictures among the inputs (JPEG, PNG, WebP, TIFF, BMP, GIF)")
    if mode == "auto":
        mode = "one-picture" if len(images) == 1 and len(audios) > 1 else "name"
    problems: list[Problem] = []
    unused: list[Path] = []
    if mode == "one-picture":
        if len(images) != 1:
            raise UsageError(f"--pair one-picture needs exactly one picture; found {len(images)}: {_names(images)}")
        raw = [(images[0], a) for a in audios]
    else:
        raw, problems, unused = pair_by_name(images, audios)
    pairs = sorted((Pair(i, a, tags(a)) for i, a in raw), key=order_key)
    return Pairing(mode, tuple(pairs), tuple(problems), tuple(unused))
