"""``render --sync`` and ``--energy``: parsed into the job, bad values are usage errors (exit 2, nothing written)."""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path

import pytest

from tests.media_factory import textured_image, tone
from vidgen_desktop.cli.main import build_parser, main
from vidgen_desktop.cli.render_cmd import job_from_args
from vidgen_desktop.core.jobs import DEFAULT_ENERGY, Sync


@functools.cache
def _inputs() -> tuple[str, str]:
    """Real files: the CLI sorts pictures from sounds by their content."""
    d = Path(tempfile.mkdtemp(prefix="vidgen-sync-cli-"))
    return str(textured_image(d / "i.png", (64, 48))), str(tone(d / "a.wav", 0.3))


def _job(*extra: str):  # type: ignore[no-untyped-def]
    img, aud = _inputs()
    args = build_parser().parse_args(["render", img, aud, "-o", "o.mp4", *extra])
    return job_from_args(args)


def test_defaults_follow_the_sound() -> None:
    job = _job()
    assert job.sync is Sync.AUTO and job.energy == DEFAULT_ENERGY


@pytest.mark.parametrize("mode", [s.value for s in Sync])
def test_sync_modes_and_energy_reach_the_job(mode: str) -> None:
    job = _job("--sync", mode, "--energy", "0.8")
    assert job.sync is Sync(mode) and job.energy == 0.8
    assert _job("--energy", "0").energy == 0.0 and _job("--energy", "1").energy == 1.0


@pytest.mark.parametrize(("args", "text"), [
    (["--energy", "1.5"], "between 0"),
    (["--energy", "-0.1"], "between 0"),
    (["--energy", "nan"], "between 0"),
    (["--energy", "loud"], "not a number"),
])
def test_bad_energy_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str],
                                     text: str) -> None:
    img, aud = textured_image(tmp_path / "i.png", (64, 48)), tone(tmp_path / "a.wav", 0.3)
    out = tmp_path / "o.mp4"
    code = main(["render", str(img), str(aud), "-o", str(out), *args])
    err = capsys.readouterr().err
    assert code == 2 and "energy" in err and text in err and "Traceback" not in err
    assert not out.exists()


def test_unknown_sync_mode_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        build_parser().parse_args(["render", "i.png", "a.wav", "-o", "o.mp4", "--sync", "drums"])
    assert exc.value.code == 2 and "--sync" in capsys.readouterr().err
