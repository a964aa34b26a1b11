"""Settings: typed round trip, atomic write, tolerance of damaged files, and the Qt store's debounce."""

from __future__ import annotations

import json
from pathlib import Path

from pytestqt.qtbot import QtBot

from vidgen_desktop.bridge.settings_store import SettingsStore
from vidgen_desktop.core.settings import SETTINGS_VERSION, OutputSettings, Settings, load_settings, save_settings


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    s = Settings(last_image_dir="/pics", last_audio_dir="/music",
                 output=OutputSettings(resolution="1080p", fps="30", aspect="9:16", fit="crop", quality="high",
                                       motion="zoom-in", tier="kenburns", folder="/videos"),
                 window_geometry="AAAA")
    save_settings(s, path)
    result = load_settings(path)
    assert result.problem is None
    assert result.settings == s
    assert json.loads(path.read_text())["version"] == SETTINGS_VERSION
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]  # no temp file left


def test_missing_file_is_a_first_start(tmp_path: Path) -> None:
    result = load_settings(tmp_path / "nope.json")
    assert result.settings == Settings() and result.problem is None


def test_corrupt_file_is_kept_aside_and_defaults_used(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text('{"version": 1, "output": {"fps": "30"')  # truncated mid-write
    result = load_settings(path)
    assert result.settings == Settings()
    assert result.problem and "could not be read" in result.problem
    backups = list(tmp_path.glob("settings.json.corrupt-*"))
    assert len(backups) == 1 and backups[0].read_text().startswith('{"version"')
    assert not path.exists()


def test_binary_garbage_and_wrong_top_level_type(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_bytes(b"\x00\xff\xfe garbage")
    assert load_settings(path).problem
    path.write_text("[1, 2, 3]")
    result = load_settings(path)
    assert result.settings == Settings() and result.problem


def test_bad_values_are_reset_one_field_at_a_time(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({
        "version": 99, "last_image_dir": "/kept", "last_audio_dir": 7, "unknown_key": True,
        "output": {"fps": "1000", "resolution": "720p", "fit": "stretch", "tier": "svd"},
    }))
    result = load_settings(path)
    s = result.settings
    assert result.problem is None
    assert s.last_image_dir == "/kept" and s.last_audio_dir == ""
    assert s.output.resolution == "720p" and s.output.tier == "svd"
    assert s.output.fps == "auto" and s.output.fit == "blur"


def test_store_debounces_and_flushes(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "sub" / "settings.json"
    store = SettingsStore(path)
    for q in ("draft", "high", "standard"):
        store.update_output(quality=q)
    assert not path.exists()  # not yet: one write for a burst of changes
    qtbot.waitUntil(path.exists, timeout=3000)
    assert load_settings(path).settings.output.quality == "standard"
    store.update(last_image_dir="/x")
    assert store.flush()
    assert SettingsStore(path).settings.last_image_dir == "/x"


def test_store_reports_an_unwritable_location(qtbot: QtBot, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    store = SettingsStore(blocker / "settings.json")
    with qtbot.waitSignal(store.save_failed, timeout=1000):
        assert not store.flush()


def test_geometry_bytes_round_trip() -> None:
    from PySide6.QtCore import QByteArray

    data = QByteArray(b"\x01\x02geometry\xff")
    text = SettingsStore.encode_bytes(data)
    assert SettingsStore.decode_bytes(text) == data
    assert SettingsStore.decode_bytes("not base64!!") is None
    assert SettingsStore.decode_bytes("") is None
