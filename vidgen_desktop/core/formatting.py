"""The one place numbers become words for people: durations, time left and sizes (CLI, window and engine)."""

from __future__ import annotations

import math


def clock(seconds: float | None) -> str:
    """``0:08``, ``12:34``, ``1:02:03``: how a media player shows a time; ``--:--`` when unknown."""
    if seconds is None or math.isnan(seconds):
        return "--:--"
    s = max(0, round(seconds))
    h, rem = divmod(s, 3600)
    m, s = divmod(rem, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def rough_duration(seconds: float) -> str:
    """A calm estimate: ``40 s``, ``3 min``, ``1.5 h`` (plans and estimates, not clocks)."""
    if seconds < 90:
        return f"{max(1, round(seconds))} s"
    if seconds < 90 * 60:
        return f"{round(seconds / 60)} min"
    return f"{seconds / 3600:.1f} h"


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


def human_bytes(n: float) -> str:
    """Decimal units like the hub and file managers show them: ``4.5 GB``, ``700 kB``, ``120 MB``."""
    for unit, scale in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if abs(n) >= scale:
            value = n / scale
            return f"{value:.1f} {unit}" if abs(value) < 100 else f"{value:.0f} {unit}"
    return f"{n:.0f} B"
