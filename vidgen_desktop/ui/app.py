"""Start the window: ``vidgen-desktop`` with no command ends up in :func:`run_gui`.

Start-up order is chosen for speed and safety: logging and the exception hooks first
(so nothing can fail silently), then Qt, the qasync loop and the window; the engine,
numpy and the hardware probe come after the first paint, on background threads.
Shutdown mirrors it: the window closes, the render thread and the pool are joined,
then the loop is closed, so no thread outlives the QApplication.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication

from vidgen_desktop import APP_NAME, __version__
from vidgen_desktop.bridge.errors import ExceptionHooks
from vidgen_desktop.bridge.logging_setup import setup_logging
from vidgen_desktop.bridge.services import create_services
from vidgen_desktop.core.paths import AppPaths, app_paths

log = logging.getLogger(__name__)
_T0 = time.perf_counter()


class _FirstPaint(QObject):
    """Calls back once, when the window is first painted: "window shown" for the start-up figure."""

    def __init__(self, callback: Callable[[], None]) -> None:
        super().__init__()
        self._callback: Callable[[], None] | None = callback

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if self._callback is not None and event.type() == QEvent.Type.Paint:
            cb, self._callback = self._callback, None
            cb()
        return False


class _FileOpener(QObject):
    """Files the OS asks the running app to open (macOS ``QFileOpenEvent``), handed to the window."""

    def __init__(self, load: Callable[[list[Path]], None]) -> None:
        super().__init__()
        self._load = load

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FileOpen:
            self._load([Path(event.file())])  # type: ignore[attr-defined]
            return True
        return False


def _make_app(argv: Sequence[str]) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    # High-DPI scaling is on by default in Qt 6; pass fractional factors through unrounded.
    QApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    app = QApplication([sys.argv[0] if sys.argv else APP_NAME, *argv])
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName(APP_NAME)
    app.setDesktopFileName("vidgen-desktop")
    return app


def display_problem() -> str | None:
    """Why no window can open here, or ``None``. Qt would abort the process instead of saying it."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return None
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    return ("no display found (DISPLAY and WAYLAND_DISPLAY are not set). Run it from a desktop session, "
            "or use the command line: vidgen-desktop render --help")


def run_gui(argv: Sequence[str] = (), *, on_shown: Callable[[], None] | None = None,
            files: Sequence[Path] = ()) -> int:
    """Open the window and run until it is closed. Returns the process exit code.

    ``on_shown`` is called once at the first paint (the start-up benchmark uses it).
    """
    problem = display_problem()
    if problem:
        print(f"error: the window cannot open: {problem}", file=sys.stderr)
        return 1
    import qasync

    from vidgen_desktop.ui.about import window_icon
    from vidgen_desktop.ui.main_window import MainWindow
    from vidgen_desktop.ui.style import STYLESHEET
    from vidgen_desktop.ui.theme import ThemeFollower

    paths = app_paths()
    log_file = setup_logging(paths.logs)
    app = _make_app(argv)
    app.setWindowIcon(window_icon())
    app.setStyleSheet(STYLESHEET)
    theme = ThemeFollower(app)  # noqa: F841 - parented to the app; follows light/dark changes

    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    services = create_services(paths, log_file=log_file)
    hooks = ExceptionHooks(services.reporter).install()
    loop.set_exception_handler(_loop_exception_handler(services.reporter.report))

    window = MainWindow(services)

    def shown() -> None:
        log.info("window shown %.3f s after the UI module was imported", time.perf_counter() - _T0)
        services.tasks.spawn(services.tasks.run(_sweep_leftovers, paths, services.settings.output.folder),
                             name="sweep leftovers")
        if on_shown is not None:
            on_shown()

    first_paint = _FirstPaint(shown)
    window.installEventFilter(first_paint)
    window.show()
    if files:  # once the loop runs: the loader reads them on the background pool
        QTimer.singleShot(0, lambda: window.load_files(list(files)))
    opener = _FileOpener(window.load_files)  # macOS: Finder's "Open with" arrives as QFileOpenEvent
    app.installEventFilter(opener)
    try:
        loop.run_forever()
    finally:
        app.removeEventFilter(opener)
        window.removeEventFilter(first_paint)
        services.shutdown()  # joins the render thread and the pool before Qt goes away
        loop.close()
        hooks.uninstall()
        asyncio.set_event_loop(None)
        log.info("VidGen closed")
    return 0


def _sweep_leftovers(paths: AppPaths, output_folder: str) -> None:
    """Temporary files of renders that were killed (on the pool, after the first paint)."""
    from vidgen_desktop.engine.ai.checkpoint import CHECKPOINT_DIR
    from vidgen_desktop.engine.debris import sweep_at_start

    sweep_at_start([paths.outputs, *([Path(output_folder)] if output_folder else [])], paths.cache / CHECKPOINT_DIR)


def _loop_exception_handler(report: Callable[[BaseException], object]) -> Callable[[asyncio.AbstractEventLoop, dict[str, object]], None]:
    """Exceptions nobody awaited in the qasync loop: log them and tell the window."""

    def handler(loop: asyncio.AbstractEventLoop, context: dict[str, object]) -> None:
        exc = context.get("exception")
        log.error("asyncio: %s", context.get("message"), exc_info=exc if isinstance(exc, BaseException) else None)
        if isinstance(exc, Exception):
            report(exc)

    return handler


def main() -> int:
    """``python -m vidgen_desktop.ui.app`` (handy when the CLI is broken)."""
    return run_gui(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
