"""The third-party parts VidGen uses or bundles, with their licences, for the About box and the installers.

One curated table (the licence metadata of many wheels is free text); versions come from
the installed distributions (``importlib.metadata``). A frozen bundle carries the
``.dist-info`` folders of what it bundles (``build_spec.py`` copies them), so the same
lookup tells which parts are in it, and their licence files travel with them
(``licenses/`` in the bundle).
"""

from __future__ import annotations

import importlib.metadata as md
import platform
from dataclasses import dataclass

APP_LICENCE = "MIT"
RESOURCES_LICENCE = "CC0 1.0 (sample picture, sample music and the app icon are made by the project)"


@dataclass(frozen=True)
class Component:
    name: str
    #: The distribution to read the version from (``None``: not a Python package).
    dist: str | None
    licence: str
    url: str
    #: ``base`` (every install), ``media``, ``tts``, ``ai`` (the Full edition), ``build`` (the bundler).
    group: str = "base"
    note: str = ""


COMPONENTS: tuple[Component, ...] = (
    Component("Python", None, "PSF-2.0", "https://docs.python.org/3/license.html"),
    Component("Qt 6 / PySide6", "PySide6-Essentials", "LGPL-3.0-only", "https://www.qt.io/licensing/",
              note="shared libraries, replaceable by the user"),
    Component("Shiboken6", "shiboken6", "LGPL-3.0-only", "https://www.qt.io/licensing/"),
    Component("Qt Multimedia (PySide6-Addons)", "PySide6-Addons", "LGPL-3.0-only", "https://www.qt.io/licensing/",
              group="media"),
    Component("FFmpeg (from imageio-ffmpeg)", None, "GPL-3.0-or-later", "https://ffmpeg.org/legal.html",
              note="run as a separate program; source: https://ffmpeg.org and https://github.com/BtbN/FFmpeg-Builds"),
    Component("imageio-ffmpeg", "imageio-ffmpeg", "BSD-2-Clause", "https://github.com/imageio/imageio-ffmpeg"),
    Component("NumPy", "numpy", "BSD-3-Clause (and bundled 0BSD, MIT, Zlib parts)", "https://numpy.org/"),
    Component("Pillow", "pillow", "MIT-CMU", "https://python-pillow.github.io/"),
    Component("OpenCV (headless)", "opencv-python-headless", "Apache-2.0 (bundled FFmpeg libraries: LGPL-2.1)",
              "https://github.com/opencv/opencv-python"),
    Component("psutil", "psutil", "BSD-3-Clause", "https://github.com/giampaolo/psutil"),
    Component("nvidia-ml-py", "nvidia-ml-py", "BSD-3-Clause", "https://pypi.org/project/nvidia-ml-py/"),
    Component("platformdirs", "platformdirs", "MIT", "https://github.com/tox-dev/platformdirs"),
    Component("qasync", "qasync", "BSD-2-Clause", "https://github.com/CabbageDevelopment/qasync"),
    Component("huggingface_hub", "huggingface_hub", "Apache-2.0", "https://github.com/huggingface/huggingface_hub"),
    Component("SciPy", "scipy", "BSD-3-Clause (and bundled BSD, MIT, Boost parts)", "https://scipy.org/",
              note="audio analysis"),
    # librosa and what only it needs: the Full edition's voices (coqui-tts) use them; the analyser does not.
    Component("librosa", "librosa", "ISC", "https://github.com/librosa/librosa", group="ai"),
    Component("Numba", "numba", "BSD-2-Clause", "https://github.com/numba/numba", group="ai"),
    Component("llvmlite", "llvmlite", "BSD-2-Clause AND Apache-2.0 WITH LLVM-exception",
              "https://github.com/numba/llvmlite", group="ai"),
    Component("soundfile", "soundfile", "BSD-3-Clause (bundled libsndfile: LGPL-2.1-or-later)",
              "https://github.com/bastibe/python-soundfile", group="ai"),
    Component("python-soxr", "soxr", "LGPL-2.1-or-later", "https://github.com/dofuuz/python-soxr", group="ai",
              note="shared library, replaceable by the user"),
    Component("audioread", "audioread", "MIT", "https://github.com/beetbox/audioread", group="ai"),
    Component("pooch", "pooch", "BSD-3-Clause", "https://github.com/fatiando/pooch", group="ai"),
    Component("joblib", "joblib", "BSD-3-Clause", "https://github.com/joblib/joblib", group="ai"),
    Component("msgpack", "msgpack", "Apache-2.0", "https://github.com/msgpack/msgpack-python", group="ai"),
    Component("lazy_loader", "lazy_loader", "BSD-3-Clause", "https://github.com/scientific-python/lazy-loader",
              group="ai"),
    Component("decorator", "decorator", "BSD-2-Clause", "https://github.com/micheles/decorator", group="ai"),
    Component("pyttsx3", "pyttsx3", "MPL-2.0", "https://github.com/nateshmbhat/pyttsx3", group="tts"),
    Component("PyTorch", "torch", "BSD-3-Clause", "https://github.com/pytorch/pytorch", group="ai"),
    Component("Diffusers", "diffusers", "Apache-2.0", "https://github.com/huggingface/diffusers", group="ai"),
    Component("Transformers", "transformers", "Apache-2.0", "https://github.com/huggingface/transformers", group="ai"),
    Component("Accelerate", "accelerate", "Apache-2.0", "https://github.com/huggingface/accelerate", group="ai"),
    Component("safetensors", "safetensors", "Apache-2.0", "https://github.com/huggingface/safetensors", group="ai"),
    Component("Coqui TTS (coqui-tts)", "coqui-tts", "MPL-2.0", "https://github.com/idiap/coqui-ai-TTS", group="ai"),
    Component("faster-whisper", "faster-whisper", "MIT", "https://github.com/SYSTRAN/faster-whisper", group="ai",
              note="includes the Silero VAD model (MIT)"),
    Component("CTranslate2", "ctranslate2", "MIT", "https://github.com/OpenNMT/CTranslate2", group="ai"),
    Component("ONNX Runtime", "onnxruntime", "MIT", "https://github.com/microsoft/onnxruntime", group="ai"),
    Component("SentencePiece", "sentencepiece", "Apache-2.0", "https://github.com/google/sentencepiece", group="ai"),
    Component("PyInstaller bootloader", None, "GPL-2.0-or-later with the bootloader exception",
              "https://pyinstaller.org/en/stable/license.html", group="build",
              note="only in the double-click app; the exception allows any licence for the bundled program"),
)


@dataclass(frozen=True)
class PresentComponent:
    component: Component
    version: str


def dist_version(dist: str) -> str | None:
    try:
        return md.version(dist)
    except (md.PackageNotFoundError, OSError, ValueError):  # absent, or a damaged .dist-info
        return None


def present_components(*, frozen: bool) -> list[PresentComponent]:
    """The parts this installation has, with versions. Parts without a Python distribution are always there
    (Python, FFmpeg), except the bootloader, which only a frozen build has."""
    out = []
    for c in COMPONENTS:
        if c.dist is None:
            if c.group == "build" and not frozen:
                continue
            version = platform.python_version() if c.name == "Python" else ""
            out.append(PresentComponent(c, version))
            continue
        v = dist_version(c.dist)
        if v is not None:
            out.append(PresentComponent(c, v))
    return out


def distributions_for(groups: set[str]) -> list[str]:
    """Distribution names of the components in ``groups`` (the spec copies their metadata)."""
    return [c.dist for c in COMPONENTS if c.dist and c.group in groups]
