"""Which models are installed, for the tier picker: the model store's own verdict.

A model counts only when its install record (written last by the store) lists
files that are all present with their recorded sizes, so a half-downloaded or
damaged folder never selects a tier. Full hashing is ``models verify``'s job.
"""

from __future__ import annotations

from pathlib import Path

from vidgen_desktop.engine.models.manifest import MANIFEST_NAME as INSTALLED_MARKER  # noqa: F401


def installed_models(models_dir: Path) -> frozenset[str]:
    """Ids of complete models under ``models_dir``; a missing folder means none (first start)."""
    from vidgen_desktop.engine.models.store import ModelStore

    return ModelStore(models_dir).installed_ids()
