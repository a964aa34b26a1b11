"""Which models are installed. Minimal for now: a marker file per model folder.

The model manager writes ``<models_dir>/<id>/vidgen-installed.json`` only after a
download has finished, so a half-downloaded folder never counts. A later issue
replaces the check with full file verification; :func:`installed_models` keeps its
signature so the tier picker and the CLI need not change.
"""

from __future__ import annotations

from pathlib import Path

INSTALLED_MARKER = "vidgen-installed.json"


def installed_models(models_dir: Path) -> frozenset[str]:
    """Ids of the models whose folder under ``models_dir`` holds the install marker.

    A missing or unreadable ``models_dir`` means nothing is installed, not an error:
    the app must start before any model was ever downloaded.
    """
    try:
        entries = list(models_dir.iterdir())
    except OSError:
        return frozenset()
    return frozenset(e.name for e in entries if (e / INSTALLED_MARKER).is_file())
