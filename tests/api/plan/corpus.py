"""A seeded generator of random read documents over the planned types.

Bad input to a non-null root field (a forged cursor or ID, an unknown region) is left out: its
error nulls ``data``, and the resolver executor then closes the request's session while sibling
resolvers still use it — an answer that varies run to run (a defect of the resolver path,
reported), no use as an oracle.

Each document holds several aliased root fields: lookups by natural key and connections with
random page arguments, cursors, filters and orderings, selecting random fields of the catalog
(nested relations and connections, the certificate, ``__typename``), through named and inline
fragments, with ``@skip`` / ``@include`` on literals and variables. Now and then a field the
planner leaves to the resolvers is mixed in, so both paths are exercised.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from hub.api.plan import catalog, kinds

LISTS = {
    "vehicles": ("Vehicle", ["PLATE", "CERTIFICATE_VALID_TO", "NEXT_ANNUAL_REVIEW"]),
    "operators": ("Operator", ["NAME", "USCC", "REGION"]),
    "permits": ("Permit", ["NUMBER", "VALID_TO"]),
    "passengerLines": ("PassengerLine", ["CODE", "NAME"]),
    "alerts": ("Alert", ["STARTED_AT", "ENDED_AT"]),
}
FILTERS: dict[str, list[str]] = {
    "Vehicle": [
        "{plateColor: YELLOW}",
        "{plateColor: BLUE}",
        "{vehicleType: HEAVY_TRUCK}",
        "{dangerousGoods: true}",
        "{certificateValidity: EXPIRED}",
        "{certificateValidity: EXPIRING}",
        "{annualReviewOverdue: false}",
        '{region: "320100"}',
        '{region: "320500", plateColor: YELLOW}',
        '{search: "A"}',
    ],
    "Operator": ['{region: "320100"}', "{status: ACTIVE}", '{search: "运输"}', '{search: "%"}'],
    "Permit": ["{kind: GENERAL_FREIGHT}", "{status: VALID}", "{validity: VALID}"],
    "PassengerLine": ['{region: "320100"}', '{search: "南京"}'],
    "Alert": [
        "{statuses: [OPEN, ACKNOWLEDGED]}",
        '{region: "320100"}',
        '{region: "320102", statuses: [OPEN]}',
        "{kinds: [BLACKLISTED, FATIGUE]}",
        "{near: {latitude: 32.06, longitude: 118.79, radiusKm: 5}}",
        "{kinds: [OVER_SPEED], near: {latitude: 32.06, longitude: 118.79, radiusKm: 50}}",
        '{startedFrom: "2020-01-01T08:00:00+08:00", statuses: [CLOSED]}',
    ],
}
POINTS = ["{latitude: 32.05, longitude: 118.78}", "{latitude: 32.2, longitude: 118.6}"]
"""Where vehiclesNear is asked about: Nanjing, where the seed places every vehicle."""
NEEDS = {
    "VehiclePosition": "tracking:read",
    "LocatedVehicle": "tracking:read",
    "Alert": "enforcement:read",
}
"""Types a principal needs a scope for: documents select them for principals holding it (and
now and then for others, who are refused, where the field may be null: a root field that
must not be null is asked only by principals who may read it, see the module's note)."""
RESOLVED_IN_PYTHON = {
    "Vehicle": "tonnage",
    "Operator": "region { code }",
    "Permit": "provenance { source }",
}


@dataclass
class Pools:
    """Values the documents look up and page from, read from the seeded database."""

    keys: dict[str, list[str]]
    """Root lookup field → argument text, e.g. ``plate: "苏A1", plateColor: YELLOW``."""
    cursors: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    ids: list[str] = field(default_factory=list)
    """Global IDs: of planned types, of another type, of no record."""
    """(list, ordering) → cursors of that ordering."""


@dataclass
class Document:
    query: str
    variables: dict[str, Any]
    selections: int


class Corpus:
    """Random documents from one seed."""

    def __init__(self, seed: int, pools: Pools) -> None:
        self.random = random.Random(seed)
        self.pools = pools
        self.fragments: dict[str, str] = {}
        self.variables: dict[str, Any] = {}
        self.definitions: list[str] = []
        self.scopes: frozenset[str] = frozenset()

    def _readable(self, type_name: str, strictly: bool = False) -> bool:
        needed = NEEDS.get(type_name)
        if needed is None or needed in self.scopes:
            return True
        return not strictly and self.random.random() < 0.05

    def _directive(self) -> str:
        r = self.random.random()
        if r < 0.85:
            return ""
        if r < 0.9:
            return f" @skip(if: {self.random.choice(['true', 'false'])})"
        if r < 0.95:
            return f" @include(if: {self.random.choice(['true', 'false'])})"
        name = f"flag{len(self.variables)}"
        self.variables[name] = self.random.random() < 0.5
        self.definitions.append(f"${name}: Boolean!")
        return f" @{self.random.choice(['skip', 'include'])}(if: ${name})"

    def _fields(self, type_name: str, depth: int) -> str:
        entry = catalog.TYPES[type_name]
        names = list(entry.fields)
        chosen = self.random.sample(names, k=self.random.randint(1, min(4, len(names))))
        parts = []
        for name in chosen:
            kind = entry.fields[name]
            alias = f"a{self.random.randint(0, 9)}_{name}: " if self.random.random() < 0.1 else ""
            if isinstance(kind, kinds.RegionOf):
                picked = self.random.sample(
                    ["code", "name", "nameEn", "isCity", "city { code name }", "__typename"],
                    k=self.random.randint(1, 3),
                )
                inner = " ".join(picked)
            elif isinstance(kind, kinds.Embedded | kinds.EmbeddedWhen):
                inner = self._fields(kind.type_name, depth)
            elif isinstance(kind, kinds.ToOne | kinds.ByKey | kinds.Through):
                if depth <= 0 or not self._readable(kind.type_name):
                    continue
                inner = self._fields(kind.type_name, depth - 1)
            elif isinstance(kind, kinds.ToMany):
                if depth <= 0:
                    continue
                parts.append(alias + name + self._connection(kind.type_name, None, depth - 1, 2))
                continue
            else:
                inner = ""
            parts.append(f"{alias}{name}{self._directive()}{' { ' + inner + ' }' if inner else ''}")
        if self.random.random() < 0.2:
            parts.append("__typename")
        if self.random.random() < 0.05 and type_name in RESOLVED_IN_PYTHON:
            parts.append(RESOLVED_IN_PYTHON[type_name])
        if not parts:
            parts.append("__typename")
        text = " ".join(parts)
        r = self.random.random()
        if r < 0.15 and entry.model is not None:
            name = f"F{len(self.fragments)}"
            self.fragments[name] = f"fragment {name} on {type_name} {{ {text} }}"
            return f"...{name}"
        if r < 0.25:
            return f"... on {type_name} {{ {text} }}"
        if r < 0.3 and "id" in entry.fields:  # a Node
            return f"{text} ... on Node {{ id }}"
        return text

    def _connection(self, type_name: str, root: str | None, depth: int, largest: int) -> str:
        args = []
        sorts = LISTS[root][1] if root else []
        ordering = None
        if sorts and self.random.random() < 0.5:
            ordering = (self.random.choice(sorts), self.random.choice(["ASC", "DESC"]))
            args.append(f"orderBy: {{field: {ordering[0]}, direction: {ordering[1]}}}")
        forward = self.random.random() < 0.75
        size = self.random.randint(0 if self.random.random() < 0.03 else 1, largest)
        if root and self.random.random() < 0.2:
            name = f"size{len(self.variables)}"
            self.variables[name] = size
            self.definitions.append(f"${name}: Int")
            args.append(f"{'first' if forward else 'last'}: ${name}")
        else:
            args.append(f"{'first' if forward else 'last'}: {size}")
        if root:
            field_name, direction = ordering or (sorts[0], "ASC")
            sort_key = f"{field_name}:{direction.lower()}"
            pool = self.pools.cursors.get((root, sort_key), [])
            if pool and self.random.random() < 0.4:
                args.append(f'{"after" if forward else "before"}: "{self.random.choice(pool)}"')
        filters = FILTERS.get(type_name)
        if filters and self.random.random() < 0.3:
            args.append(f"filter: {self.random.choice(filters)}")
        parts = []
        if self.random.random() < 0.4:
            parts.append("totalCount")
        if self.random.random() < 0.4:
            info = self.random.sample(
                ["hasNextPage", "hasPreviousPage", "startCursor", "endCursor", "__typename"],
                k=self.random.randint(1, 4),
            )
            parts.append(f"pageInfo {{ {' '.join(info)} }}")
        if not parts or self.random.random() < 0.8:
            edge = ["node { " + self._fields(type_name, depth) + " }"]
            if self.random.random() < 0.4:
                edge.insert(0, "cursor")
            if self.random.random() < 0.1:
                edge.append("__typename")
            parts.append(f"edges {{ {' '.join(edge)} }}")
        if self.random.random() < 0.1:
            parts.append("__typename")
        return f"({', '.join(args)}) {{ {' '.join(parts)} }}"

    def _near(self) -> str:
        """``vehiclesNear`` around a point, with a random radius, size and filter."""
        args = [
            f"point: {self.random.choice(POINTS)}",
            f"radiusMeters: {self.random.choice([500, 3000.5, 20_000, 50_000])}",
            f"first: {self.random.randint(1, 12)}",
        ]
        if self.random.random() < 0.3:
            args.append(f"filter: {self.random.choice(FILTERS['Vehicle'])}")
        parts = ["distanceMeters"]
        if self.random.random() < 0.8:
            parts.append(f"vehicle {{ {self._fields('Vehicle', 0)} }}")
        if self.random.random() < 0.6:
            parts.append(f"position {{ {self._fields('VehiclePosition', 0)} }}")
        self.random.shuffle(parts)
        return f"vehiclesNear({', '.join(args)}) {{ {' '.join(parts)} }}"

    def document(self, roots: int = 5, scopes: frozenset[str] = frozenset()) -> Document:
        """One document of ``roots`` aliased root fields, for a principal of ``scopes``."""
        self.fragments, self.variables, self.definitions = {}, {}, []
        self.scopes = scopes
        fields = []
        for n in range(roots):
            if self.random.random() < 0.1 and self.pools.ids:
                # Nodes of types refused to the principal too: null and FORBIDDEN at their
                # own place, the others answered.
                picked = self.random.sample(self.pools.ids, k=self.random.randint(1, 4))
                types = self.random.sample(["Vehicle", "Operator", "Permit", "Alert"], k=2)
                inner = (
                    " ".join(f"... on {t} {{ {self._fields(t, 1)} }}" for t in types)
                    + " __typename"
                )
                if len(picked) == 1:
                    fields.append(f'r{n}: node(id: "{picked[0]}") {{ {inner} }}')
                else:
                    listed = ", ".join(f'"{i}"' for i in picked)
                    fields.append(f"r{n}: nodes(ids: [{listed}]) {{ {inner} }}")
            elif self.random.random() < 0.1 and self._readable("LocatedVehicle", strictly=True):
                fields.append(f"r{n}: {self._near()}")
            elif self.random.random() < 0.6:
                root = self.random.choice(
                    [name for name, (t, _) in LISTS.items() if self._readable(t, strictly=True)]
                )
                type_name = LISTS[root][0]
                fields.append(f"r{n}: {root}{self._connection(type_name, root, 1, 4)}")
            else:
                lookup = self.random.choice(list(self.pools.keys))
                type_name = catalog.ROOTS[lookup].type_name
                key = self.random.choice(self.pools.keys[lookup])
                fields.append(f"r{n}: {lookup}({key}) {{ {self._fields(type_name, 1)} }}")
        head = (
            f"query Random({', '.join(self.definitions)})" if self.definitions else "query Random"
        )
        body = f"{head} {{ {' '.join(fields)} }}"
        return Document("\n".join([body, *self.fragments.values()]), dict(self.variables), roots)
