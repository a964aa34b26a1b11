"""The files the installers and the bundle are made from: icons, the spec, the installer scripts, the version."""

from __future__ import annotations

import ast
import importlib.util
import plistlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from vidgen_desktop import __version__

ROOT = Path(__file__).resolve().parents[2]
ICONS = ROOT / "resources" / "icons"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512, 1024)


def _make_icons() -> object:
    spec = importlib.util.spec_from_file_location("make_icons", ROOT / "scripts" / "make_icons.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.parametrize("size", PNG_SIZES)
def test_png_icons_exist_at_every_size(size: int) -> None:
    im = Image.open(ICONS / f"vidgen-{size}.png")
    assert im.size == (size, size) and im.mode == "RGBA"
    alpha = im.getchannel("A")
    assert alpha.getpixel((0, 0)) == 0, "corners are transparent (a rounded tile)"
    assert alpha.getpixel((size // 2, size // 2)) == 255
    # The play mark: the centre is (nearly) white, the tile around it is coloured.
    r, g, b, _ = im.convert("RGBA").getpixel((size // 2, int(size * 0.45)))
    assert min(r, g, b) > 200


def test_windows_ico_holds_each_size_drawn_separately() -> None:
    ico = Image.open(ICONS / "vidgen.ico")
    assert sorted(ico.ico.sizes()) == [(s, s) for s in (16, 24, 32, 48, 64, 128, 256)]  # type: ignore[attr-defined]
    ico.size = (16, 16)  # type: ignore[misc]
    ico.load()
    png16 = Image.open(ICONS / "vidgen-16.png")
    assert ico.convert("RGBA").tobytes() == png16.tobytes(), "16 px is the hand-tuned small drawing"


def test_macos_icns_is_readable_up_to_1024() -> None:
    icns = Image.open(ICONS / "vidgen.icns")
    assert icns.size == (1024, 1024)
    sizes = icns.info["sizes"]
    for want in ((16, 16, 2), (32, 32, 2), (128, 128, 1), (256, 256, 1), (512, 512, 1), (512, 512, 2)):
        assert want in sizes


def test_icons_are_made_by_the_project_script() -> None:
    """The committed icons are exactly what scripts/make_icons.py draws (small sizes; the big ones take seconds)."""
    mod = _make_icons()
    for size in (16, 32, 64):
        drawn = mod.draw_icon(size)  # type: ignore[attr-defined]
        assert drawn.tobytes() == Image.open(ICONS / f"vidgen-{size}.png").convert("RGBA").tobytes(), size


def test_spec_is_valid_python_and_keeps_torch_out_of_lite() -> None:
    text = (ROOT / "build_spec.py").read_text()
    ast.parse(text)
    assert 'EDITIONS = ("lite", "full")' in text
    for name in ("torch", "diffusers", "transformers", "TTS"):
        assert f'"{name}"' in text.split("AI_PACKAGES = [", 1)[1].split("]", 1)[0]
    assert "imageio_ffmpeg/binaries" in text and '"resources"' in text and "catalogue" in text


def test_spec_cli_refuses_an_unknown_edition() -> None:
    proc = subprocess.run([sys.executable, str(ROOT / "build_spec.py"), "medium"], capture_output=True, text=True,
                          timeout=60, check=False)
    assert proc.returncode == 2 and "invalid choice" in proc.stderr


def test_one_version_number() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+([.-]?\w+)?", __version__)
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert 'version = { attr = "vidgen_desktop.__version__" }' in pyproject
    proc = subprocess.run([sys.executable, "-m", "vidgen_desktop", "--version"], capture_output=True, text=True,
                          timeout=60, check=False)
    assert proc.returncode == 0 and proc.stdout.strip().endswith(__version__)


def test_linux_desktop_file() -> None:
    path = ROOT / "installer" / "linux" / "vidgen-desktop.desktop"
    entry = dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    assert entry["Exec"].startswith("vidgen-desktop") and entry["Icon"] == "vidgen-desktop"
    mimes = set(entry["MimeType"].strip(";").split(";"))
    assert {"image/jpeg", "image/png", "audio/mpeg"} <= mimes
    if shutil.which("desktop-file-validate"):
        proc = subprocess.run(["desktop-file-validate", str(path)], capture_output=True, text=True, check=False)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "error" not in proc.stdout.lower()


def test_windows_installer_is_per_user_with_shortcuts() -> None:
    iss = (ROOT / "installer" / "windows" / "vidgen.iss").read_text()
    assert "PrivilegesRequired=lowest" in iss
    assert "{autoprograms}\\VidGen" in iss and "{autodesktop}\\VidGen" in iss
    assert "SetupIconFile=..\\..\\resources\\icons\\vidgen.ico" in iss
    assert "GetVersionNumbersString" in iss  # the version comes from VidGen.exe, i.e. from __version__


def test_macos_entitlements_plist_parses() -> None:
    data = plistlib.loads((ROOT / "installer" / "macos" / "entitlements.plist").read_bytes())
    assert data["com.apple.security.cs.allow-unsigned-executable-memory"] is True


@pytest.mark.parametrize("script", ["scripts/build_bundle.sh", "installer/linux/build_deb.sh",
                                    "installer/linux/build_appimage.sh", "installer/macos/make_dmg.sh",
                                    "installer/linux/AppRun"])
def test_shell_scripts_parse(script: str) -> None:
    path = ROOT / script
    assert path.stat().st_mode & 0o111, f"{script} is not executable"
    shell = "sh" if script.endswith("AppRun") else "bash"
    subprocess.run([shell, "-n", str(path)], check=True)
