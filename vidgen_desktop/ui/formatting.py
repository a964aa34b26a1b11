"""Numbers and events as short phrases for the window. Pure functions: tested without widgets."""

from __future__ import annotations

import math

from vidgen_desktop.core.progress import ProgressEvent

STAGE_LABELS = {
    "probe": "Checking your files",
    "prepare": "Preparing the picture",
    "render": "Rendering frames",
    "finalize": "Finishing the video file",
    "done": "Done",
}


def stage_label(stage: str) -> str:
    return STAGE_LABELS.get(stage, stage.replace("_", " ").capitalize())


def clock(seconds: float) -> str:
    """``0:08``, ``12:34``, ``1:02:03``: how a media player shows time."""
    s = max(0, round(seconds))
    h, rem = divmod(s, 3600)
    m, s = divmod(rem, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def eta_phrase(eta_s: float | None) -> str:
    """Rounded so it reads calmly: "about 40 s left", "about 3 min left"."""
    if eta_s is None or math.isnan(eta_s):
        return "estimating time left…"
    if eta_s < 1.5:
        return "almost done"
    if eta_s < 60:
        return f"about {math.ceil(eta_s / 5) * 5 if eta_s > 10 else round(eta_s)} s left"
    if eta_s < 3600:
        return f"about {round(eta_s / 60)} min left"
    return f"about {eta_s / 3600:.1f} h left"


def percent(event: ProgressEvent) -> int:
    return int(event.fraction * 100)


def progress_details(event: ProgressEvent) -> str:
    """"Frame 120 of 240 · 0:04 elapsed · about 4 s left" (parts only when they mean something)."""
    parts: list[str] = []
    if event.total > 0 and event.stage in ("render", "finalize", "done"):
        parts.append(f"Frame {event.done:,} of {event.total:,}")
    parts.append(f"{clock(event.elapsed_s)} elapsed")
    if event.stage == "render":
        parts.append(eta_phrase(event.eta_s))
    return " · ".join(parts)


def gigabytes(mb: float | None) -> str:
    if mb is None:
        return "unknown"
    return f"{mb / 1024:.1f} GB"


def channels_label(channels: int) -> str:
    return {0: "", 1: "mono", 2: "stereo", 6: "5.1"}.get(channels, f"{channels} channels")


def audio_caption(duration_s: float, codec: str, sample_rate: int, channels: int) -> str:
    """"0:08 · AAC · 48 kHz · stereo"."""
    parts = [clock(duration_s) if duration_s >= 1 else f"{duration_s:.1f} s", codec.upper()]
    if sample_rate:
        parts.append(f"{sample_rate / 1000:g} kHz")
    if channels:
        parts.append(channels_label(channels))
    return " · ".join(p for p in parts if p)


def file_problem(path_name: str, problem: str) -> str:
    """Join a file name and an engine problem sentence: "“a.jpg” is damaged…" / "“a.jpg”: file not found"."""
    verbish = ("is ", "cannot ", "can't ", "has ", "contains ", "was ", "does ")
    joiner = " " if problem.startswith(verbish) else ": "
    return f"“{path_name}”{joiner}{problem}"
