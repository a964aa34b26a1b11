"""Leftovers of killed renders: real render processes killed with SIGKILL, then a render into the same folder.

The owner of every temporary name is a real process: one that ended, one that runs (and
is merely suspended while the sweep looks), or this test process itself.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from tests.media_factory import textured_image, tone
from vidgen_desktop.core.jobs import RenderJob, Resolution
from vidgen_desktop.engine import debris
from vidgen_desktop.engine.debris import Owner, current_owner, owned_name, owned_temp_dir, parse_owner, sweep
from vidgen_desktop.engine.decide import TierDecision
from vidgen_desktop.engine.render import render

REPO_ROOT = Path(__file__).resolve().parents[2]
MAKE_OWNED = ("import sys, pathlib; from vidgen_desktop.engine.debris import owned_name, owned_temp_dir; "
              "d = pathlib.Path(sys.argv[1]); (d / owned_name('video', '.mp4')).write_bytes(b'x'); "
              "(d / owned_name('clip-00001')).mkdir(); print(owned_temp_dir('narration'))")


def _leftovers(folder: Path) -> list[Path]:
    """Everything a render writes besides its output: hidden, tagged or ``.partial`` names."""
    return sorted(p for p in folder.iterdir() if p.name.startswith("."))


def _render_cmd(image: Path, audio: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "vidgen_desktop.cli.main", "render", str(image), str(audio), "-o", str(out),
            "--tier", "kenburns", "--resolution", "426x240", "--fps", "15", "--quality", "draft"]


def _spawn_render(image: Path, audio: Path, out: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(_render_cmd(image, audio, out), cwd=REPO_ROOT, env=dict(os.environ),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _wait_for_partial(folder: Path, proc: subprocess.Popen[bytes], timeout: float = 60.0) -> Path | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        found = [p for p in folder.glob(".*.partial.mp4") if parse_owner(p.name) == _owner_of(proc.pid)]
        if found:
            return found[0]
        time.sleep(0.01)
    return None


def _owner_of(pid: int) -> Owner | None:
    try:
        return Owner(current_owner().host, pid, round(psutil.Process(pid).create_time() * 100))
    except psutil.NoSuchProcess:
        return None


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    d = tmp_path_factory.mktemp("debris-media")
    return textured_image(d / "pic.png", (320, 240)), tone(d / "long.m4a", 60.0)


@pytest.fixture()
def no_stray_ffmpeg() -> Iterator[None]:
    """A killed render's ffmpeg lives on until it has encoded what it was given: wait for those."""
    before = {p.pid for p in psutil.process_iter()}
    yield
    for p in psutil.process_iter(["name"]):
        if p.pid not in before and "ffmpeg" in (p.info["name"] or ""):
            psutil.wait_procs([p], timeout=30)


def test_names_carry_their_owner_and_never_match_user_files(tmp_path: Path) -> None:
    name = owned_name("My video.final", ".mp4")
    assert name.startswith(".My video.final.vidgen-") and name.endswith(".partial.mp4")
    assert parse_owner(name) == current_owner()
    assert parse_owner(owned_temp_dir("narration").name) == current_owner()
    for user_file in ("video.mp4", ".video.partial.mp4", ".hidden", "vidgen-notes.txt", ".vidgen-abc-1-2-x"):
        assert parse_owner(user_file) is None
        (tmp_path / user_file).write_bytes(b"keep me")
    old = time.time() - 30 * 86400
    for user_file in ("video.mp4", ".video.partial.mp4", ".hidden"):
        os.utime(tmp_path / user_file, (old, old))
    assert sweep(tmp_path).removed == ()
    assert len(list(tmp_path.iterdir())) == 5


def test_only_entries_of_ended_owners_are_removed(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "-c", MAKE_OWNED, str(tmp_path)], cwd=REPO_ROOT, env=dict(os.environ),
                         capture_output=True, text=True, check=True).stdout
    dead_temp = Path(out.strip())
    (dead_temp / "narration.wav").write_bytes(b"RIFF")
    mine = tmp_path / owned_name("video", ".mp4")
    mine.write_bytes(b"live")
    me = current_owner()
    recycled = tmp_path / f".video.{Owner(me.host, me.pid, me.started_cs - 3600_00).tag}-abcdef.partial.mp4"
    recycled.write_bytes(b"same pid, started an hour earlier: another process")
    foreign = tmp_path / f".video.{Owner('000000', 1, 1).tag}-abcdef.partial.mp4"
    foreign.write_bytes(b"another machine's render on a shared folder")

    result = sweep(tmp_path)
    # Left: this process's file and the other machine's; gone: the ended process's file and
    # folder, and the file whose pid now belongs to a process that started later.
    assert sorted(tmp_path.iterdir()) == sorted([mine, foreign])
    assert len(result.removed) == 3 and recycled in result.removed
    assert set(result.kept) == {mine, foreign}
    assert dead_temp.exists()  # not in this folder: the temp folder's own sweep removes it
    assert dead_temp in debris.sweep(dead_temp.parent).removed and not dead_temp.exists()

    old = time.time() - debris.FOREIGN_AGE_S - 60
    os.utime(foreign, (old, old))
    assert sweep(tmp_path).removed == (foreign,)


def test_files_of_older_versions_go_once_they_are_old(tmp_path: Path) -> None:
    legacy = tmp_path / ".video.1a2b3c4d.partial.mp4"
    legacy.write_bytes(b"x")
    assert sweep(tmp_path).removed == () and legacy.exists()
    old = time.time() - debris.LEGACY_AGE_S - 60
    os.utime(legacy, (old, old))
    assert sweep(tmp_path).removed == (legacy,)


def _kill_renders(inputs: tuple[Path, Path], out_dir: Path, kills: int, seed: int) -> tuple[int, int]:
    """Start renders into ``out_dir`` and SIGKILL each at a random moment.

    Returns how many files the killed renders left in all (each render sweeps its
    predecessors' as it starts) and how many are there now.
    """
    rng = random.Random(seed)
    image, audio = inputs
    seen: set[Path] = set()
    for _ in range(kills):
        proc = _spawn_render(image, audio, out_dir / "video.mp4")
        if rng.random() < 0.8:  # mostly while encoding (the expensive leftovers), sometimes anywhere
            _wait_for_partial(out_dir, proc)
            time.sleep(rng.uniform(0.0, 1.5))
        else:
            time.sleep(rng.uniform(0.0, 2.0))
        proc.kill()
        proc.wait()
        seen.update(_leftovers(out_dir))
    return len(seen), len(_leftovers(out_dir))


def _complete_render(inputs: tuple[Path, Path], out: Path, decision: TierDecision) -> None:
    image, audio = inputs
    short = tone(out.parent.parent / "short.wav", 1.0)
    render(RenderJob(image=image, audio=short, output=out, resolution=Resolution.parse("320x180"), fps=10.0),
           decision=decision)
    assert out.is_file() and audio.is_file()


@pytest.mark.usefixtures("no_stray_ffmpeg")
def test_killed_renders_leave_nothing_after_the_next_render(inputs: tuple[Path, Path], tmp_path: Path,
                                                            kenburns_decision: TierDecision) -> None:
    out_dir = tmp_path / "videos"
    out_dir.mkdir()
    _, left = _kill_renders(inputs, out_dir, kills=3, seed=1)
    assert left >= 1, "the kills left nothing to sweep: the test proves nothing"
    _complete_render(inputs, out_dir / "after.mp4", kenburns_decision)
    assert _leftovers(out_dir) == []


@pytest.mark.slow
@pytest.mark.usefixtures("no_stray_ffmpeg")
def test_twenty_random_kills_then_one_render(inputs: tuple[Path, Path], tmp_path: Path,
                                             kenburns_decision: TierDecision) -> None:
    out_dir = tmp_path / "videos"
    out_dir.mkdir()
    made, left = _kill_renders(inputs, out_dir, kills=20, seed=20)
    print(f"\n20 kills: {made} partial files made, {left} there before the complete render")
    assert made >= 10 and left >= 1
    _complete_render(inputs, out_dir / "after.mp4", kenburns_decision)
    assert _leftovers(out_dir) == []


@pytest.mark.usefixtures("no_stray_ffmpeg")
def test_a_running_renders_file_is_not_touched(inputs: tuple[Path, Path], tmp_path: Path,
                                               kenburns_decision: TierDecision) -> None:
    out_dir = tmp_path / "videos"
    out_dir.mkdir()
    image, audio = inputs
    live = _spawn_render(image, audio, out_dir / "live.mp4")
    owner = psutil.Process(live.pid)
    try:
        partial = _wait_for_partial(out_dir, live)
        assert partial is not None, "the live render never started encoding"
        owner.suspend()  # still running, just not moving on while the other render sweeps
        _complete_render(inputs, out_dir / "other.mp4", kenburns_decision)
        assert partial.exists()
        owner.resume()
        assert live.wait(timeout=300) == 0
    finally:
        if live.poll() is None:
            owner.resume()
            live.kill()
            live.wait()
    assert (out_dir / "live.mp4").is_file() and not partial.exists()
    assert _leftovers(out_dir) == []
