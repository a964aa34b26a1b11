"""Typed errors. Every message is written for the user: one line, naming the file and the problem."""

from __future__ import annotations

from pathlib import Path


class VidGenError(Exception):
    """Base class: anything the app can explain to a user without a traceback."""

    hint: str = ""

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        if hint:
            self.hint = hint

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else self.__class__.__name__


class InputError(VidGenError):
    """A file the user gave us cannot be used (missing, empty, wrong type, corrupt)."""

    def __init__(self, path: Path | str | None, problem: str, *, hint: str = "") -> None:
        self.path = Path(path) if path is not None else None
        text = f"{self.path}: {problem}" if self.path is not None else problem
        super().__init__(text, hint=hint)


class OutputError(VidGenError):
    """The output cannot be written where the user asked."""


class UsageError(VidGenError):
    """An option value makes no sense (bad resolution string, fps out of range...)."""


class MissingDependencyError(VidGenError):
    """An optional package (torch, diffusers...) is not installed for the requested feature."""

    def __init__(self, feature: str, packages: list[str], extra: str) -> None:
        self.packages = packages
        self.extra = extra
        super().__init__(
            f"{feature} needs {', '.join(packages)}, which is not installed",
            hint=f"install it with: pip install 'vidgen-desktop[{extra}]'",
        )


class RenderError(VidGenError):
    """The encoder or a generator failed while rendering."""


class ModelError(RenderError):
    """An AI model could not make the video: it would not load, it ran out of memory with every
    saving on, or it failed while generating. The message names the model and the cause; the
    hint says what to do (check the files, free memory, or let a weaker tier take over)."""


class CancelledError(VidGenError):
    """The user cancelled. Not a failure: the partial output has been removed."""

    def __init__(self, message: str = "cancelled") -> None:
        super().__init__(message)


class NoSpeechError(InputError):
    """Transcription found no speech in the audio (silence, music only): nothing to caption."""
