"""The frozen Linux Lite app, built by ``scripts/build_bundle.sh`` from ``build_spec.py`` and run like a user would.

Runs when PyInstaller is installed (the ``build`` extra) and takes about a minute on
2 cores (build ~45-60 s, checks ~15 s). ``VIDGEN_TEST_BUNDLE=0`` skips it,
``VIDGEN_TEST_BUNDLE=1`` insists on it (fails without PyInstaller), and
``VIDGEN_BUNDLE_DIR=dist/full/VidGen`` tests an already built bundle (e.g. Full) instead
of building Lite.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from vidgen_desktop import __version__

ROOT = Path(__file__).resolve().parents[2]
WANT = os.environ.get("VIDGEN_TEST_BUNDLE", "")
GIVEN = os.environ.get("VIDGEN_BUNDLE_DIR", "")
HAVE_PYINSTALLER = importlib.util.find_spec("PyInstaller") is not None

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="platform: the CI bundle check is the Linux build"),
    pytest.mark.skipif(WANT == "0", reason="VIDGEN_TEST_BUNDLE=0"),
    pytest.mark.skipif(not (GIVEN or HAVE_PYINSTALLER or WANT == "1"),
                       reason="PyInstaller is not installed (pip install -e '.[build]'); VIDGEN_TEST_BUNDLE=1 insists"),
]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The bundle folder (holding the VidGen executable): built once for this module, removed after."""
    if GIVEN:
        yield Path(GIVEN).resolve()
        return
    out = tmp_path_factory.mktemp("bundle")
    env = dict(os.environ, VIDGEN_BUILD_PYTHON=sys.executable, VIDGEN_BUNDLE_OUT=str(out), VIDGEN_SKIP_SELFTEST="1")
    t0 = time.monotonic()
    proc = subprocess.run(["bash", str(ROOT / "scripts" / "build_bundle.sh"), "lite"], env=env, capture_output=True,
                          text=True, timeout=900, check=False)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    print(f"\nbuilt the Lite bundle in {time.monotonic() - t0:.0f} s: {proc.stdout.strip().splitlines()[-1]}")
    yield out / "lite" / "VidGen"
    shutil.rmtree(out, ignore_errors=True)  # ~600 MB


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIDGEN_", "PYTHON", "QT_"))}
    env.update(VIDGEN_HOME=str(tmp_path / "home"), TMPDIR=str(tmp_path), **extra)
    return env


def _run(app: Path, args: list[str], env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(app / "VidGen"), *args], env=env, capture_output=True, text=True, timeout=timeout,
                          check=False, cwd=env["TMPDIR"])


def test_bundle_layout(app: Path) -> None:
    internal = app / "_internal"
    info = json.loads((internal / "bundle-info.json").read_text())
    assert info["version"] == __version__
    edition = info["flavour"]
    assert (internal / "resources" / "sample.jpg").is_file() and (internal / "resources" / "sample.m4a").is_file()
    assert (internal / "resources" / "icons" / "vidgen-256.png").is_file()
    assert (internal / "vidgen_desktop" / "engine" / "models" / "catalogue.json").is_file()
    ffmpeg = list((internal / "imageio_ffmpeg" / "binaries").glob("ffmpeg*"))
    assert ffmpeg and os.access(ffmpeg[0], os.X_OK)
    platforms = {p.name for p in (internal / "PySide6" / "Qt" / "plugins" / "platforms").iterdir()}
    assert {"libqoffscreen.so", "libqxcb.so", "libqwayland.so"} <= platforms
    lic = internal / "licenses"
    assert (lic / "README.txt").is_file() and (lic / "LGPL-3.0.txt").is_file() and (lic / "GPL-3.0.txt").is_file()
    assert (lic / "numpy").is_dir() and (lic / "Python-LICENSE.txt").is_file()
    if edition == "lite":
        # librosa, numba and llvmlite too: the analyser's filter banks are numpy (engine/audio/filterbanks.py);
        # and the transcription stack (Full only).
        for pkg in ("torch", "diffusers", "transformers", "TTS", "librosa", "numba", "llvmlite", "faster_whisper",
                    "ctranslate2"):
            assert not (internal / pkg).exists(), f"{pkg} leaked into Lite"
        assert not {"librosa", "numba", "llvmlite"} & set(info["packages"]), info["packages"]
    size_mb = sum(p.lstat().st_size for p in app.rglob("*") if p.is_file() and not p.is_symlink()) / 2**20
    print(f"\n{edition} bundle: {size_mb:.0f} MiB")
    assert size_mb < (800 if edition == "lite" else 8000)


def test_version(app: Path, tmp_path: Path) -> None:
    proc = _run(app, ["--version"], _env(tmp_path))
    assert proc.returncode == 0 and proc.stdout.strip() == f"vidgen-desktop {__version__}"


def test_frozen_self_test_offscreen(app: Path, tmp_path: Path) -> None:
    t0 = time.monotonic()
    proc = _run(app, ["--self-test"], _env(tmp_path))
    print(f"\nfrozen --self-test: {time.monotonic() - t0:.1f} s")
    assert proc.returncode == 0, proc.stderr
    assert "self-test passed" in proc.stderr and "FAIL" not in proc.stderr
    assert "Lite edition" in proc.stderr or "Full edition" in proc.stderr
    assert not (tmp_path / "home").exists(), "the self-test used the user's data folder"


@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="xvfb-run is not installed")
def test_frozen_self_test_on_a_real_x_server(app: Path, tmp_path: Path) -> None:
    """The bundled xcb platform plugin and its libraries load and draw on an X server (Xvfb)."""
    proc = subprocess.run(["xvfb-run", "-a", str(app / "VidGen"), "--self-test"],
                          env=_env(tmp_path, VIDGEN_SELFTEST_PLATFORM="xcb"), capture_output=True, text=True,
                          timeout=300, check=False, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "window shown (xcb platform" in proc.stderr


def test_frozen_cli_renders_the_sample(app: Path, tmp_path: Path) -> None:
    out = tmp_path / "sample.mp4"
    proc = _run(app, ["render", "--sample", "-o", str(out), "--tier", "kenburns", "--resolution", "480p", "--fps",
                      "15", "--json"], _env(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert out.stat().st_size > 10_000
    events = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    assert events, proc.stdout


def test_frozen_hardware_report_explains_missing_ai(app: Path, tmp_path: Path) -> None:
    proc = _run(app, ["hardware", "--json"], _env(tmp_path))
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert "kenburns" in json.dumps(data)


def test_frozen_lite_points_to_the_full_edition_not_pip(app: Path, tmp_path: Path) -> None:
    if json.loads((app / "_internal" / "bundle-info.json").read_text())["flavour"] != "lite":
        pytest.skip("a Full bundle has the AI packages")
    proc = _run(app, ["hardware"], _env(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert "not part of VidGen Lite" in proc.stdout and "pip install" not in proc.stdout, proc.stdout


def test_frozen_app_without_arguments_opens_the_window(app: Path, tmp_path: Path) -> None:
    env = _env(tmp_path, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.Popen([str(app / "VidGen")], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            cwd=tmp_path)
    log = tmp_path / "home" / "logs" / "vidgen.log"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            if log.is_file() and "window shown" in log.read_text(errors="replace"):
                break
            time.sleep(0.2)
        assert proc.poll() is None, proc.communicate()[1]
        assert "window shown" in log.read_text(errors="replace")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=30)


def test_frozen_app_carries_caption_fonts_for_the_common_scripts(app: Path) -> None:
    fonts = app / "_internal" / "resources" / "fonts"
    names = {p.name for p in fonts.glob("*.ttf")}
    assert {"NotoSans-Bold.ttf", "NotoSansArabic-Bold.ttf", "NotoSansDevanagari-Bold.ttf"} <= names, names
    assert (fonts / "copyright").is_file(), "the fonts' licence travels with them"


def test_frozen_analyze_works_without_librosa(app: Path, tmp_path: Path) -> None:
    """Audio analysis works in every edition from numpy and scipy alone: Lite ships no librosa, numba or llvmlite,
    and a first start with an empty data folder compiles nothing and caches no filter banks."""
    from tests.helpers.drums import drum_track, f_measure

    track = drum_track([(100, 6), (130, 8)], seed=4)
    wav = track.write_wav(tmp_path / "drums.wav")
    env = _env(tmp_path)
    t0 = time.monotonic()
    proc = _run(app, ["analyze", str(wav), "--json"], env)
    elapsed = time.monotonic() - t0
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["kind"] == "music" and f_measure(track.beats, data["beats"]) >= 0.95
    assert f_measure(track.downbeats, data["downbeats"]) >= 0.95
    assert not (tmp_path / "home" / "cache" / "numba").exists()
    print(f"\nfrozen analyze, first start with an empty data folder: {elapsed:.1f} s")
