"""What the analysis found, in words (the CLI's ``analyze`` and anything else that shows it to a person)."""

from __future__ import annotations

from vidgen_desktop.core.analysis import AudioAnalysis


def _t(seconds: float) -> str:
    """``0:07.25`` (minutes, seconds with hundredths): beat times need more than a clock's whole seconds."""
    m, s = divmod(max(0.0, seconds), 60.0)
    return f"{int(m)}:{s:05.2f}"


def _list(times: tuple[float, ...], limit: int = 8) -> str:
    shown = ", ".join(_t(x) for x in times[:limit])
    return shown + (f", ... ({len(times) - limit} more)" if len(times) > limit else "")


def describe(a: AudioAnalysis, name: str = "") -> str:
    """A few lines: kind and length, tempo, beats and bars, sections, phrases, onsets, pauses, loudness."""
    head = f"{name}: " if name else ""
    lines = [f"{head}{a.kind}, {_t(a.duration_s)} long"]
    if a.extra.get("silent"):
        lines.append("silent: no sound above -70 dBFS, so there is no beat, section or pause to follow")
        return "\n".join(lines)
    if a.extra.get("too_short"):
        lines.append("too short to look for a beat or sections")
    curve = a.extra.get("tempo_curve") or []
    if a.tempo_bpm is not None:
        tempo = f"tempo      {a.tempo_bpm:.1f} BPM"
        if isinstance(curve, list) and len(curve) > 1:
            steps = " -> ".join(f"{bpm:.0f} BPM from {_t(t)}" for t, bpm in curve[1:5])
            tempo += f" (changes: {curve[0][1]:.0f} BPM, then {steps})"
        lines.append(tempo)
        lines.append(f"beats      {len(a.beats)}, from {_t(a.beats[0])} to {_t(a.beats[-1])}" if a.beats else
                     "beats      none")
        lines.append(f"bars       {len(a.downbeats)} (4/4), bar starts: {_list(a.downbeats, 6)}")
    elif a.kind == "music" and not a.extra.get("too_short"):
        lines.append("tempo      no steady beat")
    lines.append(f"sections   {len(a.sections)}: {_list(a.sections)}")
    lines.append(f"phrases    {len(a.phrases)}: {_list(a.phrases)}")
    if a.onsets:
        lines.append(f"onsets     {len(a.onsets)} ({len(a.onsets) / max(a.duration_s, 1e-9):.1f} a second)")
    if a.pauses:
        shown = ", ".join(f"{_t(s)}-{_t(e)}" for s, e in a.pauses[:6])
        more = f", ... ({len(a.pauses) - 6} more)" if len(a.pauses) > 6 else ""
        lines.append(f"pauses     {len(a.pauses)}: {shown}{more}")
    else:
        lines.append("pauses     none")
    ref = a.extra.get("loudness_ref_dbfs")
    if isinstance(ref, (int, float)):
        loud = sum(1 for v in a.envelope if v > 0.5) * a.envelope_hop_s
        lines.append(f"loudness   loud level {ref:.1f} dBFS; {loud / max(a.duration_s, 1e-9) * 100:.0f}% of the time "
                     "within 30 dB of it")
    return "\n".join(lines)
