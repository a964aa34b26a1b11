"""Which AI tiers a render tries, strongest first, before Ken Burns.

The tier decision (:func:`vidgen_desktop.engine.decide.decide`) says what may run on
this hardware. With fallback allowed (the user chose "automatic", or ``--fallback``) a
render tries its chosen AI tier and then every weaker runnable one (a model that fails
to load, runs out of memory with every saving on, or fails otherwise hands over to the
next, and the result says so), and Ken Burns last. A tier the user chose without
``--fallback`` is the whole chain: it runs, or the render fails. With ``allow_slow`` the user runs AI tiers the
hardware check rules out (a small GPU, or the CPU): only the hardware is overruled;
the packages and the model files must be there.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from vidgen_desktop.core.fallback import Fallback, TierFailure
from vidgen_desktop.core.jobs import TIER_ORDER, Tier
from vidgen_desktop.core.tiers import AI_PACKAGES, model_id
from vidgen_desktop.engine.ai.errors import RENDER_ANYWAY, FailureKind, TierFailed
from vidgen_desktop.engine.decide import TierDecision
from vidgen_desktop.engine.models.manifest import read_manifest


@dataclass(frozen=True)
class AiDispatch:
    """The AI tiers to try (strongest first; empty: Ken Burns) and whether any is forced."""

    chain: tuple[Tier, ...]
    forced: tuple[Tier, ...] = ()
    #: AI tiers that could run if the user allowed slow hardware (installed, packages present).
    could_force: tuple[Tier, ...] = ()


def _ai_tiers_at_most(ceiling: Tier) -> list[Tier]:
    """AI tiers from ``ceiling`` down, strongest first."""
    top = TIER_ORDER.index(ceiling) if ceiling is not Tier.AUTO else len(TIER_ORDER) - 1
    return [t for t in reversed(TIER_ORDER[: top + 1]) if t.is_ai]


def fallback_allowed(requested: Tier, fallback: bool) -> bool:
    """Whether a failed tier may hand over to a weaker one: "automatic" always may; a chosen tier
    only with ``--fallback``."""
    return requested is Tier.AUTO or fallback


def ai_chain(decision: TierDecision, requested: Tier, *, allow_slow: bool, installed: frozenset[str],
             packages: frozenset[str], fallback: bool = True) -> AiDispatch:
    """The tiers to try for a request of ``requested`` given the ``decision``.

    ``installed`` and ``packages`` are read again at render time (a window's decision may
    predate a download). Without ``fallback`` a requested AI tier is tried alone."""
    dispatch = _chain(decision, requested, allow_slow=allow_slow, installed=installed, packages=packages)
    if fallback_allowed(requested, fallback) or not requested.is_ai:
        return dispatch
    chain = dispatch.chain[:1] if dispatch.chain[:1] == (requested,) else ()
    return AiDispatch(chain, tuple(t for t in dispatch.forced if t in chain),
                      tuple(t for t in dispatch.could_force if t is requested))


def _chain(decision: TierDecision, requested: Tier, *, allow_slow: bool, installed: frozenset[str],
           packages: frozenset[str]) -> AiDispatch:
    software_ok = set(AI_PACKAGES) <= set(packages)
    ceiling = requested if requested.is_ai else Tier.AUTO
    runnable = [t for t in _ai_tiers_at_most(ceiling)
                if (o := decision.options.get(t)) is not None and o.runnable]
    forceable = [t for t in _ai_tiers_at_most(ceiling)
                 if t not in runnable and software_ok and model_id(t) in installed]
    if requested is Tier.KENBURNS:
        return AiDispatch(())
    if not allow_slow:
        return AiDispatch(tuple(runnable), (), tuple(forceable))
    chain = [t for t in _ai_tiers_at_most(ceiling) if t in runnable or t in forceable]
    return AiDispatch(tuple(chain), tuple(t for t in chain if t in forceable), ())


def damaged_models(models_dir: Path) -> dict[Tier, str]:
    """AI tiers whose model was installed (it has an install record) but whose files are now
    wrong on disk (missing, or not their recorded size), with what is wrong."""
    from vidgen_desktop.engine.models.store import ModelState, ModelStore

    store = ModelStore(models_dir)
    known = store.catalogue().ids()
    out: dict[Tier, str] = {}
    for tier in TIER_ORDER:
        if not tier.is_ai or model_id(tier) not in known:
            continue
        status = store.status(model_id(tier))
        if status.state is ModelState.INCOMPLETE and read_manifest(status.path) is not None:
            out[tier] = "; ".join(status.problems) or "incomplete"
    return out


def check_requested(requested: Tier, decision: TierDecision, dispatch: AiDispatch, *, fallback: bool,
                    damaged: Mapping[Tier, str] | None = None, allow_slow: bool = False) -> list[TierFailure]:
    """Before any work: the tiers this render should have used but cannot (the failures to report).

    A requested AI tier that cannot run here (hardware, packages, model) is, without
    fallback, the render's error (:class:`TierFailed` with what is missing and what to do).
    With "automatic", a stronger tier whose installed model is ``damaged`` (and would run
    here otherwise) is a fallback to report, not a silent choice of a weaker tier."""
    damaged = damaged or {}
    if requested is Tier.AUTO:
        head = dispatch.chain[0] if dispatch.chain else Tier.KENBURNS
        stronger = [t for t in reversed(TIER_ORDER) if TIER_ORDER.index(t) > TIER_ORDER.index(head)]
        return [TierFailure(t, "load", f"its installed model files are damaged ({damaged[t]})") for t in stronger
                if t in damaged and (o := decision.options.get(t)) is not None and (o.fits or allow_slow)]
    if not requested.is_ai or dispatch.chain[:1] == (requested,):
        return []
    option = decision.options.get(requested)
    missing = "; ".join(option.missing) if option is not None and option.missing else ""
    reason, hint = (f"cannot run here ({missing})" if missing else "cannot run here"), ""
    kind: FailureKind = "unavailable"
    if requested in damaged:
        reason, kind = f"its installed model files are damaged ({damaged[requested]})", "load"
    elif requested in dispatch.could_force:
        hint = ("it is installed and can still run on this machine, very slowly: allow slow AI rendering "
                f"(--allow-slow) to use it, {RENDER_ANYWAY}")
    if not fallback:
        raise TierFailed(requested, reason, kind=kind, hint=hint)
    return [TierFailure(requested, kind, reason)]


def fallback_for(requested: Tier, failures: Sequence[TierFailure], used: Tier) -> Fallback | None:
    """The result's :class:`Fallback` when any tier failed (``None``: the render used what it planned)."""
    if not failures:
        return None
    planned = requested if requested.is_ai else failures[0].tier
    return Fallback(requested, planned, used, tuple(failures))
