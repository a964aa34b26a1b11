"""Listening to the audio: tempo, beats, bars, onsets, loudness, sections, phrases, pauses, speech or music.

``from vidgen_desktop.engine.audio import analyze_audio`` is the entry point; the result is a
:class:`vidgen_desktop.core.analysis.AudioAnalysis`. numpy and scipy (``fft``, ``ndimage``) do the work,
the mel and chroma filter banks included (``filterbanks``); librosa is not used.
"""

from __future__ import annotations

from vidgen_desktop.engine.audio.analysis import analyze_audio, analyze_samples

__all__ = ["analyze_audio", "analyze_samples"]
