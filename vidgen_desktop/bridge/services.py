"""Everything the window needs from below, built in one place and shut down in one place.

The window receives a :class:`Services`; tests build the same object with a fake
render function. :meth:`Services.shutdown` is idempotent and leaves no thread running.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from vidgen_desktop.bridge.controller import RenderController
from vidgen_desktop.bridge.errors import ErrorReporter
from vidgen_desktop.bridge.settings_store import SettingsStore
from vidgen_desktop.bridge.tasks import BackgroundTasks
from vidgen_desktop.bridge.worker import RenderFn
from vidgen_desktop.core.paths import AppPaths, app_paths

log = logging.getLogger(__name__)


def db_path(paths: AppPaths) -> Path:
    """The history and queue database of this data folder (``engine.history.db.DB_NAME``)."""
    return paths.home / "vidgen.db"


@dataclass
class Services:
    paths: AppPaths
    settings: SettingsStore
    controller: RenderController
    tasks: BackgroundTasks
    reporter: ErrorReporter
    log_file: Path | None = None
    _closed: bool = field(default=False, repr=False)

    def shutdown(self) -> None:
        """Cancel and join the render thread, drain the pool, save settings. Safe to call twice."""
        if self._closed:
            return
        self._closed = True
        if not self.controller.shutdown():
            log.error("render thread still running at shutdown")
        self.tasks.shutdown()
        self.settings.flush()


def create_services(paths: AppPaths | None = None, *, render_fn: RenderFn | None = None,
                    log_file: Path | None = None, history: bool | None = None) -> Services:
    """Build the services. Nothing here touches the disk except reading the settings file.

    ``history``: record renders in the data folder's database (default: when the engine renders,
    not a test's stand-in, whose results lack what a history row needs)."""
    paths = paths or app_paths()
    if history is None:
        history = render_fn is None
    reporter = ErrorReporter(log_file)
    return Services(
        paths=paths,
        settings=SettingsStore(paths.settings_file),
        controller=RenderController(render_fn, db_path=db_path(paths) if history else None),
        tasks=BackgroundTasks(on_error=reporter.report),
        reporter=reporter,
        log_file=log_file,
    )
