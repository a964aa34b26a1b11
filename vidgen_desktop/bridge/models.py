"""The model catalogue as rows for the window: size, VRAM, licence, installed state, "fits this machine".

The model manager's :class:`ModelStore` supplies the catalogue and each model's verified
state. Everything here blocks (it reads the models folder): the window runs it on the
background pool. Downloads themselves go through :mod:`vidgen_desktop.bridge.downloads`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from vidgen_desktop.core.paths import AppPaths

if TYPE_CHECKING:
    from vidgen_desktop.bridge.hardware import HardwareSnapshot


@dataclass(frozen=True)
class LicenceLink:
    name: str
    url: str
    #: The user must accept it before the first download.
    accept_required: bool = False


@dataclass(frozen=True)
class ModelRow:
    id: str
    name: str
    tier: str
    size_bytes: int | None
    vram_gb: float | None
    licences: tuple[str, ...]
    gated: bool
    #: "installed", "incomplete" or "not-installed" (the store's ModelState values).
    state: str
    problems: tuple[str, ...]
    #: ``True`` fits, ``False`` too large, ``None`` unknown (hardware not probed yet).
    fits: bool | None
    fit_reason: str
    #: Bytes the model's folder takes now (partial downloads included).
    size_on_disk: int = 0
    licence_links: tuple[LicenceLink, ...] = ()
    #: Licences still to accept before downloading (empty once accepted, or when none needs it).
    licences_to_accept: tuple[LicenceLink, ...] = ()
    description: str = ""


def _best_gpu_gb(hw: object | None) -> float | None:
    """Usable GPU memory of the strongest GPU that can run AI tiers; 0 when there is none."""
    if hw is None:
        return None
    gpus = [g for g in getattr(hw, "gpus", ()) if g.backend != "none"]
    if not gpus:
        return 0.0
    return float(max(g.vram_total_mb for g in gpus)) / 1024


def fits(vram_gb: float | None, gpu_gb: float | None) -> tuple[bool | None, str]:
    """Compare a model's VRAM need with the GPU (cards report ~7 % under their nominal size)."""
    if vram_gb is None:
        return True, "no GPU needed"
    if gpu_gb is None:
        return None, "checking this computer…"
    if gpu_gb == 0:
        return False, f"needs a GPU with {vram_gb:g} GB; none found"
    if gpu_gb >= vram_gb * 0.93:
        return True, f"needs {vram_gb:g} GB; this GPU has {gpu_gb:.1f} GB"
    return False, f"needs {vram_gb:g} GB; this GPU has {gpu_gb:.1f} GB"


def model_rows(paths: AppPaths, hw: object | None = None) -> list[ModelRow]:
    """Blocking (reads the catalogue and the models folder): run on the background pool."""
    from vidgen_desktop.engine.models import ModelStore
    from vidgen_desktop.engine.models.licences import is_accepted

    gpu_gb = _best_gpu_gb(hw)
    rows: list[ModelRow] = []
    for st in ModelStore(paths.models).list():
        e = st.entry
        ok, why = fits(e.vram_gb, gpu_gb)
        links = tuple(LicenceLink(lic.name, lic.url, lic.accept_required) for lic in e.licences)
        to_accept = () if is_accepted(paths.models, e) else tuple(link for link in links if link.accept_required)
        rows.append(ModelRow(e.id, e.name, e.tier, e.download_bytes, e.vram_gb,
                             tuple(lic.name for lic in e.licences), e.gated, st.state.value, st.problems, ok, why,
                             size_on_disk=st.size_on_disk, licence_links=links, licences_to_accept=to_accept,
                             description=e.description))
    return rows


def remove_model(paths: AppPaths, model_id: str) -> int:
    """Blocking: delete the model's folder (partial downloads included); returns the bytes freed."""
    from vidgen_desktop.engine.models import ModelStore

    return ModelStore(paths.models).remove(model_id)


def with_installed_models(snapshot: HardwareSnapshot, paths: AppPaths) -> HardwareSnapshot:
    """Blocking: the same hardware, with the installed models read again (after a download or delete).

    The tier decision depends on which models are installed; re-probing the hardware is
    not needed for that, so this is quick.
    """
    from vidgen_desktop.engine.model_index import installed_models

    avail = replace(snapshot.availability, models=installed_models(paths.models))
    return replace(snapshot, availability=avail)
