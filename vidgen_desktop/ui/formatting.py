"""Numbers and events as short phrases for the window. Pure functions: tested without widgets."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from vidgen_desktop.core.formatting import clock, eta_phrase, human_bytes
from vidgen_desktop.core.progress import ProgressEvent

if TYPE_CHECKING:
    from vidgen_desktop.engine.models.progress import DownloadProgress

STAGE_LABELS = {
    "probe": "Checking your files",
    "prepare": "Preparing the picture",
    "analyse": "Listening to the sound",
    "render": "Rendering frames",
    "finalize": "Finishing the video file",
    "done": "Done",
}


def stage_label(stage: str) -> str:
    return STAGE_LABELS.get(stage, stage.replace("_", " ").capitalize())


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


def size_text(n: float | None) -> str:
    """A size for a table cell: a dash when there is none."""
    return human_bytes(n) if n else "—"


#: What a download is doing when it is not receiving bytes.
DOWNLOAD_PHASES = {"verify": "Checking what was already downloaded", "link": "Copying from the Hugging Face cache",
                   "done": "Installing"}


def download_progress_text(p: DownloadProgress, *, settled: bool = True) -> str:
    """"1.9 GB of 4.5 GB · 12.3 MB/s · about 3 min left" (or what is happening instead of the speed).

    ``settled=False`` (the first seconds): the speed of the first few small files says nothing
    about the big ones, so no time left is promised yet.
    """
    amount = f"{size_text(p.done) if p.done else '0 B'} of {size_text(p.total)}"
    if p.phase == "download":
        speed = f"{size_text(p.speed_bps)}/s" if p.speed_bps >= 1 else "starting…"
        eta = eta_phrase(p.eta_s) if p.speed_bps >= 1 and settled else "estimating time left…"
        return f"{amount} · {speed} · {eta}"
    return f"{amount} · {DOWNLOAD_PHASES.get(p.phase, p.phase)}"


def download_file_text(p: DownloadProgress) -> str:
    """"File 7 of 9: unet/w.safetensors"."""
    if p.phase == "done":
        return "All files verified"
    if not p.files_total:
        return "Asking the server what to download…"
    n = min(p.files_done + 1, p.files_total)
    return f"File {n} of {p.files_total}: {p.file}" if p.file else f"File {n} of {p.files_total}"


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


def fallback_notice(fallback: Any) -> str:
    """The banner for a render that used a weaker tier than planned (``RenderResult.fallback``)."""
    return (f"<b>Made with {html.escape(fallback.used.label)} instead of {html.escape(fallback.planned.label)}.</b> "
            f"{html.escape(fallback.why)}")
