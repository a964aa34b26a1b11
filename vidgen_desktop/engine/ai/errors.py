"""Why an AI tier gave up. Never fatal to a render: the next tier (or Ken Burns) takes over."""

from __future__ import annotations

from vidgen_desktop.core.errors import RenderError
from vidgen_desktop.core.jobs import Tier


class TierFailed(RenderError):
    """This tier cannot finish the job here; ``reason`` is one sentence for the user."""

    def __init__(self, tier: Tier, reason: str) -> None:
        self.tier = tier
        self.reason = reason
        super().__init__(f"{tier.label}: {reason}")


class ModelLoadError(TierFailed):
    """The model's files are missing, damaged or not the model they should be."""
