"""Load librosa lazily, with numba's compile cache in the app's data folder.

librosa compiles some of its numba functions when its modules are imported (``librosa.core``
about 4 s on 2 cores the first time) and others on first call (``librosa.beat`` costs tens of
seconds cold and ~3.5 s in *every* process, because ``__beat_local_score`` is not cacheable).
The analyser therefore uses only librosa's filter banks (mel, chroma), whose numba parts are
cached: with ``NUMBA_CACHE_DIR`` pointing into the data folder only the very first run on a
machine pays the compile. A value the user set is respected.

The filter banks only depend on fixed analysis settings, so they are also kept as a small
``.npz`` in the data folder (named by librosa's version and the settings): later processes load
it and need not import librosa at all (about 1 s of imports: scipy.signal, numba).
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from functools import lru_cache
from pathlib import Path
from types import ModuleType

import numpy as np
import numpy.typing as npt

from vidgen_desktop.core.paths import app_paths

ENV_NUMBA_CACHE = "NUMBA_CACHE_DIR"


def prepare_numba_cache() -> str:
    """Set ``NUMBA_CACHE_DIR`` (unless the user did) before numba is imported; returns the folder used.

    numba reads the variable once, when it is first imported; if it already was, numba's own
    configuration is updated too so later compilations land in the same place.
    """
    if not os.environ.get(ENV_NUMBA_CACHE):
        folder = str(app_paths().cache / "numba")
        os.makedirs(folder, exist_ok=True)
        os.environ[ENV_NUMBA_CACHE] = folder
        numba_config = sys.modules.get("numba.core.config")
        if numba_config is not None:
            numba_config.CACHE_DIR = folder  # type: ignore[attr-defined]
    return os.environ[ENV_NUMBA_CACHE]


def librosa_filters() -> ModuleType:
    """``librosa.filters`` (mel and chroma filter banks), imported with the numba cache prepared."""
    prepare_numba_cache()
    import librosa.filters

    return librosa.filters


def _bank_file(sr: int, n_fft: int, n_mels: int, fmin: float) -> Path:
    import importlib.metadata as md

    try:
        version = md.version("librosa")
    except md.PackageNotFoundError:  # a bundle without its metadata: still one file per settings
        version = "unknown"
    name = f"librosa-{version}-sr{sr}-fft{n_fft}-mel{n_mels}-fmin{fmin:g}.npz"
    return app_paths().cache / "audio-analysis" / "filters" / name


@lru_cache(maxsize=4)
def filter_banks(sr: int, n_fft: int, n_mels: int, fmin: float) -> tuple[npt.NDArray[np.float32],
                                                                         npt.NDArray[np.float32]]:
    """librosa's mel (``n_mels`` x bins, up to sr/2) and chroma (12 x bins) filter banks, from the data folder's
    copy when there is one, else computed with librosa and stored there (atomically; failure to store is fine)."""
    path = _bank_file(sr, n_fft, n_mels, fmin)
    with contextlib.suppress(OSError, ValueError, KeyError):
        with np.load(path) as data:
            mel, chroma = data["mel"], data["chroma"]
        if mel.shape == (n_mels, n_fft // 2 + 1) and chroma.shape == (12, n_fft // 2 + 1):
            return mel.astype(np.float32), chroma.astype(np.float32)
    filters = librosa_filters()
    mel = filters.mel(sr=sr, n_fft=n_fft, n_mels=n_mels, fmin=fmin, fmax=sr / 2).astype(np.float32)
    chroma = filters.chroma(sr=sr, n_fft=n_fft, n_chroma=12).astype(np.float32)
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".npz", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                np.savez(fh, mel=mel, chroma=chroma)
            os.replace(tmp, path)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    return mel, chroma
