"""Window fixtures: real media files, a window with real services, and drop helpers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PIL import Image

from tests.bridge.qt_fixtures import no_dangling_threads, qasync_loop, vidgen_home  # noqa: F401
from tests.media_factory import textured_image, tone


@pytest.fixture(scope="session")
def media(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("ui-media")
    # A landscape JPEG stored sideways with EXIF orientation 6: shown upright, it is portrait.
    raw = textured_image(d / "raw.png", (320, 240))
    rotated = d / "portrait-exif.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6
    Image.open(raw).convert("RGB").save(rotated, exif=exif.tobytes(), quality=90)
    broken = d / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0 this is not really a JPEG" * 10)
    notes = d / "notes.txt"
    notes.write_text("hello")
    empty = d / "silence.mp3"
    empty.write_bytes(b"")
    return {
        "image": textured_image(d / "photo.png", (640, 400)),
        "exif_image": rotated,
        "audio": tone(d / "tone.wav", 2.0),
        "medium_audio": tone(d / "medium.mp3", 6.0),
        "long_audio": tone(d / "long.m4a", 40.0),
        "broken_image": broken,
        "text": notes,
        "empty_audio": empty,
    }


@pytest.fixture
def make_window(qtbot: object, qasync_loop: object) -> Iterator[Callable[..., object]]:  # noqa: F811 - fixture
    """Build a shown MainWindow with real services (optionally a fake render function).

    Teardown cancels any render, closes the window and joins every thread, in that order.
    """
    from vidgen_desktop.bridge.services import create_services
    from vidgen_desktop.core.paths import app_paths
    from vidgen_desktop.ui.main_window import MainWindow

    made: list[tuple[MainWindow, object]] = []

    def make(render_fn: object = None, show: bool = True) -> MainWindow:
        services = create_services(app_paths(), render_fn=render_fn)  # type: ignore[arg-type]
        window = MainWindow(services)
        made.append((window, services))
        if show:
            window.show()
            qtbot.waitExposed(window)  # type: ignore[attr-defined]
        return window

    yield make
    for window, services in made:
        window.confirm_close_during_render = lambda: True  # type: ignore[method-assign]
        if services.controller.busy:  # type: ignore[attr-defined]
            services.controller.cancel()  # type: ignore[attr-defined]
            qtbot.waitUntil(lambda s=services: not s.controller.busy, timeout=20_000)  # type: ignore[attr-defined]
        window.close()
        services.shutdown()  # type: ignore[attr-defined]
        window.deleteLater()
    qtbot.wait(10)  # type: ignore[attr-defined]
