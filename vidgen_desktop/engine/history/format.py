"""History entries as display text: one place for the CLI table and the window's History tab."""

from __future__ import annotations

import time
from collections.abc import Sequence

from vidgen_desktop.core.formatting import human_bytes
from vidgen_desktop.engine.history.records import HistoryEntry

COLUMNS = ("id", "status", "when", "picture", "sound", "video", "tier", "time", "peak RAM", "peak VRAM", "error")


def when_text(started_at: float, now: float) -> str:
    """``14:05`` today, ``Mon 14:05`` this week, else ``2026-11-02 14:05`` (local time)."""
    t = time.localtime(started_at)
    age = now - started_at
    if 0 <= age < 86400 and time.localtime(now).tm_yday == t.tm_yday:
        return time.strftime("%H:%M", t)
    if 0 <= age < 6 * 86400:
        return time.strftime("%a %H:%M", t)
    return time.strftime("%Y-%m-%d %H:%M", t)


def _seconds(s: float | None) -> str:
    if s is None:
        return ""
    if s < 60:
        return f"{s:.1f} s"
    m, sec = divmod(round(s), 60)
    return f"{m}:{sec:02d}" if m < 60 else f"{m // 60}:{m % 60:02d}:{sec:02d}"


def history_rows(entries: Sequence[HistoryEntry], now: float) -> list[dict[str, str]]:
    """Each entry as {column: text} for :data:`COLUMNS`."""
    return [{
        "id": str(e.id),
        "status": e.status.value,
        "when": when_text(e.started_at, now),
        "picture": e.image.name,
        "sound": e.audio.name,
        "video": e.output.name,
        "tier": e.tier or e.requested_tier or "",
        "time": _seconds(e.wall_s),
        "peak RAM": human_bytes(e.peak_ram_bytes) if e.peak_ram_bytes else "",
        "peak VRAM": human_bytes(e.peak_vram_bytes) if e.peak_vram_bytes else "",
        "error": e.error or "",
    } for e in entries]
