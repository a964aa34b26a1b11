"""Whisper models go through the same download, resume and verify path as every other model (fake hub on loopback)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.engine.models.conftest import FAST
from tests.helpers.fake_hub import FakeHub
from vidgen_desktop.engine.models import ModelStore
from vidgen_desktop.engine.models.errors import VerificationError
from vidgen_desktop.engine.transcribe import transcribe


def test_whisper_downloads_resumes_verifies_and_transcribes(whisper_folder: Path, speech: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    files = {p.name: p.read_bytes() for p in whisper_folder.iterdir()}
    files["README.md"] = b"# faster-whisper tiny\n"  # not part of the model: never fetched
    files[".gitattributes"] = b"*.bin filter=lfs\n"
    with FakeHub() as hub:
        hub.add_repo("Systran/faster-whisper-tiny", files)
        store = ModelStore(tmp_path / "models", endpoint=hub.url, retry=FAST, disk_margin=0,
                           hf_cache_dir=tmp_path / "hf-cache")
        plan = store.plan("whisper-tiny")
        assert sorted(f.rel for f in plan.files) == sorted(set(files) - {"README.md", ".gitattributes"})
        hub.drop("model.bin", after=200_000)  # the connection breaks mid-file: resumed with a Range request
        store.download("whisper-tiny")
        assert hub.served("model.bin") == len(files["model.bin"])
    assert "whisper-tiny" in store.installed_ids()
    store.verify("whisper-tiny")
    t = transcribe(speech, model_id="tiny", store=store)
    assert t.cues and t.words
    # A damaged file is found by verify and the model is no longer installed.
    target = store.local_path("whisper-tiny") / "model.bin"
    data = bytearray(target.read_bytes())
    data[5000] ^= 0xFF
    target.write_bytes(bytes(data))
    with pytest.raises(VerificationError):
        store.verify("whisper-tiny")
    assert "whisper-tiny" not in store.installed_ids()
