"""The out-of-memory ladder: the next, more frugal plan after a phase ran out of memory.

Each saving names the phases whose memory it lowers (:data:`LEVERS`), so a retry is only
tried when it can help; the DiT tiers (LTX-Video, Wan2.2) walk their own ladder in
:mod:`.plan_dit`. Kept apart from :mod:`.plan`, which decides the first plan.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from vidgen_desktop.engine.ai import plan_dit
from vidgen_desktop.engine.ai.plan import AiPlan, Phase, _placed, estimate


def _with(plan: AiPlan, **changes: Any) -> AiPlan:
    p = replace(plan, **changes)
    est = estimate(p.spec, p.machine, p.width, p.height, p.frames, p.steps, p.decode_chunk, p.forward_chunking,
                   p.attention_slicing, p.offload, p.motion, vae_tiling=p.vae_tiling, fp8=p.fp8)
    return _placed(replace(p, estimate=est, fits=est.peak_gib <= p.machine.budget_gib))


def turned_off(plan: AiPlan, levers: Iterable[str]) -> AiPlan:
    """``plan`` with the named on/off savings off (a model that does not support them), re-estimated."""
    off = {name: False for name in ("forward_chunking", "attention_slicing") if name in set(levers)}
    return _with(plan, **off) if off else plan


#: A saving the out-of-memory ladder can turn on: its name, the phases whose memory it lowers,
#: and the plan with it on (``None``: already on, or not on this device). Forward chunking
#: and attention slicing shrink the denoiser's activations, so they cannot help a model
#: that ran out while loading or a VAE that ran out while decoding; a smaller decode chunk
#: helps only decoding; offloading helps every phase (it moves weights off the GPU).
Lever = tuple[str, frozenset[Phase], Callable[[AiPlan], tuple[AiPlan, str] | None]]


def _smaller_decode(plan: AiPlan) -> tuple[AiPlan, str] | None:
    if plan.decode_chunk <= 1:
        return None
    n = max(1, plan.decode_chunk // 2)
    return _with(plan, decode_chunk=n), f"decoding {n} frame{'s' if n != 1 else ''} at a time"


def _forward_chunking(plan: AiPlan) -> tuple[AiPlan, str] | None:
    return None if plan.forward_chunking else (_with(plan, forward_chunking=True), "forward chunking on")


def _attention_slicing(plan: AiPlan) -> tuple[AiPlan, str] | None:
    if plan.device != "mps" or plan.attention_slicing:
        return None
    return _with(plan, attention_slicing=True), "attention slicing on"


def _model_offload(plan: AiPlan) -> tuple[AiPlan, str] | None:
    if plan.device != "cuda" or plan.offload != "none":
        return None
    return _with(plan, offload="model"), "model offload on"


def _sequential_offload(plan: AiPlan) -> tuple[AiPlan, str] | None:
    if plan.device != "cuda" or plan.offload != "model":
        return None
    return _with(plan, offload="sequential", decode_chunk=min(plan.decode_chunk, 2)), \
        "sequential offload on (much slower)"


_ALL: frozenset[Phase] = frozenset({"load", "denoise", "decode"})

#: The ladder, cheapest saving first. A new tier's savings go in here, with the phases they help.
LEVERS: list[Lever] = [
    ("decode_chunk", frozenset({"decode"}), _smaller_decode),
    ("forward_chunking", frozenset({"denoise"}), _forward_chunking),
    ("attention_slicing", frozenset({"denoise"}), _attention_slicing),
    ("model_offload", _ALL, _model_offload),
    ("sequential_offload", _ALL, _sequential_offload),
]


def step_down(plan: AiPlan, phase: Phase, unavailable: Iterable[str] = ()) -> tuple[AiPlan, str] | None:
    """The next, more frugal plan after running out of memory in ``phase``, and what changed.

    Only savings that lower the memory of ``phase`` are tried (:data:`LEVERS`): a load that
    ran out goes straight to offloading, a decode that ran out halves its chunk first and is
    never retried with forward chunking. ``unavailable`` names levers this model turned out
    not to support (attention slicing on a UNet without it). ``None``: nothing left that
    helps on this tier (the render fails, or falls back when the user allowed it). DiT tiers
    (LTX-Video, Wan2.2) have their own ladder, by phase too (:func:`.plan_dit.step_down`).
    """
    if plan.spec.is_dit:
        dit_next = plan_dit.step_down(plan.device, phase, plan.dit_config)
        if dit_next is None:
            return None
        cfg, change = dit_next
        return _with(plan, offload=cfg.offload, fp8=cfg.fp8, vae_tiling=cfg.vae_tiling), change
    skip = set(unavailable)
    for name, phases, apply in LEVERS:
        if phase in phases and name not in skip and (nxt := apply(plan)) is not None:
            return nxt
    return None
