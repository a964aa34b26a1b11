"""The model catalogue as rows for the window: size, VRAM, licence, installed state, "fits this machine".

A video model's VRAM and fit come from its memory plan, as the tier decision sees them.

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
    from vidgen_desktop.core.hardware import HardwareInfo
    from vidgen_desktop.engine.models.catalogue import CatalogueEntry


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


def _best_gpu_gb(hw: HardwareInfo) -> float:
    """Memory of the largest GPU that can run AI models (CUDA or MPS); 0 when there is none."""
    return max((g.vram_total_mb / 1024 for g in hw.gpus if g.backend != "none"), default=0.0)


def fits(entry: CatalogueEntry, hw: HardwareInfo | None) -> tuple[bool | None, str]:
    """Does ``entry`` fit this machine, and why (after the model's name: "needs ...")?

    A video model fits when its memory plan runs well on the GPU (the tier decision's own
    test); a voice model always runs, on the CPU if need be, faster on a GPU of its size.
    """
    from vidgen_desktop.core.jobs import Tier
    from vidgen_desktop.engine.decide import gpu_fit

    if hw is None:
        return None, "checking this computer…"
    if entry.tier in {t.value for t in Tier if t.is_ai}:
        return gpu_fit(hw, Tier(entry.tier))
    gpu_gb = _best_gpu_gb(hw)
    if entry.vram_gb is None:
        return True, "no GPU needed"
    if gpu_gb >= entry.vram_gb:
        return True, f"needs {entry.vram_gb:g} GB on a GPU; this GPU has {gpu_gb:.1f} GB"
    return True, f"runs on the CPU (faster on a GPU with {entry.vram_gb:g} GB)"


def model_rows(paths: AppPaths, hw: HardwareInfo | None = None) -> list[ModelRow]:
    """Blocking (reads the catalogue and the models folder): run on the background pool."""
    from vidgen_desktop.engine.decide import listed_vram_gb
    from vidgen_desktop.engine.models import ModelStore
    from vidgen_desktop.engine.models.licences import is_accepted

    rows: list[ModelRow] = []
    for st in ModelStore(paths.models).list():
        e = st.entry
        ok, why = fits(e, hw)
        links = tuple(LicenceLink(lic.name, lic.url, lic.accept_required) for lic in e.licences)
        to_accept = () if is_accepted(paths.models, e) else tuple(link for link in links if link.accept_required)
        rows.append(ModelRow(e.id, e.name, e.tier, e.download_bytes, listed_vram_gb(e.tier, e.vram_gb),
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
