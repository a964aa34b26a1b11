"""The About box, the window icon, what a frozen bundle knows about itself, and how it explains what it lacks."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from vidgen_desktop import __version__
from vidgen_desktop.core import bundle, licences


@pytest.fixture
def frozen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Pretend to be a PyInstaller bundle rooted at ``tmp_path``; returns a writer for bundle-info.json."""
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    bundle.bundle_info.cache_clear()

    def write(flavour: str) -> Path:
        (tmp_path / bundle.BUNDLE_INFO_NAME).write_text(json.dumps({"flavour": flavour, "version": __version__}))
        bundle.bundle_info.cache_clear()
        return tmp_path

    yield write
    bundle.bundle_info.cache_clear()


def test_source_install_is_not_an_edition() -> None:
    assert not bundle.is_frozen() and bundle.edition() == "source" and bundle.bundle_root() is None
    hint = bundle.missing_parts_hint(["torch"], pip_hint="pip install 'vidgen-desktop[ai]'")
    assert hint == "torch is not installed: pip install 'vidgen-desktop[ai]'"


def test_lite_bundle_explains_what_it_lacks_without_pip(frozen) -> None:  # type: ignore[no-untyped-def]
    root = frozen("lite")
    assert bundle.is_frozen() and bundle.edition() == "lite" and bundle.bundle_root() == root
    hint = bundle.missing_parts_hint(["torch", "diffusers"], pip_hint="pip install x")
    assert "not part of VidGen Lite" in hint and "Full edition" in hint and "pip" not in hint
    assert "Lite" in bundle.edition_label()
    assert bundle.licences_folder() is None
    (root / "licenses").mkdir()
    assert bundle.licences_folder() == root / "licenses"


def test_full_bundle_missing_a_part_is_damaged(frozen) -> None:  # type: ignore[no-untyped-def]
    frozen("full")
    assert "reinstall VidGen" in bundle.missing_parts_hint(["torch"], pip_hint="pip install x")


def test_bundle_without_info_is_unknown_not_a_crash(frozen, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / bundle.BUNDLE_INFO_NAME).write_text("not json")
    bundle.bundle_info.cache_clear()
    assert bundle.edition() == "unknown" and bundle.edition_label() == "bundled"


def test_licence_table() -> None:
    names = {c.name for c in licences.COMPONENTS}
    assert {"Python", "Qt 6 / PySide6", "FFmpeg (from imageio-ffmpeg)", "PyTorch"} <= names
    for c in licences.COMPONENTS:
        assert c.licence and c.url.startswith("https://") and c.group in {"base", "media", "tts", "ai", "build"}
    present = {pc.component.name: pc.version for pc in licences.present_components(frozen=False)}
    assert present["NumPy"] and present["Qt 6 / PySide6"] and present["Python"] == ".".join(map(str, sys.version_info[:3]))
    assert "PyInstaller bootloader" not in present
    assert "PyInstaller bootloader" in {pc.component.name for pc in licences.present_components(frozen=True)}
    assert "numpy" in licences.distributions_for({"base"}) and "torch" not in licences.distributions_for({"base"})


def test_about_dialog_shows_version_edition_and_licences(qtbot: QtBot, tmp_path: Path) -> None:
    from vidgen_desktop.ui.about import AboutDialog

    d = AboutDialog(tmp_path)
    qtbot.addWidget(d)
    header = d.header.text()
    assert f"VidGen {__version__}" in header and "installed from source" in header and str(tmp_path) in header
    text = d.licences.toPlainText()
    assert "LGPL-3.0" in text and "GPL-3.0-or-later" in text and "MIT-CMU" in text
    # The models are not bundled; each one's licence is named.
    assert "Stable Video Diffusion Community License" in text and "CreativeML Open RAIL-M" in text
    assert "Sample picture, sample music and icon: CC0" in text


def test_window_icon_comes_from_resources(qtbot: QtBot) -> None:
    from PySide6.QtCore import QSize

    from vidgen_desktop.ui.about import ICON_SIZES, icon_files, window_icon

    assert sorted(icon_files()) == sorted(ICON_SIZES)
    icon = window_icon()
    assert not icon.isNull()
    assert {s.width() for s in icon.availableSizes()} >= {16, 32, 256}
    assert icon.pixmap(QSize(48, 48)).width() == 48


def test_window_icon_falls_back_to_the_drawn_one(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch,
                                                 tmp_path: Path) -> None:
    from vidgen_desktop.ui import about

    monkeypatch.setattr(about, "resources_dir", lambda: tmp_path)
    assert about.icon_files() == {}
    assert not about.window_icon().isNull()


def test_about_menu_opens_the_dialog(qtbot: QtBot, qasync_loop: object) -> None:
    from PySide6.QtWidgets import QDialog

    from vidgen_desktop.bridge.services import create_services
    from vidgen_desktop.core.paths import app_paths
    from vidgen_desktop.ui.main_window import MainWindow

    services = create_services(app_paths())
    w = MainWindow(services)
    try:
        w.show()
        qtbot.waitExposed(w)
        w.about_action.trigger()
        dialog = w.findChild(QDialog, "aboutDialog")
        assert dialog is not None and dialog.isVisible()
        assert __version__ in dialog.header.text()  # type: ignore[attr-defined]
        dialog.close()
    finally:
        w.close()
        services.shutdown()
        w.deleteLater()
        qtbot.wait(10)
