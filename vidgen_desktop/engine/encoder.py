"""Stream raw YUV 4:2:0 frames into ffmpeg and mux the audio, writing atomically.

Frames go through a small bounded queue (one chunk, ~24 MB) to a writer thread, so
warping the next frames overlaps with ffmpeg encoding the last ones while memory
stays flat whatever the length. The
file is written beside the target under a temporary name that names this process
(:mod:`.debris`) and renamed only on success; cancel or failure removes it, and a
killed render's file is removed by the next render into that folder. Cancel always
returns promptly: an ffmpeg that stops reading or never exits is killed.
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.errors import OutputError, RenderError
from vidgen_desktop.core.jobs import Quality
from vidgen_desktop.engine.debris import owned_name, sweep_for_render
from vidgen_desktop.engine.ffmpeg import detached_process_kwargs, ffmpeg_exe, reap
from vidgen_desktop.engine.media import AudioInfo

if TYPE_CHECKING:
    from typing_extensions import Self

OUTPUT_EXTENSIONS = frozenset({".mp4", ".m4v", ".mov"})
#: x264 settings per quality: (preset, crf, audio bitrate).
X264 = {Quality.DRAFT: ("superfast", 26, "128k"), Quality.STANDARD: ("veryfast", 20, "192k"),
        Quality.HIGH: ("medium", 17, "256k")}
#: Bytes of frames that may wait for the encoder (a chunk); the producer blocks beyond it.
CHUNK_BYTES = 24 << 20
#: Linux lets a pipe buffer grow to 1 MiB (default 64 KiB): fewer wake-ups per frame.
PIPE_BYTES = 1 << 20
#: How often a blocked hand-over to ffmpeg looks at the cancel token.
_POLL_S = 0.1

Planes = tuple["bytes | memoryview", ...]


@dataclass(frozen=True)
class EncodeSettings:
    width: int
    height: int
    fps: float
    quality: Quality = Quality.STANDARD

    @property
    def fps_rational(self) -> str:
        f = Fraction(self.fps).limit_denominator(1001)
        return f"{f.numerator}/{f.denominator}"

    @property
    def frame_bytes(self) -> int:
        return self.width * self.height * 3 // 2

    @property
    def frames_per_chunk(self) -> int:
        return max(1, CHUNK_BYTES // self.frame_bytes)


def check_output_path(output: Path) -> None:
    """Fail early and clearly if the output cannot be written (before any work is done)."""
    if output.suffix.lower() not in OUTPUT_EXTENSIONS:
        raise OutputError(f"{output}: the output must be an .mp4 file (or .m4v/.mov)")
    folder = output.parent
    if not folder.is_dir():
        raise OutputError(f"{folder}: the output folder does not exist")
    if output.is_dir():
        raise OutputError(f"{output}: is a folder; give a file name ending in .mp4")
    probe = folder / owned_name("vidgen", kind="write-test")
    try:
        os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        os.unlink(probe)
    except OSError as exc:
        raise OutputError(f"{folder}: the output folder is not writable ({exc.strerror or exc})") from None


def audio_can_be_copied(audio: AudioInfo) -> bool:
    """AAC-LC stereo at 48 kHz goes into the MP4 untouched (no generation loss)."""
    return audio.codec == "aac" and audio.profile in ("LC", "") and audio.channels == 2 and audio.sample_rate == 48000


def video_codec_args(settings: EncodeSettings) -> list[str]:
    """H.264 High, BT.709 tagged, closed 2-second GOPs (clean seeking and uploads)."""
    preset, crf, _ = X264[settings.quality]
    gop = max(1, round(settings.fps * 2))
    return [
        "-c:v", "libx264", "-preset", preset, "-crf", str(crf), "-profile:v", "high", "-pix_fmt", "yuv420p",
        "-g", str(gop), "-keyint_min", str(gop), "-flags", "+cgop", "-sc_threshold", "0",
        "-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709", "-color_range", "tv",
        "-x264-params", "colorprim=bt709:transfer=bt709:colormatrix=bt709:range=tv",
    ]


#: The raw frames' colour tags, given on the input. Untagged input with tagged output makes ffmpeg (7+)
#: insert a colour conversion that treats our limited-range BT.709 frames as something else: it shifted
#: luma by about -5 code values and cost ~40% more encoder CPU (measured at 1080p30).
RAW_INPUT_TAGS = ("-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709", "-color_range", "tv")


def ffmpeg_command(settings: EncodeSettings, audio: AudioInfo, target: Path) -> list[str]:
    abitrate = X264[settings.quality][2]
    audio_args = ["-c:a", "copy"] if audio_can_be_copied(audio) else ["-c:a", "aac", "-b:a", abitrate, "-ar",
                                                                        "48000", "-ac", "2"]
    return [
        ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
        "-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", f"{settings.width}x{settings.height}",
        "-framerate", settings.fps_rational, *RAW_INPUT_TAGS, "-i", "pipe:0",
        "-i", str(audio.path),
        "-map", "0:v:0", "-map", "1:a:0",
        *video_codec_args(settings),
        *audio_args,
        "-movflags", "+faststart", "-f", "mp4", str(target),
    ]


class VideoEncoder:
    """Context manager: ``write(frame_bytes)`` repeatedly, then ``finish()``; exit without finish discards."""

    def __init__(self, output: Path, settings: EncodeSettings, audio: AudioInfo, cancel: CancelToken) -> None:
        self.output = output
        self.settings = settings
        self.audio = audio
        self.cancel = cancel
        self.temp = output.with_name(owned_name(output.stem, output.suffix))
        self._queue: queue.Queue[Planes | None] = queue.Queue(maxsize=settings.frames_per_chunk)
        self._proc: subprocess.Popen[bytes] | None = None
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 - closed in __exit__
        self._thread: threading.Thread | None = None
        self._write_error: BaseException | None = None
        self._finished = False
        self.frames_written = 0

    def __enter__(self) -> Self:
        sweep_for_render(self.output.parent)  # what killed renders left here and in the temp folder
        cmd = ffmpeg_command(self.settings, self.audio, self.temp)
        try:
            self._proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                          stderr=self._stderr, **detached_process_kwargs())
        except OSError as exc:
            raise RenderError(f"could not start ffmpeg ({exc})") from None
        _grow_pipe(self._proc.stdin)
        self._thread = threading.Thread(target=self._pump, name="vidgen-encoder-writer", daemon=True)
        self._thread.start()
        return self

    def _pump(self) -> None:
        assert self._proc is not None and self._proc.stdin is not None
        stdin = self._proc.stdin
        try:
            while (planes := self._queue.get()) is not None:
                stdin.writelines(planes)
        except (BrokenPipeError, OSError) as exc:
            self._write_error = exc
            # Drain so the producer never blocks on a dead encoder.
            while self._queue.get() is not None:
                pass
        finally:
            try:
                stdin.close()
            except OSError:
                pass

    def _put(self, item: Planes | None) -> None:
        """Hand ``item`` to the writer; gives up on cancel, and on a dead encoder unless it is the end marker."""
        while True:
            self.cancel.raise_if_cancelled()
            if self._write_error is not None and item is not None:
                raise RenderError(f"the video encoder stopped: {self._ffmpeg_error()}")
            try:
                self._queue.put(item, timeout=_POLL_S)
                return
            except queue.Full:
                continue

    @property
    def frames_in_flight(self) -> int:
        """How many written frames may still be unread (the queue, the one being piped) plus the one being
        made: a producer that reuses frame buffers in turn needs at least this many."""
        return self._queue.maxsize + 2

    def write(self, *planes: bytes | memoryview) -> None:
        """Queue one frame given as its Y, U and V planes (the buffers must not be reused)."""
        self._put(planes)
        self.frames_written += 1

    def finish(self) -> Path:
        """Close the stream, wait for ffmpeg, move the file into place. Cancel interrupts every wait."""
        self._put(None)
        assert self._proc is not None and self._thread is not None
        while self._thread.is_alive():  # blocked while ffmpeg does not read: cancel must still get through
            self._thread.join(timeout=_POLL_S)
            self.cancel.raise_if_cancelled()
        while True:
            try:
                rc = self._proc.wait(timeout=_POLL_S)
                break
            except subprocess.TimeoutExpired:
                self.cancel.raise_if_cancelled()
        if rc != 0 or self._write_error is not None:
            raise RenderError(f"the video encoder failed: {self._ffmpeg_error()}")
        try:
            os.replace(self.temp, self.output)
        except OSError as exc:
            raise OutputError(f"{self.output}: could not be written ({exc.strerror or exc})") from None
        self._finished = True
        return self.output

    def _ffmpeg_error(self) -> str:
        self._stderr.seek(0)
        lines = self._stderr.read().decode("utf-8", "replace").strip().splitlines()
        return lines[-1] if lines else "ffmpeg exited unexpectedly"

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if not self._finished:
            self._abort()
        self._stderr.close()

    def _abort(self) -> None:
        """Kill ffmpeg (a dead pipe wakes the writer), stop the writer, remove the partial file; bounded."""
        proc = self._proc
        if proc is not None:
            reap(proc)
        thread = self._thread
        deadline = time.monotonic() + 5.0
        while thread is not None and thread.is_alive() and time.monotonic() < deadline:
            try:
                self._queue.put_nowait(None)  # the writer drains the queue until it sees None
            except queue.Full:
                pass
            thread.join(timeout=0.05)
        try:
            self.temp.unlink(missing_ok=True)
        except OSError:
            pass


def _grow_pipe(stream: object) -> None:
    if sys.platform.startswith("linux"):
        try:
            import fcntl

            fcntl.fcntl(stream.fileno(), 1031, PIPE_BYTES)  # type: ignore[attr-defined]  # F_SETPIPE_SZ
        except (OSError, AttributeError, ValueError):
            pass
