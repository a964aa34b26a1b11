"""``vidgen-desktop hardware [--json] [--assume GPU]``: what this machine has, which tier it gets and why.

The first thing to ask a user who reports "it only makes pan-and-zoom videos": the
report names the GPU, the memory, each missing piece (package, model, VRAM) and the
plan each AI tier would run with. ``--assume`` shows the same for an imagined GPU
(:mod:`vidgen_desktop.engine.whatif`), before anyone buys one.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from vidgen_desktop.core.jobs import Tier
from vidgen_desktop.core.paths import app_paths
from vidgen_desktop.engine.decide import current_availability, decide, probe_this_machine
from vidgen_desktop.engine.hardware_report import format_report
from vidgen_desktop.engine.whatif import Assumption, parse_assumption, what_if


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "hardware",
        help="show the GPU, CPU, memory and disk space, and the tier this machine gets",
        description="Show what this machine has and which generation tier it gets, with the reasons "
                    "and the plan each AI tier would use.",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object {hardware, decision}")
    p.add_argument(
        "--tier",
        default=Tier.AUTO.value,
        choices=[t.value for t in Tier],
        help="show the decision for this requested tier (default auto)",
    )
    p.add_argument(
        "--assume",
        metavar="GPU",
        help="what if this computer had another GPU: cuda:GiB (NVIDIA), mps:GiB (Apple Silicon) or cpu "
             "(none); AI packages and models are taken as installed, and each tier says whether its "
             "model really is",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    assumption: Assumption | None = None
    if getattr(args, "assume", None) is not None:
        assumption = parse_assumption(args.assume)  # UsageError: exit 2 before any probing
    paths = app_paths()
    requested = Tier(getattr(args, "tier", Tier.AUTO.value))
    avail = current_availability(paths)
    if assumption is None:
        hw = probe_this_machine(paths)
        decision = decide(hw, avail, requested)
    else:
        # The imagined GPU replaces this one: torch has nothing to tell (and takes seconds to import).
        hw, decision = what_if(assumption, probe_this_machine(paths, probe_torch=False), avail, requested)
    if args.json:
        payload: dict[str, Any] = {"hardware": hw.to_dict(), "decision": decision.to_dict()}
        if assumption is not None:
            payload = {"assumed": assumption.to_dict(), **payload}
        print(json.dumps(payload, indent=2))
        return 0
    if assumption is not None:
        print(f"What if this computer had {assumption.describe()}: AI packages and models are taken as "
              "installed; each tier says whether its model is installed here.\n")
    print(format_report(hw, decision))
    return 0
