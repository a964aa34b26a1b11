"""A render that did not use the tier it set out to use, said out loud.

When the user chose "automatic" (or asked for ``--fallback``), a tier that cannot run or
fails hands over to a weaker one. That is never silent: the result carries a
:class:`Fallback` (what was asked, what was planned, what was used and why), the CLI prints
a ``warning:`` line and a ``fallback`` object in ``--json``, the window shows a banner.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from vidgen_desktop.core.jobs import Tier


@dataclass(frozen=True)
class TierFailure:
    """One tier that gave up: ``kind`` is ``unavailable``, ``load``, ``memory`` or ``failed``."""

    tier: Tier
    kind: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"tier": self.tier.value, "kind": self.kind, "reason": self.reason}


@dataclass(frozen=True)
class Fallback:
    """The render used ``used`` instead of ``planned`` (the tier asked for, or the one automatic chose)."""

    requested: Tier
    planned: Tier
    used: Tier
    failures: tuple[TierFailure, ...] = field(default_factory=tuple)

    @property
    def why(self) -> str:
        return "; ".join(f"{f.tier.label}: {f.reason}" for f in self.failures) or "it could not be used"

    def sentence(self) -> str:
        """One line for a terminal or a banner."""
        asked = "" if self.requested in (Tier.AUTO, self.planned) else f" (you asked for {self.requested.label})"
        return (f"fell back from {self.planned.label}{asked} to {self.used.label}: {self.why}")

    def to_dict(self) -> dict[str, Any]:
        return {"requested": self.requested.value, "planned": self.planned.value, "used": self.used.value,
                "why": self.why, "failures": [f.to_dict() for f in self.failures]}
