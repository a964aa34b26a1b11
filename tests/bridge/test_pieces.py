"""Small bridge pieces: job building, error descriptions, background tasks, hooks."""

from __future__ import annotations

import asyncio
import sys
import threading
import time
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from vidgen_desktop.bridge.errors import ErrorReporter, ExceptionHooks, error_info
from vidgen_desktop.bridge.job_builder import build_job
from vidgen_desktop.bridge.models import fits
from vidgen_desktop.bridge.tasks import BackgroundTasks
from vidgen_desktop.core.errors import InputError, UsageError
from vidgen_desktop.core.jobs import Fit, Motion, Quality, Resolution, Tier
from vidgen_desktop.core.settings import OutputSettings


def test_build_job_maps_auto_to_tier_defaults(tmp_path: Path) -> None:
    job = build_job(tmp_path / "i.jpg", tmp_path / "a.mp3", tmp_path / "o.mp4", OutputSettings())
    assert job.resolution is None and job.fps is None and job.tier is Tier.AUTO
    assert job.aspect == (16, 9) and job.fit is Fit.BLUR
    job = build_job(tmp_path / "i.jpg", tmp_path / "a.mp3", tmp_path / "o.mp4",
                    OutputSettings(resolution="1080p", fps="30", aspect="source", fit="pad", quality="high",
                                   motion="pan-left", tier="kenburns"))
    assert job.resolution == Resolution(short_side=1080) and job.fps == 30.0 and job.aspect is None
    assert (job.fit, job.quality, job.motion, job.tier) == (Fit.PAD, Quality.HIGH, Motion.PAN_LEFT, Tier.KENBURNS)
    with pytest.raises(UsageError):
        build_job(tmp_path / "i.jpg", tmp_path / "a.mp3", tmp_path / "o.mp4", OutputSettings(resolution="huge"))


def test_error_info_for_users_and_for_bugs(tmp_path: Path) -> None:
    info = error_info(InputError(tmp_path / "a.jpg", "is damaged", hint="try another"))
    assert info.expected and info.title == "This file can't be used" and info.hint == "try another"
    try:
        raise KeyError("boom")
    except KeyError as exc:
        bug = error_info(exc, log_file=tmp_path / "vidgen.log")
    assert not bug.expected and "KeyError" in bug.message and "vidgen.log" in bug.hint
    assert "Traceback" in bug.details


def test_fits_label() -> None:
    """Video models fit by their memory plan (the tier decision's test); voices also run on the CPU."""
    from vidgen_desktop.core.hardware import GpuInfo, HardwareInfo
    from vidgen_desktop.engine.models.catalogue import load_builtin_catalogue

    def gpu(gib: float) -> HardwareInfo:
        return HardwareInfo(gpus=(GpuInfo("NVIDIA GeForce RTX 3060", "NVIDIA", "cuda", int(gib * 1024)),),
                            ram_total_mb=32768)

    xt, xtts = load_builtin_catalogue().get("svd-xt"), load_builtin_catalogue().get("xtts-v2")
    assert fits(xt, None) == (None, "checking this computer…")
    assert fits(xt, HardwareInfo(ram_total_mb=32768)) == (
        False, "needs a GPU with about 7.7 GB (NVIDIA CUDA or Apple Silicon); none found")
    assert fits(xt, gpu(6)) == (False, "needs about 7.7 GB VRAM; this GPU has 6.0 GB")
    assert fits(xt, gpu(12)) == (True, "needs about 7.7 GB VRAM; this GPU has 12.0 GB")
    assert fits(xtts, HardwareInfo(ram_total_mb=32768)) == (True, "runs on the CPU (faster on a GPU with 4 GB)")
    assert fits(xtts, gpu(6)) == (True, "needs 4 GB on a GPU; this GPU has 6.0 GB")


def test_background_tasks_run_off_the_gui_thread(qtbot: QtBot, qasync_loop: asyncio.AbstractEventLoop) -> None:
    errors: list[BaseException] = []
    tasks = BackgroundTasks(on_error=errors.append)
    seen: dict[str, object] = {}

    async def work() -> None:
        seen["thread"] = await tasks.run(lambda: threading.current_thread().name)
        seen["value"] = await tasks.run(sum, [1, 2, 3])

    async def broken() -> None:
        await tasks.run(time.sleep, 0.01)
        raise ValueError("bug in a coroutine")

    tasks.spawn(work())
    tasks.spawn(broken())
    qtbot.waitUntil(lambda: "value" in seen and bool(errors), timeout=5000)
    assert str(seen["thread"]).startswith("vidgen-io") and seen["value"] == 6
    assert isinstance(errors[0], ValueError)
    tasks.shutdown()
    assert tasks.spawn(work()) is None  # closed: refused quietly, nothing runs


def test_spawn_without_a_loop_is_loud() -> None:
    tasks = BackgroundTasks()

    async def nothing() -> None:
        return None

    coro = nothing()
    with pytest.raises(RuntimeError):
        tasks.spawn(coro)
    coro.close()
    tasks.shutdown()


def test_exception_hooks_report_and_restore(qtbot: QtBot) -> None:
    reporter = ErrorReporter()
    got: list[object] = []
    reporter.reported.connect(got.append)
    previous = sys.excepthook
    hooks = ExceptionHooks(reporter).install()
    try:
        try:
            raise RuntimeError("slot crashed")
        except RuntimeError:
            sys.excepthook(*sys.exc_info())  # what PySide does with an exception in a slot
        t = threading.Thread(target=lambda: 1 / 0, name="crasher")
        t.start()
        t.join()
        qtbot.waitUntil(lambda: len(got) == 2, timeout=3000)
    finally:
        hooks.uninstall()
    assert sys.excepthook is previous
    assert "slot crashed" in got[0].message and "ZeroDivisionError" in got[1].message
