"""``vidgen-desktop --self-test`` from a checkout: passes, leaves the user's data folder alone, and fails loudly."""

from __future__ import annotations

import ast
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


def _classes_loaded_by(source: Path) -> set[tuple[str, str]]:
    """(module, class) pairs a backend file loads lazily: ``m = importlib.import_module("diffusers")``
    (or ``_mod(...)``) then ``m.SomeClass``, and ``importlib.import_module("TTS...").SomeClass``."""
    tree = ast.parse(source.read_text(encoding="utf-8"))

    def imported(node: ast.AST) -> str | None:
        if (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
                and (getattr(node.func, "attr", None) == "import_module" or getattr(node.func, "id", None) == "_mod")):
            return node.args[0].value
        return None

    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            module = imported(node.value)
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                if module and isinstance(t, ast.Name):
                    aliases[t.id] = module
    found: set[tuple[str, str]] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr[:1].isupper():
            module = aliases.get(node.value.id) if isinstance(node.value, ast.Name) else imported(node.value)
            if module and module.split(".")[0] in ("diffusers", "transformers", "TTS"):
                found.add((module, node.attr))
    return found


def test_the_self_test_checks_exactly_the_classes_the_backends_load() -> None:
    engine = Path(selftest.__file__).parent / "engine"
    used: set[tuple[str, str]] = set()
    for source in [engine / "ai" / "backends.py", engine / "ai" / "dit.py", *sorted((engine / "tts").glob("*.py"))]:
        used |= _classes_loaded_by(source)
    checked = {(module, name) for module, names in selftest.AI_CLASSES.items() for name in names}
    assert ("diffusers", "StableVideoDiffusionPipeline") in used and ("TTS.tts.models.xtts", "Xtts") in used
    assert checked == used, "update selftest.AI_CLASSES to match the backends"


@pytest.mark.slow
def test_every_class_the_backends_load_exists_in_the_installed_packages() -> None:
    out = io.StringIO()
    rep = selftest.Report(out)
    selftest._check_ai(rep)
    text = out.getvalue()
    assert rep.failures == [], text
    assert "diffusers" in text and "StableVideoDiffusionPipeline" in text and "BarkModel" in text
