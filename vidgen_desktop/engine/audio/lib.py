"""Load librosa lazily, with numba's compile cache in the app's data folder.

librosa compiles some of its numba functions when its modules are imported (``librosa.core``
about 4 s on 2 cores the first time) and others on first call (``librosa.beat`` costs tens of
seconds cold and ~3.5 s in *every* process, because ``__beat_local_score`` is not cacheable).
The analyser therefore uses only librosa's filter banks (mel, chroma), whose numba parts are
cached: with ``NUMBA_CACHE_DIR`` pointing into the data folder only the very first run on a
machine pays the compile. A value the user set is respected.
"""

from __future__ import annotations

import os
import sys
from types import ModuleType

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
