"""Writing a caption file atomically: a hidden ``.partial`` file renamed into place, removed on failure."""

from __future__ import annotations

import os
from pathlib import Path

from vidgen_desktop.core.errors import OutputError


def write_text_atomic(path: Path, text: str) -> Path:
    """Write UTF-8 ``text`` to ``path`` through a hidden partial file; nothing is left on failure."""
    path = Path(path)
    if not path.parent.is_dir():
        raise OutputError(f"{path.parent}: the output folder does not exist")
    tmp = path.with_name(f".{path.name}.partial")
    try:
        tmp.write_text(text, encoding="utf-8", newline="\n")
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OutputError(f"{path}: could not be written ({exc.strerror or exc})") from None
    return path
