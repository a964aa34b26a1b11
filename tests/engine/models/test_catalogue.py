"""The shipped catalogue, file selection, progress arithmetic and formatting (no network)."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from vidgen_desktop.core.tiers import TIER_MODELS
from vidgen_desktop.engine.models.catalogue import KINDS, Source, load_builtin_catalogue
from vidgen_desktop.engine.models.hub import RemoteFile, _next_link, resolve_endpoint
from vidgen_desktop.engine.models.progress import DownloadProgress, ProgressMeter
from vidgen_desktop.engine.models.selection import missing_required, select_files


def test_catalogue_is_package_data_with_every_model_the_tiers_use() -> None:
    raw = json.loads(resources.files("vidgen_desktop.engine.models").joinpath("catalogue.json").read_text())
    assert raw["format"] == 1
    cat = load_builtin_catalogue()
    assert set(cat.ids()) == {"svd", "svd-xt", "animatediff", "ltx-video", "wan2.2-ti2v-5b", "xtts-v2", "bark-small",
                              "bark", "whisper-tiny", "whisper-base", "whisper-small", "whisper-large-v3-turbo",
                              "m2m100-418m", "nllb-200-distilled-600m", "opus-mt-en-de"}
    for e in cat:
        assert e.builtin and e.name and e.kind in KINDS and e.tier
        assert e.download_bytes and e.download_bytes > 50_000_000
        assert e.licences
        for s in e.sources:
            assert s.repo.count("/") == 1 and s.revision and s.allow and s.required
    for tier, (model_id, _short) in TIER_MODELS.items():
        # What a video model needs comes from the memory plan alone (engine.decide.vram_need_gib).
        e = cat.get(model_id)
        assert e.tier == tier.value and e.vram_gb is None and e.ram_gb is None, f"{model_id}: own memory figures"
    assert all(e.vram_gb and e.ram_gb for e in cat if e.tier in ("tts", "captions"))


def test_catalogue_repos_and_licences() -> None:
    cat = load_builtin_catalogue()
    assert cat.get("svd").repo == "stabilityai/stable-video-diffusion-img2vid"
    xt = cat.get("svd-xt").sources[0]
    assert xt.repos == ("stabilityai/stable-video-diffusion-img2vid-xt-1-1",
                        "stabilityai/stable-video-diffusion-img2vid-xt")
    ad = cat.get("animatediff")
    assert [s.role for s in ad.sources] == ["motion_adapter", "base", "sparsectrl"]
    assert ad.source("sparsectrl").repo == "guoyww/animatediff-sparsectrl-rgb"
    assert ad.source("sparsectrl").subdir == "sparsectrl"
    assert [lic.role for lic in ad.licences_to_accept] == ["base"]  # SparseCtrl is Apache-2.0
    assert cat.get("xtts-v2").repo == "coqui/XTTS-v2"
    assert {cat.get(i).repo for i in ("bark-small", "bark")} == {"suno/bark-small", "suno/bark"}
    need_accept = {e.id for e in cat if e.licences_to_accept}
    assert need_accept == {"svd", "svd-xt", "animatediff", "ltx-video", "xtts-v2", "nllb-200-distilled-600m"}
    assert cat.get("ltx-video").licences_to_accept[0].name == "LTXV Open Weights License"
    assert cat.get("wan2.2-ti2v-5b").repo == "Wan-AI/Wan2.2-TI2V-5B-Diffusers"
    assert not cat.get("wan2.2-ti2v-5b").licences_to_accept  # Apache-2.0
    assert "Coqui Public Model License" in cat.get("xtts-v2").licences_to_accept[0].name
    assert cat.get("svd").gated and not cat.get("bark").gated
    # Captions: Whisper in CTranslate2 form (MIT), translation models with their licences.
    assert cat.get("whisper-small").repo == "Systran/faster-whisper-small"
    assert cat.get("whisper-large-v3-turbo").sources[0].repos[0] == "mobiuslabsgmbh/faster-whisper-large-v3-turbo"
    assert all(e.licences[0].name == "MIT" for e in cat if e.kind == "whisper")
    assert cat.get("m2m100-418m").licences[0].name == "MIT"
    assert cat.get("nllb-200-distilled-600m").licences_to_accept[0].name == "CC-BY-NC-4.0"


def _files(*paths: str) -> list[RemoteFile]:
    return [RemoteFile(p, 1) for p in paths]


def test_selection_prefers_fp16_safetensors_per_folder() -> None:
    src = load_builtin_catalogue().get("svd").sources[0]
    files = _files("model_index.json", "README.md", "svd.safetensors", "svd_image_decoder.safetensors",
                   "unet/config.json", "unet/diffusion_pytorch_model.fp16.safetensors",
                   "unet/diffusion_pytorch_model.safetensors", "vae/config.json",
                   "vae/diffusion_pytorch_model.safetensors", "image_encoder/config.json",
                   "image_encoder/model.fp16.safetensors", "image_encoder/model.safetensors",
                   "scheduler/scheduler_config.json", "feature_extractor/preprocessor_config.json")
    chosen = {f.path for f in select_files(files, src)}
    assert chosen == {"model_index.json", "unet/config.json", "unet/diffusion_pytorch_model.fp16.safetensors",
                      "vae/config.json", "vae/diffusion_pytorch_model.safetensors", "image_encoder/config.json",
                      "image_encoder/model.fp16.safetensors", "scheduler/scheduler_config.json",
                      "feature_extractor/preprocessor_config.json"}
    assert missing_required(chosen, src) == []
    assert missing_required(chosen - {"vae/diffusion_pytorch_model.safetensors"}, src) == ["vae/*.safetensors"]


def test_selection_of_sharded_fp16_weights() -> None:
    src = Source(role="x", repo="a/b", allow=("unet/*",), prefer=("*fp16*.safetensors", "*.safetensors"))
    files = _files("unet/diffusion_pytorch_model.fp16-00001-of-00002.safetensors",
                   "unet/diffusion_pytorch_model.fp16-00002-of-00002.safetensors",
                   "unet/diffusion_pytorch_model.safetensors.index.fp16.json",
                   "unet/diffusion_pytorch_model-00001-of-00002.safetensors")
    assert [f.path for f in select_files(files, src)] == [
        "unet/diffusion_pytorch_model.fp16-00001-of-00002.safetensors",
        "unet/diffusion_pytorch_model.fp16-00002-of-00002.safetensors",
        "unet/diffusion_pytorch_model.safetensors.index.fp16.json"]


def test_bark_prefers_safetensors_over_bin() -> None:
    src = load_builtin_catalogue().get("bark-small").sources[0]
    files = _files("config.json", "pytorch_model.bin", "model.safetensors", "text.pt", "vocab.txt",
                   "speaker_embeddings/v2/en_speaker_0_semantic_prompt.npy", "speaker_embeddings_path.json")
    assert {f.path for f in select_files(files, src)} == {
        "config.json", "model.safetensors", "vocab.txt", "speaker_embeddings/v2/en_speaker_0_semantic_prompt.npy",
        "speaker_embeddings_path.json"}
    only_bin = [f for f in files if f.path != "model.safetensors"]
    assert "pytorch_model.bin" in {f.path for f in select_files(only_bin, src)}


def test_meter_speed_eta_and_resumed_bytes() -> None:
    now = [0.0]
    events: list[DownloadProgress] = []
    m = ProgressMeter("m", 1000, 1, events.append, min_interval=0.0, clock=lambda: now[0])
    m.start_file("f", 1000)
    m.add(400, network=False)  # resumed from disk: done, but not speed
    now[0] = 1.0
    m.add(100, network=True)
    e = events[-1]
    assert (e.done, e.file_done, e.speed_bps) == (500, 500, 100.0)
    assert e.eta_s == pytest.approx(5.0)
    assert e.fraction == 0.5
    m.end_file()
    m.finish()
    assert events[-1].phase == "done"


def test_meter_throttles_events() -> None:
    now = [0.0]
    events: list[DownloadProgress] = []
    m = ProgressMeter("m", 10_000, 1, events.append, min_interval=0.1, clock=lambda: now[0])
    m.start_file("f", 10_000)
    for _ in range(100):
        m.add(10, network=True)
    assert len(events) == 1
    now[0] = 0.2
    m.add(10, network=True)
    assert len(events) == 2


def test_endpoint_and_link_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HF_ENDPOINT", raising=False)
    assert resolve_endpoint() == "https://huggingface.co"
    monkeypatch.setenv("HF_ENDPOINT", "https://hf-mirror.example/")
    assert resolve_endpoint() == "https://hf-mirror.example"
    assert resolve_endpoint("http://x") == "http://x"
    assert _next_link('<https://h/api/tree?cursor=2>; rel="next"') == "https://h/api/tree?cursor=2"
    assert _next_link(None) is None
