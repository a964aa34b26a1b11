"""Locate and run the ffmpeg binary. imageio-ffmpeg ships one, so no system ffmpeg is needed."""

from __future__ import annotations

import os
import subprocess
import sys
from functools import lru_cache
from typing import Any

from vidgen_desktop.core.errors import RenderError

ENV_FFMPEG = "VIDGEN_FFMPEG"


@lru_cache(maxsize=1)
def ffmpeg_exe() -> str:
    """Path of the ffmpeg binary: ``$VIDGEN_FFMPEG``, else the one imageio-ffmpeg ships."""
    override = os.environ.get(ENV_FFMPEG)
    if override:
        return override
    try:
        import imageio_ffmpeg
    except ImportError:  # pragma: no cover - a base dependency
        raise RenderError("ffmpeg is not available", hint="pip install imageio-ffmpeg") from None
    return str(imageio_ffmpeg.get_ffmpeg_exe())


def detached_process_kwargs() -> dict[str, Any]:
    """Keep Ctrl-C in the terminal from reaching ffmpeg: the app cancels it itself and cleans up."""
    if sys.platform == "win32":
        return {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP | getattr(subprocess, "CREATE_NO_WINDOW", 0)}
    return {"start_new_session": True}


def run_ffmpeg(args: list[str], *, timeout: float | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run ffmpeg to completion with captured output (for probes and small jobs)."""
    return subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        timeout=timeout,
        check=False,
        **detached_process_kwargs(),
    )
