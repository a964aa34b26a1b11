"""`vidgen-desktop tts` as a user runs it: real subprocesses, real espeak-ng, exit codes, one-line errors."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import wave
from pathlib import Path

import pytest

from vidgen_desktop.engine.captions import read_srt

CLI = [sys.executable, "-m", "vidgen_desktop"]


def cli_env(home: Path, **extra: str) -> dict[str, str]:
    return {**os.environ, "VIDGEN_HOME": str(home), "OMP_NUM_THREADS": "1", **extra}


def run_cli(*args: str, home: Path, stdin: str | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, env=cli_env(home, **env), timeout=120,
                          input=stdin, check=False)


def private_tmp(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """The CLI's temp folder, watched: left-overs stay visible, and so does a temporary folder that the
    garbage collector removed at exit instead of the code (its ResourceWarning: "Implicitly cleaning up")."""
    root = tmp_path / "tmp"
    root.mkdir()
    return root, {"TMPDIR": str(root), "PYTHONWARNINGS": "always::ResourceWarning"}


def wav_seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as w:
        return w.getnframes() / w.getframerate()


def test_tts_writes_a_wav_and_captions(tmp_path: Path) -> None:
    out, srt = tmp_path / "hello.wav", tmp_path / "hello.srt"
    r = run_cli("tts", "Hello from the command line. It works!", "-o", str(out), "--srt", str(srt), home=tmp_path)
    assert r.returncode == 0, r.stderr
    assert str(out) in r.stdout and "eSpeak NG" in r.stdout
    cues = read_srt(srt)
    assert [c.text for c in cues] == ["Hello from the command line.", "It works!"]
    assert abs(cues[-1].end - wav_seconds(out)) <= 0.1
    assert "Traceback" not in r.stderr


def test_tts_json_script_file_and_stdin(tmp_path: Path) -> None:
    script = tmp_path / "s.txt"
    script.write_text("Erster Satz. Zweiter Satz.", encoding="utf-8")
    r = run_cli("tts", "--script", str(script), "--language", "de", "--engine", "system", "-o",
                str(tmp_path / "de.wav"), "--json", home=tmp_path)
    assert r.returncode == 0, r.stderr
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    done = lines[-1]
    assert done["event"] == "done" and done["engine"] == "system" and done["language"] == "de"
    assert done["sentences"] == 2 and done["duration_s"] > 0.5
    assert {e["stage"] for e in lines[:-1]} >= {"narrate", "mix"}
    r = run_cli("tts", "-", "-o", str(tmp_path / "in.wav"), home=tmp_path, stdin="From standard input.")
    assert r.returncode == 0, r.stderr and (tmp_path / "in.wav").is_file()


def test_list_voices_and_languages(tmp_path: Path) -> None:
    r = run_cli("tts", "--list-languages", home=tmp_path)
    assert r.returncode == 0 and "en-us" in r.stdout.split()
    r = run_cli("tts", "--list-voices", "--json", home=tmp_path)
    assert r.returncode == 0 and any(v["id"] == "f3" for v in json.loads(r.stdout)["voices"])


@pytest.mark.parametrize(
    ("args", "code", "text"),
    [
        (["tts", "", "-o", "{out}"], 1, "script is empty"),
        (["tts", "Hi.", "-o", "{out}", "--language", "xx"], 2, "language 'xx' is not supported"),
        (["tts", "Hi.", "-o", "{out}", "--engine", "xtts"], 1, "needs a model"),
        (["tts", "Hi.", "-o", "{out}", "--engine", "bark"], 1, "models download bark-small"),
        (["tts", "Hi.", "-o", "{out}", "--engine", "system", "--voice-sample", "{out}"], 2, "--engine xtts"),
        (["tts", "Hi.", "-o", "{out}", "--voice", "a", "--voice-sample", "b"], 2, "not allowed with"),
        (["tts", "Hi."], 2, "-o"),
        (["tts", "Hi.", "-o", "{dir}/nope/x.wav"], 1, "does not exist"),
        (["tts", "Hi.", "-o", "{dir}/x.mp3"], 1, ".wav"),
        (["tts", "--script", "{dir}/missing.txt", "-o", "{out}"], 1, "file not found"),
        (["tts", "Hi.", "-o", "{out}", "--engine", "magic"], 2, "invalid choice"),
    ],
)
def test_errors_are_one_clear_line(tmp_path: Path, args: list[str], code: int, text: str) -> None:
    names = {"out": str(tmp_path / "o.wav"), "dir": str(tmp_path)}
    r = run_cli(*[a.format(**names) for a in args], home=tmp_path)
    assert r.returncode == code, (r.returncode, r.stderr)
    assert text in r.stderr, r.stderr
    assert "Traceback" not in r.stderr
    assert not (tmp_path / "o.wav").exists()


# ------------------------------------------------------------------ render IMAGE --script (narrated videos)


def test_render_a_narrated_video(tmp_path: Path) -> None:
    from tests.media_factory import probe_text, textured_image, tone

    img = textured_image(tmp_path / "p.png", (320, 240))
    script = tmp_path / "s.txt"
    script.write_text("A picture and some words.\nThat is all it takes.", encoding="utf-8")
    out = tmp_path / "v.mp4"
    r = run_cli("render", str(img), "--script", str(script), "-o", str(out), "--tier", "kenburns",
                "--resolution", "160x90", "--fps", "10", "--json", home=tmp_path)
    assert r.returncode == 0, r.stderr
    done = json.loads(r.stdout.splitlines()[-1])
    assert done["captions"] == str(tmp_path / "v.srt")
    cues = read_srt(tmp_path / "v.srt")
    assert [c.text for c in cues] == ["A picture and some words.", "That is all it takes."]
    assert abs(cues[-1].end - done["duration_s"]) <= 0.1 + 1 / 10
    assert "Audio: aac" in probe_text(out)
    burned = tmp_path / "b.mp4"
    r = run_cli("render", str(img), "--script", str(script), "-o", str(burned), "--captions", "burn", "--music",
                str(tone(tmp_path / "m.wav", 1.0)), "--tier", "kenburns", "--resolution", "160x90", "--fps", "10",
                home=tmp_path)
    assert r.returncode == 0, r.stderr
    assert burned.is_file() and not (tmp_path / "b.srt").exists()


def test_burned_captions_warn_before_the_render_when_no_font_has_the_text(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.media_factory import textured_image
    from vidgen_desktop.cli.main import main
    from vidgen_desktop.engine.captions import fonts

    dejavu = next(Path("/usr/share/fonts").rglob("DejaVuSans.ttf"))
    monkeypatch.setattr(fonts, "default_search", lambda preferred=None: fonts.FontSearch(files=(str(dejavu),)))
    monkeypatch.setenv("VIDGEN_HOME", str(tmp_path))
    img = textured_image(tmp_path / "p.png", (64, 48))
    script = tmp_path / "s.txt"
    script.write_text("Hello 你好", encoding="utf-8")
    # The .avi output fails at the engine's first check: the warning must already be out by then.
    code = main(["render", str(img), "--script", str(script), "-o", str(tmp_path / "v.avi"), "--captions", "burn"])
    err = capsys.readouterr().err
    assert code == 1 and ".mp4" in err
    assert err.index("warning: Burned captions") < err.index(".mp4"), err
    assert "fonts-noto-cjk" in err
    main(["render", str(img), "--script", str(script), "-o", str(tmp_path / "w.avi"), "--captions", "srt"])
    assert "warning" not in capsys.readouterr().err, "an .srt sidecar needs no font"


@pytest.mark.parametrize(
    ("args", "code", "text"),
    [
        (["render", "{img}", "{aud}", "--script", "{script}", "-o", "{out}"], 2, "not both"),
        (["render", "{img}", "{aud}", "--music", "{aud}", "-o", "{out}"], 2, "go with --script"),
        (["render", "{img}", "--script", "{empty}", "-o", "{out}"], 1, "empty"),
        (["render", "{img}", "--script", "{script}", "-o", "{dir}/v.avi"], 1, ".mp4"),
        (["render", "{img}", "--script", "{script}", "--language", "xx", "-o", "{out}"], 2, "not supported"),
    ],
)
def test_render_script_errors(tmp_path: Path, args: list[str], code: int, text: str) -> None:
    from tests.media_factory import textured_image, tone

    (tmp_path / "s.txt").write_text("Hello.", encoding="utf-8")
    (tmp_path / "e.txt").write_text(" ", encoding="utf-8")
    names = {"img": str(textured_image(tmp_path / "i.png", (64, 64))), "aud": str(tone(tmp_path / "a.wav", 0.5)),
             "script": str(tmp_path / "s.txt"), "empty": str(tmp_path / "e.txt"), "out": str(tmp_path / "o.mp4"),
             "dir": str(tmp_path)}
    r = run_cli(*[a.format(**names) for a in args], home=tmp_path)
    assert r.returncode == code, (r.returncode, r.stderr)
    assert text in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "o.mp4").exists()


@pytest.mark.parametrize(
    ("extra", "code", "text"),
    [
        (["--music", "{bad}"], 1, "bad.wav"),
        (["--voice", "no-such-voice"], 2, "no-such-voice"),
        (["--voice-engine", "bark"], 1, "models download bark-small"),
    ],
)
def test_a_narrated_render_failing_at_entry_leaves_no_temporary_wavs(tmp_path: Path, extra: list[str], code: int,
                                                                     text: str) -> None:
    from tests.media_factory import textured_image

    root, env = private_tmp(tmp_path)
    (tmp_path / "bad.wav").write_bytes(b"not audio at all" * 10)
    (tmp_path / "s.txt").write_text("Hello there. Good bye.", encoding="utf-8")
    out = tmp_path / "out" / "v.mp4"
    out.parent.mkdir()
    r = run_cli("render", str(textured_image(tmp_path / "i.png", (64, 64))), "--script", str(tmp_path / "s.txt"),
                *[a.format(bad=tmp_path / "bad.wav") for a in extra], "-o", str(out), home=tmp_path, **env)
    assert r.returncode == code, (r.returncode, r.stderr)
    assert text in r.stderr and "Traceback" not in r.stderr
    assert "Implicitly cleaning up" not in r.stderr  # removed by the code, not by the garbage collector
    assert list(root.iterdir()) == [] and list(out.parent.iterdir()) == []


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("stage", ["narrate", "render"])
def test_ctrl_c_during_a_narrated_render_leaves_nothing(tmp_path: Path, stage: str) -> None:
    from tests.media_factory import textured_image

    root, env = private_tmp(tmp_path)
    sentences = 80 if stage == "narrate" else 12
    (tmp_path / "s.txt").write_text(" ".join(f"This is sentence {i} of the story." for i in range(sentences)),
                                    encoding="utf-8")
    out = tmp_path / "out" / "v.mp4"
    out.parent.mkdir()
    proc = subprocess.Popen([*CLI, "render", str(textured_image(tmp_path / "i.png")), "--script",
                             str(tmp_path / "s.txt"), "-o", str(out), "--tier", "kenburns", "--resolution", "720p",
                             "--fps", "30", "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=cli_env(tmp_path, **env))
    assert proc.stdout is not None
    for line in proc.stdout:  # wait until it is speaking (or encoding) with its temporary WAVs in place
        event = json.loads(line)
        if event.get("stage") == stage and event.get("done", 0) >= 1:
            break
    assert len(list(root.glob("vidgen-narration-*"))) == 1
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "cancelled" in err and "Traceback" not in err and "Implicitly cleaning up" not in err
    assert list(root.iterdir()) == [] and list(out.parent.iterdir()) == []
