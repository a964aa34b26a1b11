"""Offline mode and where the endpoint and token come from, against the loopback fake hub."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.fake_hub import FakeHub
from vidgen_desktop.engine.models import ModelState, ModelStore
from vidgen_desktop.engine.models.hub import OfflineModeError, is_offline, resolve_endpoint, resolve_token


@pytest.mark.parametrize("var", ["HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"])
def test_offline_mode_sends_nothing_and_says_why(store: ModelStore, hub: FakeHub, monkeypatch: pytest.MonkeyPatch,
                                                 var: str) -> None:
    monkeypatch.setenv(var, "1")
    with pytest.raises(OfflineModeError) as info:
        store.download("svd", accept_licence=True)
    assert info.value.message == "Offline mode (HF_HUB_OFFLINE=1) is on: downloads are disabled"
    assert "models import" in info.value.hint
    with pytest.raises(OfflineModeError):
        store.plan("xtts-v2")
    assert list(hub.requests()) == [], "offline mode must not reach the network at all"
    assert store.status("svd").state is ModelState.NOT_INSTALLED  # local questions still answered

    monkeypatch.setenv(var, "0")
    assert not is_offline()
    store.download("svd", accept_licence=True)
    assert store.status("svd").state is ModelState.INSTALLED and list(hub.requests())


def test_endpoint_precedence_flag_then_environment_then_saved(monkeypatch: pytest.MonkeyPatch) -> None:
    assert resolve_endpoint() == "https://huggingface.co"
    assert resolve_endpoint(saved="https://saved.example/") == "https://saved.example"
    monkeypatch.setenv("HF_ENDPOINT", "https://env.example")
    assert resolve_endpoint(saved="https://saved.example") == "https://env.example"
    assert resolve_endpoint("https://flag.example", saved="https://saved.example") == "https://flag.example"


def test_token_precedence_given_then_environment_then_saved_then_login(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    assert resolve_token() is None
    (tmp_path / "hf-home").mkdir()
    (tmp_path / "hf-home" / "token").write_text("hf_login\n")
    assert resolve_token() == "hf_login"
    assert resolve_token(saved="hf_saved") == "hf_saved"
    monkeypatch.setenv("HF_TOKEN", "hf_env")
    assert resolve_token(saved="hf_saved") == "hf_env"
    assert resolve_token("hf_given", saved="hf_saved") == "hf_given"
