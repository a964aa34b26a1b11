"""Speed of listening to a song: ``analyze_audio`` on a 3-minute track, in fresh processes.

The track is synthesised (drums, bass, a pad; three sections and a tempo change, light
noise) and encoded to MP3 with the app's ffmpeg, so decoding is part of the figure.
Each run is a fresh interpreter (imports included) with a cold analysis cache and, by default, an empty data
folder of its own (``--cold``, the default: a new user's first analysis, or a test with its own VIDGEN_HOME;
the analyser keeps nothing else in the data folder since its filter banks are numpy, so this is also every
later start); ``--shared-home`` reuses one data folder for all runs instead. Also measured in each process: a
second analysis (imports done) and a cache hit. The child reports whether librosa, numba or scipy.signal
were imported (they must not be).

    python benchmarks/audio_analysis.py                 # 3 runs, prints the median
    python benchmarks/audio_analysis.py --runs 5 --seconds 180 --json

Target: <= 3.0 s for a 3-minute song from process start on the project's 2-core reference machine.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TARGET_S = 3.0

CHILD = r"""
import json, resource, sys, time
def cpu():
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime
t0, (c0, k0) = time.perf_counter(), cpu()
from pathlib import Path
from vidgen_desktop.engine.audio import analyze_audio
t1, (c1, k1) = time.perf_counter(), cpu()
a = analyze_audio(Path(sys.argv[1]), cache_dir=Path(sys.argv[2]))
t2, (c2, k2) = time.perf_counter(), cpu()
first_result_at = time.time()
b = analyze_audio(Path(sys.argv[1]), cache_dir=Path(sys.argv[2]), use_cache=False)
t3 = time.perf_counter()
c = analyze_audio(Path(sys.argv[1]), cache_dir=Path(sys.argv[2]))
t4 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "import_cpu_s": c1 - c0, "first_s": t2 - t0, "analyze_s": t2 - t1,
                  "analyze_cpu_s": c2 - c1, "ffmpeg_cpu_s": k2 - k1, "first_result_at": first_result_at, "again_s": t3 - t2, "cache_hit_s": t4 - t3,
                  "tempo": a.tempo_bpm, "beats": len(a.beats), "sections": list(a.sections), "kind": a.kind,
                  "librosa_imported": "librosa" in sys.modules, "numba_imported": "numba" in sys.modules,
                  "scipy_signal_imported": "scipy.signal" in sys.modules}))
"""


def make_song(folder: Path, seconds: float) -> Path:
    from tests.helpers.drums import drum_track
    from vidgen_desktop.engine.ffmpeg import run_ffmpeg

    bars_a = max(2, int(seconds * 0.35 / (4 * 60 / 112)))
    bars_b = max(2, int(seconds * 0.3 / (4 * 60 / 112)))
    bars_c = max(2, int((seconds - bars_a * 4 * 60 / 112 - bars_b * 4 * 60 / 112) / (4 * 60 / 128)))
    tr = drum_track([(112, bars_a), (112, bars_b), (128, bars_c)], patterns=["rock", "four", "rock"],
                    noise_snr_db=25, seed=3, pad=True)
    wav = tr.write_wav(folder / "song.wav")
    mp3 = folder / "song.mp3"
    run_ffmpeg(["-y", "-v", "error", "-i", str(wav), "-c:a", "libmp3lame", "-b:a", "192k", "-ar", "44100", "-ac", "2",
                str(mp3)])
    return mp3


def run_child(song: Path, cache: Path, home: Path) -> dict[str, object]:
    """One fresh process analysing ``song`` with the data folder ``home``."""
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    env.update(VIDGEN_HOME=str(home), PYTHONPATH=str(ROOT), OMP_NUM_THREADS="1")
    t0 = time.time()
    out = subprocess.run([sys.executable, "-c", CHILD, str(song), str(cache)], env=env, capture_output=True,
                         text=True, check=True)
    data: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    # Process start (interpreter, imports) to the first analysis in hand: what `vidgen-desktop analyze` costs.
    data["process_s"] = float(data.pop("first_result_at")) - t0  # type: ignore[arg-type]
    return data


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--seconds", type=float, default=180.0)
    p.add_argument("--json", action="store_true")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--cold", action="store_true", default=True,
                      help="an empty data folder for every run (the default)")
    mode.add_argument("--shared-home", action="store_true", help="one data folder for all runs")
    a = p.parse_args()
    with tempfile.TemporaryDirectory() as d:
        folder = Path(d)
        song = make_song(folder, a.seconds)
        results: dict[str, object] = {"song_s": a.seconds, "target_s": TARGET_S,
                                      "data_folder": "shared" if a.shared_home else "empty per run"}
        runs = [run_child(song, folder / f"cache-{i}", folder / ("home" if a.shared_home else f"home-{i}"))
                for i in range(a.runs)]
        results["runs"] = runs
        median = statistics.median(float(r["process_s"]) for r in runs)  # type: ignore[arg-type]
        results["process_median_s"] = median
    if a.json:
        print(json.dumps(results, indent=2))
    else:
        for r in runs:
            print(f"{results['data_folder']}: start to result {r['process_s']:.2f} s; imports {r['import_s']:.2f} s "
                  f"(CPU {r['import_cpu_s']:.2f}), decode + analysis {r['analyze_s']:.2f} s (CPU {r['analyze_cpu_s']:.2f}"
                  f" + ffmpeg {r['ffmpeg_cpu_s']:.2f}); again in-process {r['again_s']:.2f} s; cache hit "
                  f"{r['cache_hit_s'] * 1000:.0f} ms; tempo {r['tempo']}, {r['beats']} beats, sections {r['sections']}; "
                  f"imported librosa {r['librosa_imported']}, numba {r['numba_imported']}, "
                  f"scipy.signal {r['scipy_signal_imported']}")
        verdict = "OK" if median <= TARGET_S else "over target"
        print(f"median start to result: {median:.2f} s for {a.seconds:.0f} s of audio (target {TARGET_S:.1f} s): {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
