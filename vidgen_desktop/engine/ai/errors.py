"""Why an AI tier gave up, with its cause and what to do about it.

A :class:`TierFailed` is fatal to a render whose tier the user chose, and hands over to the
next weaker tier (said out loud: :class:`~vidgen_desktop.core.fallback.Fallback`) when the
user chose "automatic" or ``--fallback``. ``kind`` says what went wrong, so the hint fits:

* ``unavailable`` -- the tier cannot run here (hardware, packages or model missing);
* ``load`` -- the model's files are damaged or not the model they should be;
* ``memory`` -- out of memory with every saving that helps on;
* ``failed`` -- anything else while generating (a library change, a bug): never hidden.
"""

from __future__ import annotations

from typing import Literal

from vidgen_desktop.core.errors import ModelError
from vidgen_desktop.core.fallback import TierFailure
from vidgen_desktop.core.jobs import Tier
from vidgen_desktop.core.tiers import model_id

FailureKind = Literal["unavailable", "load", "memory", "failed"]

#: How to render anyway, for every kind of failure.
RENDER_ANYWAY = "or render with a weaker tier instead: choose Automatic (--tier auto) or add --fallback"


def default_hint(tier: Tier, kind: FailureKind) -> str:
    mid = model_id(tier)
    if kind == "load":
        return (f"check the model's files with 'vidgen-desktop models verify {mid}' (remove and download it again "
                f"if they are damaged), {RENDER_ANYWAY}")
    if kind == "memory":
        return f"close other programs that use the GPU, choose a lower resolution or fewer frames per clip, {RENDER_ANYWAY}"
    if kind == "failed":
        return (f"this is not a memory problem: the installed diffusers may not match this version of VidGen, or the "
                f"model's files are damaged ('vidgen-desktop models verify {mid}'); --debug shows the full "
                f"traceback; {RENDER_ANYWAY}")
    return f"see 'vidgen-desktop hardware' for what is missing, {RENDER_ANYWAY}"


class TierFailed(ModelError):
    """This tier cannot finish the job here; ``reason`` is one sentence for the user."""

    kind: FailureKind = "failed"

    def __init__(self, tier: Tier, reason: str, *, kind: FailureKind | None = None, hint: str = "") -> None:
        self.tier = tier
        self.reason = reason
        if kind is not None:
            self.kind = kind
        super().__init__(f"{tier.label}: {reason}", hint=hint or default_hint(tier, self.kind))

    def failure(self) -> TierFailure:
        return TierFailure(self.tier, self.kind, self.reason)


class ModelLoadError(TierFailed):
    """The model's files are missing, damaged or not the model they should be."""

    kind: FailureKind = "load"
