"""Import-linter contract types of our own, run by ``lint-imports`` (see pyproject.toml).

``allowlist``: the modules of ``source_modules`` may import, directly, only the standard
library, their own package, and ``allowed_modules`` (each with its submodules). With
``only_within`` set, just the imports of that package are held to the list (adapters may use
any library, but of ``hub`` only what is allowed). A forbidden list names what we thought of;
an allow-list also catches what nobody thought of.
"""

from __future__ import annotations

import sys

import grimp
from importlinter import Contract, ContractCheck, fields, output


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


class AllowListContract(Contract):
    """Only the standard library, the source package itself and the allowed modules."""

    type_name = "allowlist"

    source_modules = fields.ListField(subfield=fields.ModuleField())
    allowed_modules = fields.ListField(subfield=fields.StringField())
    only_within = fields.StringField(required=False)

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        sources = [module.name for module in self.source_modules]  # type: ignore[attr-defined]
        allowed = [*sources, *self.allowed_modules]  # type: ignore[misc]
        scope: str | None = self.only_within  # type: ignore[assignment]
        broken: list[tuple[str, str, list[int]]] = []
        for source in sources:
            for importer in sorted(graph.find_descendants(source) | {source}):
                for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                    top = imported.split(".")[0]
                    if top in sys.stdlib_module_names or top == "__future__":
                        continue
                    if scope is not None and not _within(imported, scope):
                        continue
                    if any(_within(imported, name) for name in allowed):
                        continue
                    details = graph.get_import_details(importer=importer, imported=imported)
                    lines = sorted(detail["line_number"] for detail in details)
                    broken.append((importer, imported, lines))
        return ContractCheck(kept=not broken, metadata={"broken": broken})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for importer, imported, lines in check.metadata["broken"]:
            where = ", ".join(f"l.{line}" for line in lines)
            output.print_error(f"{importer} imports {imported} ({where}): not on the allow-list")
            output.new_line()
