"""``vidgen-desktop --self-test``: prove this installation works, end to end, without a person.

Used to smoke-test a frozen build (``tests/packaging``) and by users asked "does it
work at all?". It opens the real window (offscreen unless ``VIDGEN_SELFTEST_PLATFORM``
names another Qt platform, e.g. ``xcb`` under Xvfb), loads the built-in sample the way
the "Try the sample" menu item does, renders it with Ken Burns through the window's own
render path into a temporary data folder, checks the video (streams, size, duration,
a non-blank frame), checks the model catalogue and the About box, and exits 0 when all
is well, 1 otherwise. The Full edition (or ``VIDGEN_SELFTEST_AI=1``) also imports torch and
every class the AI and voice backends load (:data:`AI_CLASSES`), and runs a tiny
random-weight model.

The user's data folder is never touched: ``VIDGEN_HOME`` points at a fresh temporary
folder for the run, removed afterwards unless the test fails or ``VIDGEN_SELFTEST_KEEP=1``.
Each check prints one line; when the app has no console (the windowed Windows exe) the
lines go to ``%TEMP%/vidgen-selftest.log`` instead.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

ENV_PLATFORM = "VIDGEN_SELFTEST_PLATFORM"
ENV_KEEP = "VIDGEN_SELFTEST_KEEP"
ENV_TIMEOUT = "VIDGEN_SELFTEST_TIMEOUT"
ENV_AI = "VIDGEN_SELFTEST_AI"  # 1: also check the AI stack (always on in the Full edition)
LOG_NAME = "vidgen-selftest.log"
DEFAULT_TIMEOUT_S = 300.0
#: The self-test video: small and quick, still a real H.264 + AAC file.
RESOLUTION, FPS, QUALITY = "480p", "15", "draft"
EXPECTED_SIZE = (854, 480)
#: Every class the backends load (``engine/ai/backends.py``, ``dit.py``, ``engine/tts/*.py``), by module: a frozen
#: build that lacks one fails here, not at a user's first AI render. ``tests/packaging/test_selftest.py``
#: reads those files and fails when this list and the code differ, so it cannot drift.
AI_CLASSES: dict[str, tuple[str, ...]] = {
    "diffusers": ("AnimateDiffSparseControlNetPipeline", "AnimateDiffVideoToVideoPipeline", "DDIMScheduler",
                  "LTXImageToVideoPipeline", "MotionAdapter", "SparseControlNetModel", "StableVideoDiffusionPipeline",
                  "WanImageToVideoPipeline"),
    "transformers": ("BarkModel", "BarkProcessor"),
    "TTS.tts.configs.xtts_config": ("XttsConfig",),
    "TTS.tts.models.xtts": ("Xtts",),
}


class Report:
    def __init__(self, stream: TextIO | None) -> None:
        self.stream = stream
        self.failures: list[str] = []
        self.t0 = time.perf_counter()

    def line(self, text: str) -> None:
        if self.stream is not None:
            print(text, file=self.stream, flush=True)

    def ok(self, what: str) -> None:
        self.line(f"ok    {what}")

    def info(self, what: str) -> None:
        self.line(f"info  {what}")

    def fail(self, what: str) -> None:
        self.failures.append(what)
        self.line(f"FAIL  {what}")

    def check(self, cond: bool, what: str, why: str = "") -> bool:
        if cond:
            self.ok(what)
        else:
            self.fail(f"{what}: {why}" if why else what)
        return cond


def _output_stream() -> tuple[TextIO | None, Path | None]:
    """stderr when there is one; a log file in the temp folder for a windowed (no console) app."""
    if sys.stderr is not None and not getattr(sys.stderr, "closed", False):
        return sys.stderr, None
    path = Path(tempfile.gettempdir()) / LOG_NAME
    try:
        return path.open("w", encoding="utf-8"), path
    except OSError:
        return None, None


@contextmanager
def _environment(home: Path, qpa: str) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in ("VIDGEN_HOME", "QT_QPA_PLATFORM")}
    os.environ["VIDGEN_HOME"] = str(home)
    os.environ["QT_QPA_PLATFORM"] = qpa
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _write_settings(home: Path) -> None:
    """Start the window with the self-test's output choices, like a returning user would."""
    from vidgen_desktop.core.settings import SETTINGS_VERSION

    home.mkdir(parents=True, exist_ok=True)
    settings = {"version": SETTINGS_VERSION,
                "output": {"tier": "kenburns", "resolution": RESOLUTION, "fps": FPS, "quality": QUALITY}}
    (home / "settings.json").write_text(json.dumps(settings), encoding="utf-8")


def _check_basics(rep: Report) -> None:
    from vidgen_desktop import __version__
    from vidgen_desktop.core import bundle
    from vidgen_desktop.core.paths import resources_dir
    from vidgen_desktop.core.tiers import detect_packages

    rep.info(f"VidGen {__version__}, {bundle.edition_label()}, Python {platform.python_version()}, "
             f"{platform.system()} {platform.machine()}")
    res = resources_dir()
    rep.check((res / "sample.jpg").is_file() and (res / "sample.m4a").is_file(), f"resources found in {res}",
              "sample.jpg/sample.m4a missing")
    rep.check((res / "icons" / "vidgen-256.png").is_file(), "app icon found", "resources/icons/vidgen-256.png missing")

    from vidgen_desktop.engine.ffmpeg import ffmpeg_exe, run_ffmpeg

    try:
        proc = run_ffmpeg(["-version"], timeout=60)
        first = proc.stdout.decode("utf-8", "replace").splitlines()[:1]
        rep.check(proc.returncode == 0 and bool(first), f"ffmpeg runs ({first[0][:60] if first else '?'})",
                  f"{ffmpeg_exe()} exited {proc.returncode}")
    except Exception as exc:  # noqa: BLE001 - every failure becomes a report line
        rep.fail(f"ffmpeg does not run: {exc}")

    try:
        from vidgen_desktop.engine.models.catalogue import load_builtin_catalogue

        ids = load_builtin_catalogue().ids()
        rep.check(len(ids) > 0, f"model catalogue readable ({len(ids)} models)", "empty")
    except Exception as exc:  # noqa: BLE001
        rep.fail(f"model catalogue unreadable: {exc}")

    ai = sorted(detect_packages())
    rep.info(f"AI packages present: {', '.join(ai) if ai else 'none (Ken Burns and the system voice only)'}")


def _check_video(rep: Report, path: Path, audio_s: float) -> None:
    import numpy as np

    from vidgen_desktop.engine.ffmpeg import ffmpeg_exe, run_ffmpeg
    from vidgen_desktop.engine.media import probe_audio, probe_streams

    if not rep.check(path.is_file() and path.stat().st_size > 10_000, f"video written ({path.name})",
                     "missing or tiny"):
        return
    streams, _ = probe_streams(path)
    kinds = {(s.kind, s.codec) for s in streams if not s.attached_pic}
    rep.check(("video", "h264") in kinds and ("audio", "aac") in kinds, "H.264 video and AAC audio",
              f"streams: {sorted(kinds)}")
    dur = probe_audio(path).duration_s
    rep.check(abs(dur - audio_s) < 0.25, f"lasts as long as the sound ({dur:.2f} s for {audio_s:.2f} s)",
              "duration mismatch")
    w, h = EXPECTED_SIZE
    proc = run_ffmpeg(["-ss", f"{audio_s / 2:.2f}", "-i", str(path), "-frames:v", "1", "-f", "rawvideo",
                       "-pix_fmt", "rgb24", "pipe:1"], timeout=60)
    frame = np.frombuffer(proc.stdout, np.uint8)
    if rep.check(frame.size == w * h * 3, f"frame size {w}x{h}", f"decoded {frame.size} bytes with {ffmpeg_exe()}"):
        rep.check(float(frame.std()) > 10.0, f"a middle frame shows the picture (std {frame.std():.1f})",
                  "the frame is blank")


def _check_ai(rep: Report) -> None:
    """The Full edition's AI stack imports and computes when frozen (lazy modules, sources for inspect/jit)."""
    import importlib.util

    try:
        torch = importlib.import_module("torch")
        rep.check(float((torch.ones(2) * 2).sum()) == 4.0, f"torch {torch.__version__} computes")
    except Exception as exc:  # noqa: BLE001
        rep.fail(f"torch: {type(exc).__name__}: {exc}")
        return
    coqui = importlib.util.find_spec("TTS") is not None  # the XTTS voice is optional even in the Full edition
    for module, names in AI_CLASSES.items():
        if module.startswith("TTS.") and not coqui:
            rep.info(f"{module}: coqui-tts not installed (XTTS voice unavailable)")
            continue
        try:
            mod = importlib.import_module(module)
            for name in names:
                getattr(mod, name)  # lazy modules (diffusers, transformers) import the class's code here
            version = getattr(importlib.import_module(module.split(".")[0]), "__version__", "")
            rep.ok(f"{module}{' ' + version if version else ''}: {', '.join(names)}")
        except Exception as exc:  # noqa: BLE001
            rep.fail(f"{module}: {type(exc).__name__}: {exc}")
    try:  # a real forward pass through a tiny random-weight model
        tr = importlib.import_module("transformers")
        cfg = tr.CLIPVisionConfig(hidden_size=32, intermediate_size=37, projection_dim=32, num_hidden_layers=2,
                                  num_attention_heads=4, image_size=224, patch_size=32)
        model = tr.CLIPVisionModelWithProjection(cfg).eval()
        with torch.no_grad():
            out = model(pixel_values=torch.zeros(1, 3, 224, 224)).image_embeds
        rep.check(tuple(out.shape) == (1, 32), "a tiny CLIP vision model runs")
    except Exception as exc:  # noqa: BLE001
        rep.fail(f"tiny model: {type(exc).__name__}: {exc}")


class _Driver:
    """Drives the shown window like a user: sample, render, wait, close. All on the GUI thread."""

    def __init__(self, rep: Report, timeout_s: float) -> None:
        self.rep = rep
        self.deadline = time.monotonic() + timeout_s
        self.window: Any = None
        self.result: Any = None
        self.state = "start"
        self.timer: Any = None
        self.hub: Any = None

    def start(self) -> None:
        from PySide6.QtCore import QObject, QTimer, Slot
        from PySide6.QtWidgets import QApplication

        rep = self.rep
        self.window = next((w for w in QApplication.topLevelWidgets() if w.objectName() == "mainWindow"), None)
        if self.window is None:
            rep.fail("the main window did not open")
            QApplication.quit()
            return
        rep.ok(f"window shown ({QApplication.platformName()} platform, "
               f"{self.window.width()}x{self.window.height()})")
        rep.check(not QApplication.windowIcon().isNull(), "window icon set")
        driver = self

        class Hub(QObject):  # slots on a GUI-thread object: the controller's signals land here
            @Slot(object)
            def succeeded(self, result: object) -> None:
                driver.result = result
                driver.finish("rendered")

            @Slot(object)
            def failed(self, exc: object) -> None:
                driver.rep.fail(f"the render failed: {exc}")
                driver.finish("failed")

            @Slot()
            def cancelled(self) -> None:
                driver.rep.fail("the render was cancelled")
                driver.finish("failed")

            @Slot()
            def tick(self) -> None:
                driver.tick()

        self.hub = Hub()
        c = self.window.s.controller
        c.succeeded.connect(self.hub.succeeded)
        c.failed.connect(self.hub.failed)
        c.cancelled.connect(self.hub.cancelled)
        self._check_about()
        self.window.load_sample()  # what "Try the sample" does
        self.state = "loading"
        self.timer = QTimer()
        self.timer.setInterval(100)
        self.timer.timeout.connect(self.hub.tick)
        self.timer.start()

    def _check_about(self) -> None:
        from vidgen_desktop import __version__
        from vidgen_desktop.ui.about import AboutDialog

        try:
            dialog = AboutDialog(self.window.s.paths.home, self.window)
            text = dialog.header.text() + dialog.licences.toPlainText()
            self.rep.check(__version__ in text and "Licence" in text and "FFmpeg" in text,
                           "About box shows the version and the licences")
            dialog.deleteLater()
        except Exception as exc:  # noqa: BLE001
            self.rep.fail(f"About box: {exc}")

    def tick(self) -> None:
        w = self.window
        if time.monotonic() > self.deadline:
            self.rep.fail(f"timed out while {self.state}: {w.render_blocker() or w.render_reason.text()}")
            w.s.controller.cancel()
            self.finish("timeout")
            return
        if self.state == "loading" and w.render_button.isEnabled():
            self.rep.ok("sample loaded into the window")
            if w.start_render():
                self.rep.ok(f"render started (Ken Burns, {RESOLUTION}, {FPS} fps) -> {w.current_output()}")
                self.state = "rendering"
            else:
                self.rep.fail(f"the render did not start: {w.render_blocker()}")
                self.finish("failed")

    def finish(self, state: str) -> None:
        self.state = state
        if self.timer is not None:
            self.timer.stop()
        if self.window is not None and not self.window.s.controller.busy:
            self.window.close()
        elif self.window is not None:  # the window closes itself once the cancelled render has cleaned up
            self.window.confirm_close_during_render = lambda: True
            self.window.close()


def run(*, stream: TextIO | None = None, timeout_s: float | None = None,
        gui_runner: Callable[..., int] | None = None) -> int:
    """Run the self-test; 0 when everything passed. ``stream``: where the report lines go."""
    log_path: Path | None = None
    if stream is None:
        stream, log_path = _output_stream()
    rep = Report(stream)
    timeout_s = timeout_s or float(os.environ.get(ENV_TIMEOUT) or DEFAULT_TIMEOUT_S)
    tmp = Path(tempfile.mkdtemp(prefix="vidgen-selftest-"))
    home = tmp / "home"
    qpa = os.environ.get(ENV_PLATFORM) or "offscreen"
    try:
        with _environment(home, qpa):
            rep.info(f"temporary data folder {home}")
            _check_basics(rep)
            from vidgen_desktop.core import bundle

            if bundle.edition() == "full" or os.environ.get(ENV_AI) == "1":
                _check_ai(rep)
            _write_settings(home)
            from vidgen_desktop.engine.sample import sample_paths

            audio_s = 0.0
            try:
                from vidgen_desktop.engine.media import probe_audio

                audio_s = probe_audio(sample_paths()[1]).duration_s
            except Exception as exc:  # noqa: BLE001
                rep.fail(f"the sample sound cannot be read: {exc}")
            driver = _Driver(rep, timeout_s)
            if gui_runner is None:
                from vidgen_desktop.ui.app import run_gui

                gui_runner = run_gui
            code = gui_runner([], on_shown=driver.start)
            rep.check(code == 0, "window closed cleanly", f"exit code {code}")
            if driver.result is not None:
                _check_video(rep, Path(driver.result.output), audio_s)
                out = Path(driver.result.output)
                rep.check(home in out.parents, "output stayed in the temporary data folder", str(out))
            elif driver.state == "start":
                rep.fail("the window never showed")
            log_file = home / "logs" / "vidgen.log"
            rep.check(log_file.is_file() and "window shown" in log_file.read_text(encoding="utf-8", errors="replace"),
                      "log written", str(log_file))
    except Exception as exc:  # noqa: BLE001 - the self-test reports, it does not crash
        import traceback

        rep.fail(f"unexpected {type(exc).__name__}: {exc}")
        rep.line(traceback.format_exc())
    elapsed = time.perf_counter() - rep.t0
    keep = bool(rep.failures) or os.environ.get(ENV_KEEP) == "1"
    if keep:
        rep.info(f"kept {tmp} for inspection")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    if rep.failures:
        rep.line(f"self-test FAILED ({len(rep.failures)} problem(s), {elapsed:.1f} s)")
    else:
        rep.line(f"self-test passed ({elapsed:.1f} s)")
    if log_path is not None and stream is not None:
        stream.close()
    return 0 if not rep.failures else 1
