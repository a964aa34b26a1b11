"""The command modules import one way: shared pieces live in ``cli.common`` / ``cli.narration_args``,
never in another command (``render_cmd`` and ``tts_cmd`` once imported each other).

The graph is grimp's (import-linter's engine), so imports inside functions count too.
"""

from __future__ import annotations

import itertools

import grimp
import pytest

CLI = "vidgen_desktop.cli"


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("vidgen_desktop", cache_dir=None)


def cycles(graph: grimp.ImportGraph, package: str) -> list[tuple[str, ...]]:
    """Each pair of modules under ``package`` that reach each other, with the chain one way round."""
    modules = sorted(graph.find_descendants(package))
    found = []
    for a, b in itertools.combinations(modules, 2):
        there, back = graph.find_shortest_chain(a, b), graph.find_shortest_chain(b, a)
        if there and back:
            found.append((*there, *back[1:]))
    return found


def test_no_import_cycles_among_the_cli_modules(graph: grimp.ImportGraph) -> None:
    assert {f"{CLI}.render_cmd", f"{CLI}.tts_cmd", f"{CLI}.common"} <= graph.find_descendants(CLI)
    assert cycles(graph, CLI) == []


def test_commands_do_not_import_each_other(graph: grimp.ImportGraph) -> None:
    commands = sorted(m for m in graph.find_descendants(CLI) if m.endswith("_cmd"))
    assert [(a, b) for a, b in itertools.permutations(commands, 2) if graph.direct_import_exists(
        importer=a, imported=b)] == []


def test_the_check_finds_a_cycle(graph: grimp.ImportGraph) -> None:
    graph.add_import(importer=f"{CLI}.common", imported=f"{CLI}.tts_cmd")  # tts_cmd already imports common
    try:
        assert (f"{CLI}.common", f"{CLI}.tts_cmd", f"{CLI}.common") in cycles(graph, CLI)
    finally:
        graph.remove_import(importer=f"{CLI}.common", imported=f"{CLI}.tts_cmd")
