"""Where a video is saved: the default folder and name, never overwriting, and which names are videos.

Pure functions (a little file-system reading), so the window's naming rules are tested
without a window.
"""

from __future__ import annotations

from pathlib import Path

#: File name endings the encoder writes a playable video to.
VIDEO_SUFFIXES = (".mp4", ".m4v", ".mov")


def output_folder(saved: str, app_outputs: Path) -> Path:
    """The folder last saved to (the settings' value), else the app's own outputs folder."""
    return Path(saved) if saved else app_outputs


def default_output_path(folder: Path, image: Path | None) -> Path:
    """``<folder>/<picture name>.mp4``, numbered so an earlier video is never overwritten."""
    stem = image.stem if image is not None else "video"
    candidate = folder / f"{stem}.mp4"
    n = 2
    while candidate.exists():
        candidate = folder / f"{stem} ({n}).mp4"
        n += 1
    return candidate


def is_video_name(path: Path) -> bool:
    return path.suffix.lower() in VIDEO_SUFFIXES


def as_video_name(path: Path) -> Path:
    """A name picked in the save dialog, with ``.mp4`` where it has no video ending."""
    return path if is_video_name(path) else path.with_suffix(".mp4")


def typed_output(text: str) -> Path | None:
    """The path typed into the output field; None when the field is blank (use the default)."""
    return Path(text).expanduser() if text.strip() else None


def creates_folder(output: Path, app_outputs: Path, *, chosen: bool) -> bool:
    """Whether the render may create the output's folder.

    The app's outputs folder and the default name's folder are ours to create (neither exists
    before the first render); a folder the user typed or picked is not, so a typo is reported
    instead of silently becoming a new folder.
    """
    return output.parent == app_outputs or not chosen


def ensure_folder(folder: Path) -> None:
    """Create the output folder (the app's own outputs folder does not exist before the first render)."""
    folder.mkdir(parents=True, exist_ok=True)
