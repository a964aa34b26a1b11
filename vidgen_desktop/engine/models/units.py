"""Human-readable sizes and durations for progress lines and messages."""

from __future__ import annotations


def human_bytes(n: float) -> str:
    """Decimal units like the hub and file managers show them: ``4.2 GB``, ``512 kB``."""
    n = float(n)
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if abs(n) < 1000 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    raise AssertionError("unreachable")


def human_duration(seconds: float | None) -> str:
    """``48s``, ``1m02s``, ``2h05m``; ``--`` when unknown."""
    if seconds is None:
        return "--"
    s = round(seconds)
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m{s % 60:02d}s"
    return f"{s // 3600}h{(s % 3600) // 60:02d}m"
