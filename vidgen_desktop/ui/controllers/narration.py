"""The Narration tab's outside work: the voices catalogue, the voice preview, the music and voice-sample files.

It also owns the choice between a sound file and narration (the drop zone's sound tabs),
saves the tab's settings, and builds the narration request for a render.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from functools import partial
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QWidget

from vidgen_desktop.bridge.errors import error_info
from vidgen_desktop.bridge.job_builder import build_narration
from vidgen_desktop.bridge.narration import (
    NarrationSpec,
    VoiceCatalogue,
    VoicePreviewer,
    engine_voices,
    voice_catalogue,
)
from vidgen_desktop.bridge.query_op import QueryOp
from vidgen_desktop.bridge.services import Services
from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.errors import CancelledError, VidGenError
from vidgen_desktop.ui import file_dialogs
from vidgen_desktop.ui.drop_zone import DropZone
from vidgen_desktop.ui.narration_panel import NarrationPanel


class NarrationController(QObject):
    """Between the :class:`NarrationPanel` (and the drop zone's sound tabs) and the speech engines."""

    #: Something the render gate reads changed (the script, the engine, the sound source, the voices).
    changed = Signal()

    def __init__(self, services: Services, panel: NarrationPanel, drop: DropZone, window: QWidget) -> None:
        super().__init__(window)
        self._s = services
        self._panel = panel
        self._drop = drop
        self._window = window
        self._previewer = VoicePreviewer()
        self._preview_cancel: CancelToken | None = None
        panel.changed.connect(self._on_settings_changed)
        panel.script_changed.connect(self.changed)
        panel.preview_requested.connect(self.preview_voice)
        panel.choose_music_requested.connect(self.choose_music)
        panel.choose_sample_requested.connect(self.choose_voice_sample)
        panel.engine_voices_wanted.connect(self._load_engine_voices)
        drop.sound_source_changed.connect(self._on_sound_source_changed)

    def restore(self) -> None:
        narration = self._s.settings.settings.narration
        self._panel.load(narration)
        self._drop.set_sound_source(narration.source)

    def narrating(self) -> bool:
        """True when the sound comes from the Narration tab (a typed script), not a sound file."""
        return self._drop.sound_source() == "narration"

    def script(self) -> str:
        return self._panel.script_text()

    def engine_blocker(self) -> str:
        """Why the chosen speech engine cannot speak now; "" when it can."""
        return self._panel.engine_blocker()

    def spec(self) -> NarrationSpec:
        """The narration request for a render; raises :class:`UsageError` for an empty script."""
        n = self._panel
        return build_narration(n.script_text(), self._s.settings.settings.narration, music=n.music_path,
                               voice_sample=n.sample_path, models_dir=self._s.paths.models)

    # ------------------------------------------------------------------ voices
    @Slot()
    def refresh_voices(self) -> None:
        """Re-read the engines and voices (a voice model may have come or gone)."""
        self._s.tasks.spawn(self.load_voices(), name="voice catalogue")

    async def load_voices(self) -> None:
        await (QueryOp(self._s.tasks, partial(voice_catalogue, self._s.paths.models), self._catalogue_ready,
                       name="voice catalogue")
               .failure(self._catalogue_failed)
               .run())

    def _catalogue_ready(self, catalogue: VoiceCatalogue) -> None:
        self._panel.set_catalogue(catalogue)
        self.changed.emit()

    def _catalogue_failed(self, exc: Exception) -> None:  # narration still works with the defaults
        self._panel.engine_note.setText(f"Could not list the voices: {exc}")

    @Slot(str)
    def _load_engine_voices(self, engine: str) -> None:
        show = partial(self._panel.set_engine_voices, engine)
        (QueryOp(self._s.tasks, partial(engine_voices, engine, self._s.paths.models), show,
                 name=f"reading the {engine} voices")
         .failure(partial(self._no_engine_voices, engine), log_level=logging.WARNING)
         .run_in_background())

    def _no_engine_voices(self, engine: str, _exc: Exception) -> None:  # the default voice still works
        self._panel.set_engine_voices(engine, ())

    # ------------------------------------------------------------------ preview
    @Slot()
    def preview_voice(self) -> None:
        """Speak the script's first sentence (or a greeting) with the chosen voice, off the GUI thread."""
        if self._preview_cancel is not None:
            return  # one at a time
        n = self._panel
        try:  # an empty script previews a greeting in the chosen language
            spec = build_narration(n.script_text(), self._s.settings.settings.narration, voice_sample=n.sample_path,
                                   models_dir=self._s.paths.models, allow_empty=True)
        except VidGenError as exc:
            n.show_preview_error(str(exc))
            return
        cancel = self._preview_cancel = CancelToken()
        (QueryOp(self._s.tasks, partial(self._previewer.make, spec, cancel), self._preview_ready,
                 name="voice preview")
         .failure(self._preview_failed, log_level=logging.INFO)
         .with_progress(n.show_preview_busy, self._preview_done)
         .run_in_background())

    def _preview_ready(self, made: tuple[Path, float, str]) -> None:
        self._panel.show_preview_ready(*made)

    def _preview_failed(self, exc: Exception) -> None:
        if isinstance(exc, CancelledError):
            self._panel.show_preview_error("")
            return
        info = error_info(exc, log_file=self._s.log_file)  # beside the button: a missing model, an unknown voice...
        self._panel.show_preview_error(f"{info.message}. {info.hint}".strip().rstrip(".") + ".")

    def _preview_done(self) -> None:
        self._preview_cancel = None

    # ------------------------------------------------------------------ files and settings
    @Slot()
    def choose_music(self) -> None:
        path = file_dialogs.open_file(self._window, "Choose background music", self._s.settings.settings.last_audio_dir,
                                      "audio")
        if path is not None:
            self._panel.set_music(path)
            self._s.settings.update(last_audio_dir=str(path.parent))

    @Slot()
    def choose_voice_sample(self) -> None:
        path = file_dialogs.open_file(self._window, "Choose a voice sample (6–30 s of one person speaking)",
                                      self._s.settings.settings.last_audio_dir, "audio")
        if path is not None:
            self._panel.set_sample(path)
            self._s.settings.update(last_audio_dir=str(path.parent))

    @Slot()
    def _on_settings_changed(self) -> None:
        self._save(**self._panel.values())
        self.changed.emit()

    @Slot(str)
    def _on_sound_source_changed(self, source: str) -> None:
        self._save(source=source)
        self.changed.emit()

    def _save(self, **changes: str) -> None:
        st = self._s.settings
        st.update(narration=replace(st.settings.narration, **changes))

    def close(self) -> None:
        """Stop a preview being made or played and remove the preview files."""
        if self._preview_cancel is not None:
            self._preview_cancel.cancel("the app is closing")
        self._panel.stop_preview()
        self._previewer.close()
