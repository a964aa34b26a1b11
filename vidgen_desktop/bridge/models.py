"""The model catalogue as rows for the window: size, VRAM, licence, installed state, "fits this machine".

Read-only for now: the model manager's :class:`ModelStore` supplies the catalogue and
each model's verified state; download, cancel and delete controls are wired later.
"""

from __future__ import annotations

from dataclasses import dataclass

from vidgen_desktop.core.paths import AppPaths


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


def _best_gpu_gb(hw: object | None) -> float | None:
    """Usable GPU memory of the strongest GPU that can run AI tiers; 0 when there is none."""
    if hw is None:
        return None
    gpus = [g for g in getattr(hw, "gpus", ()) if g.backend != "none"]
    if not gpus:
        return 0.0
    return max(g.vram_total_mb for g in gpus) / 1024


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

    gpu_gb = _best_gpu_gb(hw)
    rows: list[ModelRow] = []
    for st in ModelStore(paths.models).list():
        e = st.entry
        ok, why = fits(e.vram_gb, gpu_gb)
        rows.append(ModelRow(e.id, e.name, e.tier, e.download_bytes, e.vram_gb,
                             tuple(lic.name for lic in e.licences), e.gated, st.state.value, st.problems, ok, why))
    return rows
