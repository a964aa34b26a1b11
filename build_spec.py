# -*- mode: python -*-
"""PyInstaller spec for the double-click app: a one-folder bundle named VidGen.

Two editions from this one spec:

- ``lite``: the window, Ken Burns, the system voice, the model manager. torch and the
  diffusion/TTS stack are excluded even when the build environment has them; the app
  says in its panels that they are not part of Lite (``vidgen_desktop.core.bundle``).
- ``full``: also torch, diffusers, transformers, accelerate, safetensors and coqui-tts
  (whatever of them the build environment has installed; build it in an environment
  made with ``scripts/setup.sh ai tts`` or ``scripts/build_bundle.sh full``).

Build (on the OS you build for; PyInstaller does not cross-compile)::

    python build_spec.py lite            # -> dist/lite/VidGen/
    python build_spec.py full            # -> dist/full/VidGen/
    scripts/build_bundle.sh lite         # the same in a clean build venv, then --self-test

(``pyinstaller`` only accepts specs named ``*.spec``: run as a script, this file writes
a two-line ``.spec`` that executes it, then calls PyInstaller.)

The bundle holds: the ``VidGen`` executable (Windows: also ``vidgen-desktop.exe``, a
console twin for the command line and ``--self-test``; macOS: ``VidGen.app``), the
``resources/`` folder (sample, icons), the model catalogue, imageio-ffmpeg's ffmpeg,
the Qt platform plugins (offscreen, xcb, wayland / windows / cocoa), ``bundle-info.json``
(edition, version) and ``licenses/`` (the licence texts of every bundled part).
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

EDITIONS = ("lite", "full")


def _cli() -> int:
    """``python build_spec.py lite|full [--clean] [--dist DIR] [--work DIR]``: run PyInstaller on this spec."""
    import argparse

    root = Path(__file__).resolve().parent
    p = argparse.ArgumentParser(prog="python build_spec.py", description="Build the VidGen one-folder app.")
    p.add_argument("edition", choices=EDITIONS, nargs="?", default=os.environ.get("VIDGEN_FLAVOUR", "lite"))
    p.add_argument("--clean", action="store_true", help="empty PyInstaller's cache first")
    p.add_argument("--dist", type=Path, default=None, help="output folder (default dist/<edition>)")
    p.add_argument("--work", type=Path, default=None, help="work folder (default build/pyinstaller-<edition>)")
    a = p.parse_args()
    dist = (a.dist or root / "dist" / a.edition).resolve()
    work = (a.work or root / "build" / f"pyinstaller-{a.edition}").resolve()
    work.mkdir(parents=True, exist_ok=True)
    spec = work / f"VidGen-{a.edition}.spec"
    spec.write_text(f"VIDGEN_FLAVOUR = {a.edition!r}\nVIDGEN_ROOT = {str(root)!r}\n"
                    f"exec(compile(open(VIDGEN_ROOT + '/build_spec.py', encoding='utf-8').read(), "
                    f"VIDGEN_ROOT + '/build_spec.py', 'exec'))\n", encoding="utf-8")
    import PyInstaller.__main__

    args = [str(spec), "--noconfirm", "--distpath", str(dist), "--workpath", str(work)]
    if a.clean:
        args.append("--clean")
    PyInstaller.__main__.run(args)
    return 0


if __name__ == "__main__" and "SPECPATH" not in globals():  # run as a script, not by PyInstaller
    sys.exit(_cli())

# ---------------------------------------------------------------------------------------------
# From here on PyInstaller executes this file as a spec: Analysis, PYZ, EXE, COLLECT, BUNDLE
# are in scope.
# ---------------------------------------------------------------------------------------------
import importlib.metadata as md
import shutil

from PyInstaller.utils.hooks import collect_data_files, collect_submodules, copy_metadata

FLAVOUR = globals().get("VIDGEN_FLAVOUR") or os.environ.get("VIDGEN_FLAVOUR", "lite")
if FLAVOUR not in EDITIONS:
    raise SystemExit(f"unknown edition {FLAVOUR!r}: choose one of {EDITIONS}")
ROOT = Path(globals().get("VIDGEN_ROOT") or SPECPATH).resolve()  # noqa: F821 - set by PyInstaller
WORK = Path(workpath)  # noqa: F821 - set by PyInstaller
sys.path.insert(0, str(ROOT))  # the package's own tables (licences) and version

APP_NAME = "VidGen"
CLI_NAME = "vidgen-desktop"
BUNDLE_ID = "org.vidgen.desktop"  # macOS; change before the first public release if you own another domain
_init = (ROOT / "vidgen_desktop" / "__init__.py").read_text(encoding="utf-8")
VERSION = re.search(r'^__version__ = "([^"]+)"', _init, re.MULTILINE).group(1)  # the one version number
ICONS = ROOT / "resources" / "icons"
IS_WIN, IS_MAC = sys.platform == "win32", sys.platform == "darwin"

# What Lite leaves out. Full keeps them; anything missing from the build venv is simply absent.
# Audio analysis is for every tier, so Lite bundles it: numpy and scipy (fft, ndimage) only; its filter banks are
# numpy (engine/audio/filterbanks.py), so librosa and what only librosa needs (numba, llvmlite: ~175 MB) stay out.
AI_PACKAGES = ["torch", "torchvision", "torchaudio", "torchcodec", "diffusers", "transformers", "accelerate",
               "safetensors", "TTS", "trainer", "coqpit", "coqpit_config", "encodec", "bark", "tokenizers",
               "sentencepiece", "spacy", "thinc", "sklearn", "librosa", "numba", "llvmlite", "soxr", "soundfile",
               "_soundfile", "_soundfile_data", "audioread", "pooch",
               "triton", "sympy", "networkx", "jinja2", "gruut", "g2pkk", "jamo", "pypinyin", "bangla",
               "nltk", "pandas", "matplotlib", "einops", "ftfy",
               # Transcription (Whisper via CTranslate2, its voice filter, its decoder): about 300 MB, Full only.
               "faster_whisper", "ctranslate2", "onnxruntime", "av"]
# Never useful in the app, whichever edition (they come in through optional imports of other packages).
ALWAYS_EXCLUDED = ["tkinter", "_tkinter", "IPython", "jupyter", "notebook", "pytest", "_pytest", "mypy",
                   "ruff", "importlinter", "grimp", "PyInstaller", "pip", "wheel", "pytestqt",
                   "PySide6.QtWebEngineCore", "PySide6.QtWebEngineWidgets", "PySide6.QtWebEngineQuick",
                   "PySide6.Qt3DCore", "PySide6.Qt3DRender", "PySide6.QtQuick3D", "PySide6.QtCharts",
                   "PySide6.QtDataVisualization", "PySide6.QtGraphs", "PySide6.QtPdf", "PySide6.QtDesigner",
                   "PySide6.QtBluetooth", "PySide6.QtLocation", "PySide6.QtPositioning", "PySide6.QtSql",
                   "PySide6.QtTest", "PySide6.QtHelp", "PySide6.QtSensors", "PySide6.QtSerialPort",
                   "PySide6.QtRemoteObjects", "PySide6.QtScxml", "PySide6.QtTextToSpeech", "PySide6.QtHttpServer",
                   "PySide6.QtWebSockets", "PySide6.QtNfc", "PySide6.QtNetworkAuth", "PySide6.QtSpatialAudio",
                   "PySide6.QtCanvasPainter", "PySide6.QtAsyncio", "PySide6.scripts"]
# Lite also drops yaml (numpy's optional config dump) and setuptools (Full keeps it: some TTS parts use pkg_resources).
excludes = list(ALWAYS_EXCLUDED) + (AI_PACKAGES + ["yaml", "setuptools", "pkg_resources"] if FLAVOUR == "lite" else [])


def _installed(dist: str) -> bool:
    try:
        md.version(dist)
    except md.PackageNotFoundError:
        return False
    return True


# ----------------------------------------------------------------- data files
datas = [
    (str(ROOT / "resources" / "sample.jpg"), "resources"),
    (str(ROOT / "resources" / "sample.m4a"), "resources"),
    (str(ROOT / "resources" / "README.md"), "resources"),
]
datas += [(str(p), "resources/icons") for p in sorted(ICONS.glob("vidgen-*.png"))]
datas += collect_data_files("vidgen_desktop", includes=["**/*.json"])  # the model catalogue

# imageio-ffmpeg's static ffmpeg, as a binary so it keeps its executable bit; get_ffmpeg_exe() finds it
# in imageio_ffmpeg/binaries/ next to the (frozen) package, exactly as in a venv.
import imageio_ffmpeg

binaries = [(imageio_ffmpeg.get_ffmpeg_exe(), "imageio_ffmpeg/binaries")]

hiddenimports = collect_submodules("vidgen_desktop")  # CLI commands and engines are imported by name
if _installed("pyttsx3"):  # the system voice on Windows/macOS (Linux prefers the espeak-ng binary)
    hiddenimports += collect_submodules("pyttsx3")
module_collection_mode: dict[str, str] = {}
if FLAVOUR == "full":
    # torch/transformers/diffusers read their own source (torch.jit, inspect) and load submodules lazily.
    for pkg in ("torch", "transformers", "diffusers", "TTS"):
        if _installed({"TTS": "coqui-tts"}.get(pkg, pkg)):
            module_collection_mode[pkg] = "pyz+py"
    # The engine imports these with importlib (so that Lite and mypy never touch them): name them.
    hiddenimports += [m for m, d in (("torch", "torch"), ("diffusers", "diffusers"), ("transformers", "transformers"),
                                     ("accelerate", "accelerate"), ("safetensors", "safetensors"),
                                     ("TTS", "coqui-tts")) if _installed(d)]
    if _installed("coqui-tts"):
        hiddenimports += collect_submodules("TTS.tts", on_error="ignore")
    for pkg in ("diffusers.pipelines.stable_video_diffusion", "diffusers.pipelines.animatediff",
                "diffusers.models", "diffusers.schedulers", "transformers.models.clip", "transformers.models.bark",
                "transformers.models.encodec"):
        if _installed(pkg.split(".")[0]):  # an absent package is an absent part, not a failed build
            hiddenimports += collect_submodules(pkg, on_error="ignore")

# Metadata (.dist-info) of what is bundled: importlib.metadata works frozen (versions in the About box,
# packages that check their dependencies' versions at import) and licence files come along.
from vidgen_desktop.core.licences import COMPONENTS, distributions_for

groups = {"base", "media", "tts"} | ({"ai"} if FLAVOUR == "full" else set())
bundled_dists = [d for d in distributions_for(groups) if _installed(d)]
for d in bundled_dists:
    # Full: recursive, because transformers and diffusers check their dependencies' versions at import.
    datas += copy_metadata(d, recursive=FLAVOUR == "full" and d in distributions_for({"ai"}))

# ----------------------------------------------------------------- generated files: bundle-info, licences
gen = WORK / "generated"
shutil.rmtree(gen, ignore_errors=True)
(gen / "licenses").mkdir(parents=True)
info = {
    "name": APP_NAME,
    "version": VERSION,
    "flavour": FLAVOUR,
    "python": ".".join(map(str, sys.version_info[:3])),
    "platform": sys.platform,
    "built": int(os.environ.get("SOURCE_DATE_EPOCH", "0")) or None,
    "packages": {d: md.version(d) for d in bundled_dists},
}
(gen / "bundle-info.json").write_text(json.dumps(info, indent=2), encoding="utf-8")
datas.append((str(gen / "bundle-info.json"), "."))

LIC = gen / "licenses"
LICENCE_FILE = re.compile(r"(LICEN[CS]E|COPYING|NOTICE|AUTHORS)", re.IGNORECASE)
for d in bundled_dists:
    dist = md.distribution(d)
    for f in dist.files or []:
        if LICENCE_FILE.search(Path(str(f)).name) and not str(f).endswith((".py", ".pyc", ".so", ".pyd", ".dll")):
            src = Path(str(dist.locate_file(f)))
            if src.is_file() and src.stat().st_size < 2_000_000:
                name = str(f).replace("\\", "/").split(".dist-info/")[-1].replace("/", "__")
                (LIC / d).mkdir(exist_ok=True)
                shutil.copyfile(src, LIC / d / name)
_pyver = f"python{sys.version_info[0]}.{sys.version_info[1]}"
py_licence = next((p for p in (Path(sys.base_prefix) / "LICENSE.txt", Path(sys.base_prefix) / "lib" / _pyver / "LICENSE.txt")
                   if p.is_file()), None)
if py_licence:
    shutil.copyfile(py_licence, LIC / "Python-LICENSE.txt")
for p in (ROOT / "installer" / "licenses").glob("*.txt"):
    shutil.copyfile(p, LIC / p.name)
if (ROOT / "LICENSE").is_file():
    shutil.copyfile(ROOT / "LICENSE", LIC / "VidGen-LICENSE.txt")
import PyInstaller as _pyi

_pyi_dist = Path(_pyi.__file__).resolve().parent.parent / f"pyinstaller-{_pyi.__version__}.dist-info"
_pyi_copying = _pyi_dist / "licenses" / "COPYING.txt"
if _pyi_copying.is_file():
    shutil.copyfile(_pyi_copying, LIC / "PyInstaller-COPYING.txt")
present = [c for c in COMPONENTS if c.dist is None or c.dist in bundled_dists]
(LIC / "README.txt").write_text(
    f"{APP_NAME} {VERSION} ({FLAVOUR} edition) bundles these parts:\n\n"
    + "".join(f"- {c.name}: {c.licence}" + (f" ({c.note})" if c.note else "") + f"\n  {c.url}\n" for c in present)
    + "\nLicence texts: one folder per Python distribution; GPL-3.0.txt and LGPL-3.0.txt for FFmpeg and Qt.\n"
      "Qt is used through shared libraries that you may replace with your own build (LGPL-3.0 section 4).\n"
      "FFmpeg is a separate program (imageio_ffmpeg/binaries); its source is at https://ffmpeg.org and the build\n"
      "recipe at https://github.com/BtbN/FFmpeg-Builds.\n", encoding="utf-8")
datas.append((str(LIC), "licenses"))

# ----------------------------------------------------------------- caption fonts
# A fallback for burned captions in the common non-CJK scripts (Latin, Greek, Cyrillic, Arabic, Hebrew,
# Devanagari, Bengali, Thai: ~1.3 MB, SIL OFL), taken from the build machine's Noto fonts when it has them
# (Debian: fonts-noto-core). CJK (~20 MB a face) is not bundled: Windows and macOS ship CJK fonts, and on Linux
# the app names the package to install before the render starts. The caption font search looks in resources/fonts.
_NOTO_DIRS = [Path("/usr/share/fonts/truetype/noto"), Path("/usr/share/fonts/noto"), Path("/usr/share/fonts/google-noto")]
_fonts = [next((d / f for d in _NOTO_DIRS if (d / f).is_file()), None)
          for f in ("NotoSans-Bold.ttf", "NotoSansArabic-Bold.ttf", "NotoSansHebrew-Bold.ttf",
                    "NotoSansDevanagari-Bold.ttf", "NotoSansBengali-Bold.ttf", "NotoSansThai-Bold.ttf")]
datas += [(str(f), "resources/fonts") for f in _fonts if f is not None]
if any(_fonts) and (_ofl := Path("/usr/share/doc/fonts-noto-core/copyright")).is_file():
    datas.append((str(_ofl), "resources/fonts"))
print(f"caption fonts bundled: {sum(f is not None for f in _fonts)} of {len(_fonts)}")

# ----------------------------------------------------------------- Windows version resource
version_file = None
if IS_WIN:
    nums = [int(x) for x in re.findall(r"\d+", VERSION)[:3]] + [0]
    nums = (nums + [0, 0, 0, 0])[:4]
    version_file = gen / "version_info.txt"
    version_file.write_text(f"""VSVersionInfo(
  ffi=FixedFileInfo(filevers={tuple(nums)}, prodvers={tuple(nums)}, mask=0x3f, flags=0x0, OS=0x40004,
                    fileType=0x1, subtype=0x0, date=(0, 0)),
  kids=[StringFileInfo([StringTable('040904B0', [
      StringStruct('CompanyName', 'VidGen'), StringStruct('FileDescription', 'VidGen Desktop'),
      StringStruct('FileVersion', '{VERSION}'), StringStruct('InternalName', 'VidGen'),
      StringStruct('LegalCopyright', 'MIT licence'), StringStruct('OriginalFilename', 'VidGen.exe'),
      StringStruct('ProductName', 'VidGen'), StringStruct('ProductVersion', '{VERSION}')])]),
        VarFileInfo([VarStruct('Translation', [1033, 1200])])])
""", encoding="utf-8")

# ----------------------------------------------------------------- the build
a = Analysis(  # noqa: F821
    [str(ROOT / "vidgen_desktop" / "__main__.py")],
    pathex=[str(ROOT)],
    binaries=binaries,
    datas=datas,
    hiddenimports=hiddenimports,
    hookspath=[],
    runtime_hooks=[],
    excludes=excludes,
    module_collection_mode=module_collection_mode,
    noarchive=False,
)
# Qt plugins the app never uses but whose libraries are large: the on-screen virtual keyboard (pulls in
# QtVirtualKeyboard) and the PDF image-format plugin (QtPdf). QtQuick/QtQml stay: the FFmpeg media
# plugin behind in-window playback links them.
_DROP = re.compile(r"(virtualkeyboard|VirtualKeyboard|libqpdf\.|libQt6Pdf\.|qpdf\.dll|Qt6Pdf\.dll|"
                   r"QtPdf\.framework|libqtvirtualkeyboard)")
a.binaries = [b for b in a.binaries if not _DROP.search(b[0])]
a.datas = [d for d in a.datas if not _DROP.search(d[0])]
pyz = PYZ(a.pure)  # noqa: F821

icon = str(ICONS / "vidgen.ico") if IS_WIN else str(ICONS / "vidgen.icns") if IS_MAC else None  # Linux: .desktop file
exe_common = {
    "exclude_binaries": True, "debug": False, "bootloader_ignore_signals": False, "strip": False, "upx": False,
    "icon": icon, "version": str(version_file) if version_file else None,
    "codesign_identity": os.environ.get("VIDGEN_CODESIGN_IDENTITY") or None,
    "entitlements_file": str(ROOT / "installer" / "macos" / "entitlements.plist") if IS_MAC else None,
}
# Linux and macOS: one executable, with a console (stdout/stderr when started from a terminal; a
# double-click through the .desktop file or the .app shows no terminal anyway).
# Windows: VidGen.exe without a console window (what the shortcuts start) and vidgen-desktop.exe with one
# (the command line and --self-test in a terminal); both share the same _internal folder.
exes = [EXE(pyz, a.scripts, [], name=APP_NAME, console=not IS_WIN, **exe_common)]  # noqa: F821
if IS_WIN:
    exes.append(EXE(pyz, a.scripts, [], name=CLI_NAME, console=True, **exe_common))  # noqa: F821
coll = COLLECT(*exes, a.binaries, a.datas, strip=False, upx=False, name=APP_NAME)  # noqa: F821

if IS_MAC:
    image_types = ["public.jpeg", "public.png", "public.tiff", "com.microsoft.bmp", "com.compuserve.gif",
                   "org.webmproject.webp"]
    audio_types = ["public.mp3", "public.mpeg-4-audio", "com.microsoft.waveform-audio", "org.xiph.flac",
                   "public.aiff-audio"]
    app = BUNDLE(  # noqa: F821
        coll,
        name=f"{APP_NAME}.app",
        icon=str(ICONS / "vidgen.icns"),
        bundle_identifier=BUNDLE_ID,
        version=VERSION,
        info_plist={
            "CFBundleName": APP_NAME,
            "CFBundleDisplayName": APP_NAME,
            "CFBundleShortVersionString": VERSION,
            "CFBundleVersion": VERSION,
            "NSHighResolutionCapable": True,
            "LSMinimumSystemVersion": "11.0",
            "LSApplicationCategoryType": "public.app-category.video",
            "NSHumanReadableCopyright": "VidGen Desktop, MIT licence",
            "CFBundleDocumentTypes": [
                {"CFBundleTypeName": "Image", "CFBundleTypeRole": "Viewer", "LSHandlerRank": "Alternate",
                 "LSItemContentTypes": image_types},
                {"CFBundleTypeName": "Audio", "CFBundleTypeRole": "Viewer", "LSHandlerRank": "Alternate",
                 "LSItemContentTypes": audio_types},
            ],
        },
    )
