"""One row rule per record type, and every path that returns rows of a type applies it.

The record types, the root lists and lookups, and the nested relations are all read from the
schema, so a type or relation added later is walked too. A region-bound client must get back,
by no path, a row that the type's rule (``hub.access.rule_for``) does not let it see; and the
rules must keep something out for it (a rule that lets everything through is no rule).
"""

from __future__ import annotations

import datetime as dt
import re
from enum import Enum
from typing import Any

import pytest
from graphql import GraphQLEnumType, GraphQLList, GraphQLNonNull, GraphQLObjectType
from sqlalchemy import select

from hub.access import NoRule, rule_for
from hub.alerts.sweeper import sweep_once
from hub.api.lookups import NODE_TYPES
from hub.api.relay import MAX_PK, from_global_id, to_global_id
from hub.api.schema import build_schema
from hub.config import Settings
from hub.demo.generator import DemoScale, generate, subjects
from hub.demo.loader import load
from hub.exchange.inbound import feed_demo
from hub.exchange.pipeline import Exchange
from hub.exchange.protocol import DemoSubjects
from hub.exchange.registry import AdapterRegistry
from hub.readers import Reader

TODAY = dt.date(2026, 11, 25)
REGION = "320300"  # 徐州: every kind of record in the demo data, and some elsewhere
READER = Reader(
    region=REGION, agency="test_agency", every_agency=False, registry=True, client_id="x"
)
"""What the rules know of the Xuzhou client the tests register (its client id matters to
consignments only, which are not nodes)."""
REGION_FREE = {"DangerousGoods"}
"""Types the same for every reader, on purpose: the published dangerous goods list."""
SAMPLE = 40
"""Hidden rows of each type asked for by id, key and list (all of them are checked in lists)."""


def _named(graphql_type: Any) -> Any:
    while isinstance(graphql_type, GraphQLNonNull | GraphQLList):
        graphql_type = graphql_type.of_type
    return graphql_type


def _target(graphql_type: Any) -> tuple[str, bool]:
    """The record type a field returns, and whether through a connection."""
    named = _named(graphql_type)
    if isinstance(named, GraphQLObjectType) and named.name.endswith("Connection"):
        return str(_named(_named(named.fields["edges"].type).fields["node"].type).name), True
    return str(named.name), False


def schema() -> Any:
    return build_schema(Settings(database_url="sqlite+aiosqlite://"))._schema


def node_types() -> list[str]:
    """Every type of the schema that implements Node."""
    graphql = schema()
    node = graphql.type_map["Node"]
    return sorted(
        name
        for name, t in graphql.type_map.items()
        if isinstance(t, GraphQLObjectType) and node in t.interfaces
    )


def relations() -> list[tuple[str, str, str, bool, Any]]:
    """Every field returning a node type: (parent type, field, target type, connection, args)."""
    graphql = schema()
    nodes = set(node_types())
    found = []
    for name, t in graphql.type_map.items():
        if not isinstance(t, GraphQLObjectType) or name.startswith("__") or name.endswith("Edge"):
            continue
        if name in {"Mutation", "Subscription"}:  # writes and streams: tested with their domain
            continue
        for field, definition in t.fields.items():
            target, connection = _target(definition.type)
            if target in nodes:
                found.append((name, field, target, connection, definition.args))
    return found


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


@pytest.fixture
async def demo(graphql: Any, sessions: Any) -> Any:
    data_center = generate(DemoScale.times(0.02), today=TODAY)
    await load(sessions, data_center)
    await feed_demo(
        Exchange(AdapterRegistry.discover(), sessions),
        DemoSubjects(**subjects(data_center), today=TODAY.isoformat()),
    )
    await sweep_once(sessions, None)  # alerts, in every region: overdue reviews and upkeep
    return sessions


async def _rows(sessions: Any, model: Any, reader: Reader | None) -> dict[int, Any]:
    stmt = select(model) if reader is None else select(model).where(rule_for(model, reader))
    async with sessions() as session:
        return {row.id: row for row in (await session.scalars(stmt)).all()}


def test_every_node_type_has_a_rule_and_node_fetches_it() -> None:
    types = node_types()

    missing = [name for name in types if name not in NODE_TYPES]
    unruled = []
    for name in types:
        try:
            rule_for(NODE_TYPES[name][0], READER)
        except (NoRule, KeyError):
            unruled.append(name)

    assert len(types) >= 18
    assert missing == [], "node(id) must fetch every Node type"
    assert unruled == [], "every Node type needs a row rule in hub/access.py"


async def test_no_path_returns_a_row_outside_a_region_bound_clients_region(
    anonymous: Any, demo: Any
) -> None:
    xuzhou = await anonymous.as_client("registry:read pii:read enforcement:read", region=REGION)
    visible: dict[str, set[int]] = {}
    hidden: dict[str, dict[int, Any]] = {}
    for name in node_types():
        model = NODE_TYPES[name][0]
        every = await _rows(demo, model, None)
        seen = set(await _rows(demo, model, READER))
        visible[name] = seen
        hidden[name] = {pk: row for pk, row in every.items() if pk not in seen}
        if name not in REGION_FREE:
            assert hidden[name], f"{name}: the rule keeps nothing from a Xuzhou client"

    def shown(name: str, ids: list[str], where: str) -> None:
        pks = {int(to_pk(global_id)) for global_id in ids}
        leaked = pks - visible[name]
        assert not leaked, f"{where} returned {name} rows outside Xuzhou: {sorted(leaked)[:5]}"

    for name in node_types():
        sample = [to_global_id(name, pk) for pk in list(hidden[name])[:SAMPLE]]
        # node / nodes, by ids the client was never given (forged from keys)
        for global_id in sample[:3]:
            answer = await xuzhou("query ($id: ID!) { node(id: $id) { id } }", {"id": global_id})
            assert answer["data"]["node"] is None, f"node({name})"
            assert answer["errors"][0]["extensions"]["code"] == "NOT_FOUND", answer
        if sample:
            answer = await xuzhou("query ($i: [ID!]!) { nodes(ids: $i) { id } }", {"i": sample})
            assert answer["data"]["nodes"] == [None] * len(sample), f"nodes({name})"
        beyond = to_global_id(name, MAX_PK)
        answer = await xuzhou("query ($id: ID!) { node(id: $id) { id } }", {"id": beyond})
        assert answer["data"]["node"] is None
        if visible[name]:
            mine = to_global_id(name, min(visible[name]))
            answer = await xuzhou("query ($id: ID!) { node(id: $id) { id } }", {"id": mine})
            assert answer["data"]["node"] == {"id": mine}, f"node({name}) of Xuzhou"

    checked_lists, checked_lookups, checked_nested = 0, 0, 0
    skipped: list[str] = []
    for parent, field, target, connection, args in relations():
        if parent == "Query" and field in {"node", "nodes"}:
            continue
        if parent == "Query" and connection:
            # root lists and their totals
            query = f"{{ {field}(first: 100) {{ totalCount edges {{ node {{ id }} }} }} }}"
            answer = (await xuzhou(query))["data"][field]
            shown(target, [edge["node"]["id"] for edge in answer["edges"]], f"{field}")
            assert answer["totalCount"] == len(visible[target]), f"{field}.totalCount"
            checked_lists += 1
        elif parent == "Query":
            # lookups by natural key, of rows of other regions
            if hidden[target]:
                checked_lookups += await _lookups(xuzhou, field, args, hidden[target], target)
        elif parent == "LocatedVehicle":
            # vehiclesNear and vehiclesIn reach vehicles through their positions
            tracker = await anonymous.as_client("registry:read tracking:read", region=REGION)
            for located in (
                'vehiclesIn(region: "320000", first: 1000)',
                "vehiclesNear(point: {latitude: 34.26, longitude: 117.19}, "
                "radiusMeters: 50000, first: 1000)",
                "vehiclesNear(point: {latitude: 32.06, longitude: 118.80}, "
                "radiusMeters: 50000, first: 1000)",
            ):
                answer = await tracker(f"{{ {located} {{ {field} {{ id }} }} }}")
                assert "errors" not in answer, answer
                [found] = answer["data"].values()
                shown(target, [f[field]["id"] for f in found], located)
            checked_nested += 1
        else:
            assert parent in visible, f"{parent}.{field}: a path from a type node() cannot reach"
            # nested relations under every Xuzhou parent
            parents = [to_global_id(parent, pk) for pk in sorted(visible[parent])[:100]]
            if not parents:
                skipped.append(f"{parent}.{field}")
                continue
            inner = (
                f"{field}(first: 100) {{ totalCount edges {{ node {{ id }} }} }}"
                if connection
                else f"{field} {{ id }}"
            )
            query = f"query ($i: [ID!]!) {{ nodes(ids: $i) {{ ... on {parent} {{ {inner} }} }} }}"
            answer = await xuzhou(query, {"i": parents})
            assert "errors" not in answer, (parent, field, answer.get("errors"))
            for node in answer["data"]["nodes"]:
                value = node[field]
                if connection:
                    ids = [edge["node"]["id"] for edge in value["edges"]]
                    if len(ids) < 100:
                        assert value["totalCount"] == len(ids), f"{parent}.{field}.totalCount"
                elif isinstance(value, list):
                    ids = [item["id"] for item in value]
                else:
                    ids = [] if value is None else [value["id"]]
                shown(target, ids, f"{parent}.{field}")
            checked_nested += 1
    assert checked_lists >= 9
    assert checked_lookups >= 7
    assert checked_nested >= 30, skipped


def to_pk(global_id: str) -> int:
    return from_global_id(global_id)[1]


async def _lookups(
    client: Any, field: str, args: dict[str, Any], hidden: dict[int, Any], target: str
) -> int:
    """Look up up to 5 hidden rows by each way the field takes (an ``id`` argument by the
    row's global ID); every answer is NOT_FOUND."""
    required = [name for name, arg in args.items() if isinstance(arg.type, GraphQLNonNull)]
    ways = [required] if required else [[name] for name in args]
    tried = 0
    for way in ways:
        for row in list(hidden.values())[:5]:
            values = {
                name: to_global_id(target, row.id)
                if _named(args[name].type).name == "ID"
                else getattr(row, _snake(name), None)
                for name in way
            }
            if any(value is None for value in values.values()):
                continue
            for name, value in values.items():
                if isinstance(value, Enum):
                    assert isinstance(_named(args[name].type), GraphQLEnumType)
                    values[name] = value.name
            declared = ", ".join(f"${name}: {_named(args[name].type).name}!" for name in way)
            passed = ", ".join(f"{name}: ${name}" for name in way)
            answer = await client(f"query ({declared}) {{ {field}({passed}) {{ id }} }}", values)
            assert answer["data"][field] is None, (field, values)
            assert answer["errors"][0]["extensions"]["code"] == "NOT_FOUND", answer["errors"]
            tried += 1
    assert tried, f"{field}: no hidden row to look up (the keys are {list(args)})"
    return 1
