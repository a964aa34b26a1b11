"""Which installed Whisper model to use when none is named (narration alignment, the window's Transcribe)."""

from __future__ import annotations

from vidgen_desktop.engine.models.store import ModelStore

#: Whisper models tried for alignment, best trade-off first (any other installed Whisper model after).
ALIGN_MODELS = ("whisper-small", "whisper-base", "whisper-large-v3-turbo", "whisper-tiny")

def alignment_model(store: ModelStore) -> str | None:
    """The installed Whisper model alignment (and a transcription that names none) uses, or ``None``."""
    installed = store.installed_ids()
    cat = store.catalogue()
    for m in ALIGN_MODELS:
        if m in installed:
            return m
    others = sorted(m for m in installed if m in cat and cat.get(m).kind == "whisper")
    return others[0] if others else None
