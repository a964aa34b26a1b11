"""``render A.jpg B.jpg C.jpg song.mp3``: sorting the files given into the pictures and the sound.

Types are read from the files' first bytes (:mod:`vidgen_desktop.engine.sniff`), so a picture with
a wrong extension still counts as a picture. The pictures come first, then one sound file (none
with ``--script``: the narration is the sound).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from vidgen_desktop.core.errors import InputError, UsageError

USAGE = "vidgen-desktop render A.jpg [B.jpg ...] SONG.mp3 -o OUT.mp4"


def split_inputs(paths: Sequence[Path], *, narrated: bool) -> tuple[list[Path], Path | None]:
    """The pictures in order and the sound file (``None`` when ``narrated``). Raises a clear error:
    :class:`UsageError` (exit 2) for a missing or extra sound or no picture, :class:`InputError`
    (exit 1) for a file that is missing, unreadable, of no known type, or a sound before a picture."""
    from vidgen_desktop.engine.sniff import sniff_kind

    kinds = [(p, sniff_kind(p)) for p in paths]
    images = [p for p, k in kinds if k == "image"]
    sounds = [p for p, k in kinds if k == "audio"]
    if narrated:
        if sounds:
            raise UsageError("give AUDIO or --script FILE, not both: the narration becomes the video's sound "
                             f"({', '.join(p.name for p in sounds)} is a sound file)")
        if not images:
            raise UsageError("render --script needs at least one picture: vidgen-desktop render A.jpg --script "
                             "TEXT.txt -o OUT.mp4")
        return images, None
    if len(sounds) > 1:
        raise UsageError(f"{len(sounds)} sound files given ({', '.join(p.name for p in sounds)}): a video has one "
                         f"sound. Give the pictures, then one audio file: {USAGE}")
    if not sounds:
        raise UsageError(f"no sound file among the {len(images)} file(s) given: the pictures come first, then one "
                         f"audio file ({USAGE}), or use --script FILE for a narration")
    if not images:
        raise UsageError(f"no picture given, only the sound {sounds[0].name}: {USAGE}")
    audio = sounds[0]
    if paths[-1] != audio:
        raise InputError(audio, "is an audio file, but the audio comes after the pictures",
                         hint=f"pictures first, then the sound: {USAGE}")
    return images, audio
