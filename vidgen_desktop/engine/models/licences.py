"""Remember which licences the user accepted, so a resumed download does not ask again.

Stored in ``<models_dir>/accepted-licences.json`` keyed by model id, with the licence
names accepted: a catalogue update that changes a licence asks again.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from vidgen_desktop.engine.models.catalogue import CatalogueEntry
from vidgen_desktop.engine.models.errors import LicenceNotAcceptedError

ACCEPTED_NAME = "accepted-licences.json"


def _load(models_dir: Path) -> dict[str, Any]:
    try:
        data = json.loads((models_dir / ACCEPTED_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def is_accepted(models_dir: Path, entry: CatalogueEntry) -> bool:
    needed = {lic.name for lic in entry.licences_to_accept}
    if not needed:
        return True
    rec = _load(models_dir).get(entry.id)
    return isinstance(rec, dict) and needed <= set(rec.get("licences", []))


def record_acceptance(models_dir: Path, entry: CatalogueEntry) -> None:
    data = _load(models_dir)
    data[entry.id] = {"licences": sorted(lic.name for lic in entry.licences_to_accept),
                      "accepted_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    models_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".accepted.", suffix=".tmp", dir=models_dir)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=2)
        os.replace(tmp, models_dir / ACCEPTED_NAME)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def licence_text(entry: CatalogueEntry) -> str:
    """One line per licence needing acceptance: ``name: url``."""
    return "; ".join(f"{lic.name}: {lic.url}" for lic in entry.licences_to_accept)


def require_acceptance(models_dir: Path, entry: CatalogueEntry, *, accept: bool) -> None:
    """Record ``accept``, or raise unless accepted before. Called before any network access."""
    if not entry.licences_to_accept or is_accepted(models_dir, entry):
        return
    if not accept:
        raise LicenceNotAcceptedError(
            f"{entry.id}: its licence must be accepted before downloading ({licence_text(entry)})",
            hint="read it, then run again with --accept-licence (or accept it in the model manager)",
        )
    record_acceptance(models_dir, entry)
