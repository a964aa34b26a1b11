"""numba's compile cache lives in the data folder (unless the user chose one) and a second process reuses it;
once the filter banks are in the data folder too, a process does not import librosa at all.

Each check is a fresh interpreter, as a user's start of the app is: numba reads its cache folder
once, at import.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # fresh interpreters, the first compiling librosa's numba functions (~5 s on 2 idle cores)

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = r"""
import json, os, sys, time
t0 = time.perf_counter()
from tests.helpers.drums import drum_track
from vidgen_desktop.engine.audio import analyze_samples
track = drum_track(120, bars=4)
a = analyze_samples(track.y, track.sr)
import numba
print(json.dumps({"env": os.environ.get("NUMBA_CACHE_DIR"), "numba": numba.config.CACHE_DIR, "beats": len(a.beats),
                  "s": time.perf_counter() - t0, "beat_module": "librosa.beat" in sys.modules,
                  "librosa": "librosa" in sys.modules}))
"""


def _run(home: Path, numba_dir: Path | None = None) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if k not in ("NUMBA_CACHE_DIR", "VIDGEN_HOME")}
    env.update(VIDGEN_HOME=str(home), PYTHONPATH=str(ROOT), OMP_NUM_THREADS="1")
    if numba_dir is not None:
        env["NUMBA_CACHE_DIR"] = str(numba_dir)
    proc = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=600,
                          check=False, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    data: dict[str, object] = json.loads(proc.stdout.strip().splitlines()[-1])
    return data


def _snapshot(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def first_home(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    home = tmp_path_factory.mktemp("home")
    return home, _run(home)


def test_cache_goes_to_the_data_folder(first_home: tuple[Path, dict[str, object]]) -> None:
    home, first = first_home
    folder = home / "cache" / "numba"
    assert first["env"] == first["numba"] == str(folder)
    assert list(folder.rglob("*.nbi")), "numba wrote no cache index"
    assert first["beats"] == 16 and first["librosa"] is True
    # The analyser keeps away from librosa.beat: it compiles on every start (a non-cacheable numba function).
    assert first["beat_module"] is False
    assert list((home / "cache" / "audio-analysis" / "filters").glob("librosa-*.npz"))


def test_a_second_start_compiles_nothing(first_home: tuple[Path, dict[str, object]]) -> None:
    home, first = first_home
    folder = home / "cache" / "numba"
    before = _snapshot(folder)
    shutil.rmtree(home / "cache" / "audio-analysis" / "filters")  # so that librosa is imported again
    second = _run(home)
    assert second["librosa"] is True
    assert _snapshot(folder) == before, "the second process recompiled (cache files rewritten)"
    third = _run(home)  # the filter banks are back in the data folder: librosa stays unimported
    assert third["librosa"] is False and third["beats"] == 16
    print(f"\nfirst start {first['s']:.2f} s (compiling), second {second['s']:.2f} s (numba cache), "
          f"third {third['s']:.2f} s (no librosa)")


def test_a_user_choice_is_respected(first_home: tuple[Path, dict[str, object]], tmp_path: Path) -> None:
    home, _ = first_home
    mine = home / "cache" / "numba"
    other_home = tmp_path / "other-home"
    data = _run(other_home, numba_dir=mine)
    assert data["env"] == data["numba"] == str(mine)
    assert not (other_home / "cache" / "numba").exists()
