"""The allow-list contract type: what an adapter or the canonical model may import."""

from __future__ import annotations

import grimp

from tests.import_contracts import AllowListContract

ADAPTERS = {
    "source_modules": ["adapters"],
    "allowed_modules": ["hub.canonical"],
    "only_within": "hub",
}
CANONICAL = {"source_modules": ["hub.canonical"], "allowed_modules": ["stdnum"]}


def graph_of(*imports: tuple[str, str]) -> grimp.ImportGraph:
    graph = grimp.ImportGraph()
    for module in ("adapters", "adapters.rail", "hub", "hub.canonical", "hub.canonical.ids"):
        graph.add_module(module)
    for line, (importer, imported) in enumerate(imports, start=1):
        graph.add_import(
            importer=importer, imported=imported, line_number=line, line_contents="import x"
        )
    return graph


def broken(options: dict[str, object], graph: grimp.ImportGraph) -> list[tuple[str, str]]:
    contract = AllowListContract("test", session_options={}, contract_options=options)
    check = contract.check(graph, verbose=False)
    found = [(importer, imported) for importer, imported, _ in check.metadata["broken"]]
    assert check.kept == (not found)
    return found


def test_an_adapter_importing_more_of_hub_than_allowed_breaks_the_contract() -> None:
    graph = graph_of(
        ("adapters.rail", "hub.canonical.ids"),
        ("adapters.rail", "hub.exchange.registry"),
        ("adapters.rail", "lxml"),
        ("adapters.rail", "json"),
    )

    assert broken(ADAPTERS, graph) == [("adapters.rail", "hub.exchange.registry")]


def test_the_canonical_model_may_use_the_standard_library_and_stdnum_only() -> None:
    graph = graph_of(
        ("hub.canonical.ids", "stdnum.cn.ric"),
        ("hub.canonical.ids", "re"),
        ("hub.canonical", "hub.canonical.ids"),
        ("hub.canonical.ids", "sqlalchemy"),
        ("hub.canonical", "hub.config"),
    )

    assert broken(CANONICAL, graph) == [
        ("hub.canonical", "hub.config"),
        ("hub.canonical.ids", "sqlalchemy"),
    ]
