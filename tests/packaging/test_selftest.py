"""``vidgen-desktop --self-test`` from a checkout: passes, leaves the user's data folder alone, and fails loudly."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from vidgen_desktop import selftest


@pytest.mark.slow
def test_self_test_passes_and_never_touches_the_data_folder(tmp_path: Path) -> None:
    home = tmp_path / "user-data"
    env = dict(os.environ, VIDGEN_HOME=str(home), TMPDIR=str(tmp_path))
    env.pop("QT_QPA_PLATFORM", None)  # the self-test chooses offscreen by itself
    proc = subprocess.run([sys.executable, "-m", "vidgen_desktop", "--self-test"], env=env, capture_output=True,
                          text=True, timeout=300, check=False)
    out = proc.stderr
    assert proc.returncode == 0, out
    for line in ("ok    window shown (offscreen platform", "ok    sample loaded into the window",
                 "ok    H.264 video and AAC audio", "ok    lasts as long as the sound", "ok    a middle frame shows",
                 "ok    model catalogue readable", "ok    About box shows the version", "self-test passed"):
        assert line in out, out
    assert "FAIL" not in out
    assert not home.exists(), "the self-test wrote into the user's data folder"
    assert not list(tmp_path.glob("vidgen-selftest-*")), "the temporary folder is removed after a pass"


def test_a_window_that_never_shows_fails_and_keeps_the_evidence(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr("tempfile.tempdir", None)
    monkeypatch.setenv("VIDGEN_HOME", str(tmp_path / "user"))
    monkeypatch.setenv("QT_QPA_PLATFORM", "minimal")
    out = io.StringIO()
    code = selftest.run(stream=out, gui_runner=lambda argv, on_shown: 0)
    text = out.getvalue()
    assert code == 1
    assert "FAIL  the window never showed" in text and "self-test FAILED" in text
    kept = list(tmp_path.glob("vidgen-selftest-*"))
    assert len(kept) == 1 and f"kept {kept[0]}" in text
    # The environment is restored for whoever runs next in this process.
    assert os.environ["VIDGEN_HOME"] == str(tmp_path / "user") and os.environ["QT_QPA_PLATFORM"] == "minimal"


def test_without_a_console_the_report_goes_to_a_log_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The windowed Windows exe has no stderr: the lines go to %TEMP%/vidgen-selftest.log."""
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    monkeypatch.setattr(sys, "stderr", None)
    stream, path = selftest._output_stream()
    assert path == tmp_path / selftest.LOG_NAME and stream is not None
    stream.write("hello\n")
    stream.close()
    assert path.read_text() == "hello\n"
