"""A region-limited client reads no row of another region through the planner, by any path:
root lists, lookups, nested relations and nested lists, and their counts, alerts and the
vehicles near a point."""

from __future__ import annotations

import base64
from typing import Any

from sqlalchemy import select

from hub.api.plan import catalog, kinds
from hub.api.plan.planner import Planner
from hub.operators.models import Operator
from hub.stations.models import Station
from hub.vehicles.models import Vehicle
from tests.api.plan.test_operations import seed
from tests.conftest import GraphQLClient

NANJING = "320100"


def selection(type_name: str, depth: int) -> str:
    """Every planned field of a type that reaches rows (ids, relations, lists), to ``depth``."""
    parts = ["id"]
    for name, kind in catalog.TYPES[type_name].fields.items():
        if depth == 0:
            break
        if isinstance(kind, kinds.ToOne):
            parts.append(f"{name} {{ {selection(kind.type_name, depth - 1)} }}")
        elif isinstance(kind, kinds.ByKey):
            # A position: no id of its own; its rule is its vehicle's.
            parts.append(f"{name} {{ latitude }}")
        elif isinstance(kind, kinds.Through):
            # Ids only: the lists under each station are walked from a line's origin, and
            # the whole walk must stay within the internal tier's cost limit.
            parts.append(f"{name} {{ id }}")
        elif isinstance(kind, kinds.ToMany):
            inner = selection(kind.type_name, depth - 1)
            parts.append(f"{name}(first: 10) {{ totalCount edges {{ node {{ {inner} }} }} }}")
    return " ".join(parts)


def ids(value: Any) -> list[tuple[str, int]]:
    """Every (type, key) of the global IDs in an answer."""
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "id" and isinstance(item, str):
                type_name, pk = base64.b64decode(item).decode().split(":")
                found.append((type_name, int(pk)))
            else:
                found += ids(item)
    elif isinstance(value, list):
        for item in value:
            found += ids(item)
    return found


async def test_a_region_limited_client_reads_only_its_region_by_every_planned_path(
    anonymous: GraphQLClient, sessions: Any
) -> None:
    await seed(sessions)
    client = await anonymous.as_client(
        "registry:read enforcement:read tracking:read", region=NANJING
    )
    planner: Planner = anonymous.http.app.state.planner  # type: ignore[attr-defined]
    async with sessions() as session:
        elsewhere = (
            await session.scalars(select(Operator).where(~Operator.region_code.startswith("3201")))
        ).first()
        outside = (
            await session.scalars(select(Vehicle).where(~Vehicle.region_code.startswith("3201")))
        ).first()
        far = (
            await session.scalars(select(Station).where(~Station.region_code.startswith("3201")))
        ).first()
    assert elsewhere is not None
    assert outside is not None
    assert far is not None
    seen: list[tuple[str, int]] = []
    for root, entry in catalog.ROOTS.items():
        if isinstance(entry, kinds.RootList | kinds.RootPage):
            inner = selection(entry.type_name, 2)
            query = f"{{ {root}(first: 50) {{ totalCount edges {{ node {{ {inner} }} }} }} }}"
        elif isinstance(entry, kinds.Near):
            inner = f"vehicle {{ {selection('Vehicle', 1)} }} position {{ latitude }}"
            query = (
                f"{{ {root}(point: {{latitude: 32.05, longitude: 118.78}}, radiusMeters: 50000, "
                f"first: 1000) {{ {inner} }} }}"
            )
        else:
            continue
        before = planner.answered
        answer = await client(query)
        assert planner.answered == before + 1, answer
        assert "errors" not in answer, answer
        seen += ids(answer["data"])
    assert {type_name for type_name, _ in seen} >= {"Alert", "Vehicle", "Operator"}

    # A lookup of another region's record: no answer, as if it did not exist.
    hidden = await client(
        f'{{ operator(uscc: "{elsewhere.uscc}") {{ id }} '
        f'vehicle(plate: "{outside.plate}", plateColor: {outside.plate_color.name}) {{ id }} '
        f'station(code: "{far.code}") {{ id }} }}'
    )
    assert hidden["data"] == {"operator": None, "vehicle": None, "station": None}
    assert {e["extensions"]["code"] for e in hidden["errors"]} == {"NOT_FOUND"}

    assert seen, "the walk read nothing"
    # By global ID: node is NOT_FOUND (the resolvers word it), nodes answers null.
    foreign = base64.b64encode(f"Vehicle:{outside.id}".encode()).decode()
    by_id = await client(f'{{ node(id: "{foreign}") {{ id }} }}')
    assert by_id["data"] == {"node": None}
    before = planner.answered
    mine = base64.b64encode(f"{seen[0][0]}:{seen[0][1]}".encode()).decode()
    listed = await client(f'{{ nodes(ids: ["{foreign}", "{mine}"]) {{ id }} }}')
    assert planner.answered == before + 1, listed
    assert listed["data"]["nodes"][0] is None
    assert listed["data"]["nodes"][1] is not None

    assert seen, "the walk read nothing"
    async with sessions() as session:
        for type_name, pk in set(seen):
            model = catalog.TYPES[type_name].model
            assert model is not None
            row = await session.get(model, pk)
            assert row is not None
            region: str = row.region_code  # type: ignore[attr-defined]
            assert region.startswith("3201"), (type_name, pk, region)
