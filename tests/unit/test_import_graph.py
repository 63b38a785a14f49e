"""No import cycles in bot/: each module can be understood (and imported) after the modules it uses.

import-linter checks the layers; this checks every module, imports inside functions and under
TYPE_CHECKING included (grimp sees those too)."""

from __future__ import annotations

import grimp


def test_no_module_in_bot_imports_itself_through_others() -> None:
    graph = grimp.build_graph("bot", cache_dir=None)
    cycles = []
    for module in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            back = graph.find_shortest_chain(importer=imported, imported=module)
            if back is not None:
                cycles.append(" -> ".join((module, *back)))
    assert cycles == []
