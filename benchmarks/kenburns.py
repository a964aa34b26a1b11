"""Ken Burns benchmark: our render vs the encoder floor vs ffmpeg zoompan, and peak memory.

Run: ``OMP_NUM_THREADS=1 python benchmarks/kenburns.py [--seconds 60] [--repeat 3] [--long 600] [--zoompan]``

* plain    - ``vidgen_desktop.engine.render`` at 1080p30 from a ~4000x3000 photo, default motion, ``--sync off``.
* full     - sync plus the audiogram (spectrum bars, progress line, title), against its own floor too.
* sync     - the same with the camera following the sound (``--sync auto --energy 0.5``): 120 BPM beats,
             phrases and sections, from the analyser when it is installed, else a hand-built analysis of
             the same shape (the benchmark then measures the camera and the render, not the listening).
* floor    - ffmpeg re-encoding our output (moving content, same frame count) with the same
             encoder settings: the cost of x264 alone, which no renderer can beat (the synced render
             is compared with the floor of its own output: more motion costs x264 more).
* python / ffmpeg CPU - each render's split: our process (decode, warps, piping) and its ffmpeg.
* zoompan  - the usual recipe: upscale first (to hide some jitter), zoompan, same encoder (``--zoompan``).
* peak RSS - whole process tree (Python + ffmpeg), sampled every 50 ms, at --seconds and --long.

Each repeat runs floor, plain and sync back to back, so the ratios compare runs under the
same load (this machine is shared); the medians are reported, with CPU seconds (user + system
of the process tree), which load changes much less than wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from typing_extensions import Self

from vidgen_desktop.core.jobs import Quality
from vidgen_desktop.engine.encoder import EncodeSettings, video_codec_args
from vidgen_desktop.engine.ffmpeg import ffmpeg_exe
from vidgen_desktop.engine.sample import make_landscape


class PeakRss:
    """Samples the RSS of a process and all its children."""

    def __init__(self, pid: int) -> None:
        self.proc = psutil.Process(pid)
        self.peak = 0
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            total = 0
            try:
                for p in [self.proc, *self.proc.children(recursive=True)]:
                    try:
                        total += p.memory_info().rss
                    except psutil.Error:
                        pass
            except psutil.Error:
                pass
            self.peak = max(self.peak, total)
            self._stop.wait(0.05)

    def __enter__(self) -> Self:
        self._t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._t.join()


def make_inputs(folder: Path, seconds: float) -> tuple[Path, Path]:
    photo = folder / "photo.jpg"
    if not photo.exists():
        make_landscape(4000, 3000).save(photo, quality=92)
    audio = folder / f"audio_{int(seconds)}.m4a"
    if not audio.exists():
        subprocess.run([ffmpeg_exe(), "-v", "error", "-y", "-f", "lavfi", "-i",
                        f"sine=frequency=220:sample_rate=44100:duration={seconds}", "-c:a", "aac", str(audio)],
                       check=True)
    return photo, audio


def children_cpu() -> float:
    """CPU seconds (user + system) of all finished children: load-independent, unlike wall time."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


CPU: dict[str, float] = {}


#: In the child: a stand-in analyser (120 BPM 4/4, phrases every 4 bars, sections every 16) when the real one
#: (``vidgen_desktop.engine.audio``) is not installed.
STAND_IN = """
import importlib.util, sys, types
if importlib.util.find_spec('vidgen_desktop.engine.audio') is None:
    from vidgen_desktop.core.analysis import AudioAnalysis
    def analyze_audio(path, *, cancel=None, cache_dir=None, _d=DURATION):
        beats = tuple(0.5 * k for k in range(int(_d * 2)))
        down = beats[::4]
        return AudioAnalysis(_d, 'music', 120.0, beats, tuple(1.0 if k % 4 == 0 else 0.5 for k in range(len(beats))),
                             down, sections=down[::16], phrases=down[::4])
    mod = types.ModuleType('vidgen_desktop.engine.audio'); mod.analyze_audio = analyze_audio
    sys.modules['vidgen_desktop.engine.audio'] = mod
"""


def render_in_child(photo: Path, audio: Path, out: Path, sync: str = "off", seconds: float = 60.0,
                    overlays: bool = False) -> tuple[float, int]:
    """Render in a fresh process so RSS is measured for the render alone."""
    code = (
        (STAND_IN.replace("DURATION", repr(seconds)) if sync != "off" else "") +
        "import sys; from pathlib import Path\n"
        "from vidgen_desktop.core.jobs import RenderJob, Resolution, Sync, Tier\n"
        "from vidgen_desktop.core.overlays import OverlaySpec\n"
        "from vidgen_desktop.engine.render import render\n"
        f"render(RenderJob(Path({str(photo)!r}), Path({str(audio)!r}), Path({str(out)!r}), tier=Tier.KENBURNS, "
        f"resolution=Resolution.parse('1080p'), fps=30.0, sync=Sync({sync!r}), "
        f"overlays=OverlaySpec({'bars' if overlays else 'none'!r}, {overlays}, {'A Song' if overlays else 'none'!r})))\n"
        "import json, resource; me, kids = (resource.getrusage(w) for w in (resource.RUSAGE_SELF, "
        "resource.RUSAGE_CHILDREN))\n"
        "print(json.dumps({'python_cpu_s': me.ru_utime + me.ru_stime, 'ffmpeg_cpu_s': kids.ru_utime + kids.ru_stime}))"
    )
    t0, c0 = time.perf_counter(), children_cpu()
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env={**os.environ, "VIDGEN_HOME": str(out.parent)},
                            stdout=subprocess.PIPE, text=True)
    with PeakRss(proc.pid) as rss:
        stdout, _ = proc.communicate()
        rc = proc.returncode
    CPU[out.stem] = children_cpu() - c0
    if rc == 0:
        split = json.loads(stdout.strip().splitlines()[-1])
        CPU[f"{out.stem}_python"], CPU[f"{out.stem}_ffmpeg"] = split["python_cpu_s"], split["ffmpeg_cpu_s"]
    if rc != 0:
        raise SystemExit(f"render failed ({rc})")
    return time.perf_counter() - t0, rss.peak


def timed(name: str, cmd: list[str]) -> float:
    t0, c0 = time.perf_counter(), children_cpu()
    subprocess.run(cmd, check=True)
    CPU[name] = children_cpu() - c0
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--repeat", type=int, default=1, help="floor/plain/sync rounds; medians are reported")
    ap.add_argument("--long", type=float, default=600.0, help="second audio length for the memory check (0: skip)")
    ap.add_argument("--zoompan", action="store_true", help="also time ffmpeg zoompan (slow)")
    ap.add_argument("--workdir", type=Path, default=ROOT / ".bench")
    args = ap.parse_args()
    args.workdir.mkdir(exist_ok=True)
    photo, audio = make_inputs(args.workdir, args.seconds)
    frames = round(args.seconds * 30)
    # The floor and zoompan use exactly the app's video encoder settings (GOP, profile, tags).
    enc = [*video_codec_args(EncodeSettings(1920, 1080, 30.0, Quality.STANDARD)), "-an"]
    ff = [ffmpeg_exe(), "-v", "error", "-y"]
    runs: dict[str, list[float]] = {}

    def add(key: str, value: float) -> None:
        runs.setdefault(key, []).append(value)

    ours = args.workdir / "ours.mp4"
    for _ in range(max(1, args.repeat)):
        wall, rss = render_in_child(photo, audio, ours, "off", args.seconds)
        add("plain_s", wall), add("peak_rss_mb", rss / (1 << 20)), add("plain_cpu_s", CPU["ours"])
        add("floor_s", timed("floor", [*ff, "-i", str(ours), *enc, str(args.workdir / "floor.mp4")]))
        add("floor_cpu_s", CPU["floor"])
        add("plain_python_cpu_s", CPU["ours_python"]), add("plain_ffmpeg_cpu_s", CPU["ours_ffmpeg"])
        synced = args.workdir / "synced.mp4"
        wall, _ = render_in_child(photo, audio, synced, "auto", args.seconds)
        add("sync_s", wall), add("sync_cpu_s", CPU["synced"])
        add("sync_python_cpu_s", CPU["synced_python"]), add("sync_ffmpeg_cpu_s", CPU["synced_ffmpeg"])
        # The synced video moves more (pulses, phrase moves): x264's own cost on it is its floor.
        add("sync_floor_s", timed("sync_floor", [*ff, "-i", str(synced), *enc, str(args.workdir / "floor2.mp4")]))
        add("sync_floor_cpu_s", CPU["sync_floor"])
        # Beat sync plus the audiogram (spectrum bars, progress line, title): the "everything on" case.
        full = args.workdir / "full.mp4"
        wall, _ = render_in_child(photo, audio, full, "auto", args.seconds, overlays=True)
        add("full_s", wall), add("full_cpu_s", CPU["full"])
        add("full_floor_s", timed("full_floor", [*ff, "-i", str(full), *enc, str(args.workdir / "floor3.mp4")]))
        add("full_floor_cpu_s", CPU["full_floor"])
        add("full_vs_floor", runs["full_s"][-1] / runs["full_floor_s"][-1])
        add("full_vs_floor_cpu", runs["full_cpu_s"][-1] / runs["full_floor_cpu_s"][-1])
        add("full_vs_plain_floor_cpu", runs["full_cpu_s"][-1] / runs["floor_cpu_s"][-1])
        add("plain_vs_floor", runs["plain_s"][-1] / runs["floor_s"][-1])
        add("plain_vs_floor_cpu", runs["plain_cpu_s"][-1] / runs["floor_cpu_s"][-1])
        add("sync_vs_floor", runs["sync_s"][-1] / runs["sync_floor_s"][-1])
        add("sync_vs_floor_cpu", runs["sync_cpu_s"][-1] / runs["sync_floor_cpu_s"][-1])
        add("load_1min", os.getloadavg()[0])
    results = {k: statistics.median(v) for k, v in runs.items()}
    if args.repeat > 1:
        results["plain_vs_floor_all"] = runs["plain_vs_floor"]  # type: ignore[assignment]
        results["sync_vs_floor_all"] = runs["sync_vs_floor"]  # type: ignore[assignment]
    if args.zoompan:
        zoompan = ("scale=8000:-1,zoompan=z='min(zoom+0.0005,1.15)':x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)'"
                   f":d={frames}:s=1920x1080:fps=30")
        results["zoompan_s"] = timed("zoompan", [*ff, "-i", str(photo), "-vf", zoompan, "-frames:v", str(frames),
                                      *enc, str(args.workdir / "zoompan.mp4")])
        results["zoompan_cpu_s"] = CPU["zoompan"]
        results["zoompan_vs_plain"] = results["zoompan_s"] / results["plain_s"]
    if args.long:
        _, long_audio = make_inputs(args.workdir, args.long)
        long_s, long_rss = render_in_child(photo, long_audio, args.workdir / "long.mp4", "auto", args.long)
        results["long_render_s"] = long_s
        results["long_peak_rss_mb"] = long_rss / (1 << 20)
        results["rss_growth_pct"] = 100.0 * (results["long_peak_rss_mb"] / results["peak_rss_mb"] - 1.0)
    print(json.dumps({k: (round(v, 2) if isinstance(v, float) else [round(x, 2) for x in v])
                      for k, v in results.items()}, indent=2))


if __name__ == "__main__":
    main()
