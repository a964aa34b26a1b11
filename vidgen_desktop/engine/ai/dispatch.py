"""Which AI tiers a render tries, strongest first, before Ken Burns.

The tier decision (:func:`vidgen_desktop.engine.decide.decide`) says what may run on
this hardware. A render tries its chosen AI tier and then every weaker runnable one
(a model that fails to load, or runs out of memory with every saving on, hands over
to the next), and Ken Burns last. With ``allow_slow`` the user runs AI tiers the
hardware check rules out (a small GPU, or the CPU): only the hardware is overruled;
the packages and the model files must be there.
"""

from __future__ import annotations

from dataclasses import dataclass

from vidgen_desktop.core.jobs import TIER_ORDER, Tier
from vidgen_desktop.core.tiers import AI_PACKAGES, model_id
from vidgen_desktop.engine.decide import TierDecision


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


def ai_chain(decision: TierDecision, requested: Tier, *, allow_slow: bool, installed: frozenset[str],
             packages: frozenset[str]) -> AiDispatch:
    """The tiers to try for a request of ``requested`` given the ``decision``.

    ``installed`` and ``packages`` are read again at render time (a window's decision may
    predate a download)."""
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
