"""Every document in graphql/operations/, answered by the planner and by the resolvers alike,
for several principals on both database backends."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event, select

from hub.demo.generator import DemoScale, generate
from hub.demo.loader import load
from hub.filters import today
from hub.operators.models import Operator
from hub.vehicles.models import Vehicle
from tests.api.plan.differential import assert_same, compare
from tests.conftest import GraphQLClient

OPERATIONS = Path(__file__).resolve().parents[3] / "graphql" / "operations"
PLANNED = {"VehicleCheck", "VehicleList", "OperatorOverview", "VehiclePage"}
"""Documents every field of which the planner answers (the others go to the resolvers)."""

SMALL = DemoScale(operators=13, vehicles=80, vessels=2, practitioners=10, stations=13)


async def seed(sessions: Any) -> dict[str, Any]:
    """A small demo data center; returns the keys the documents look records up by."""
    await load(sessions, generate(SMALL, seed=7, today=today()))
    async with sessions() as session:
        # In Nanjing (320100), where the region-limited client may read it.
        nanjing = select(Vehicle).where(Vehicle.region_code.startswith("3201"))
        vehicle = (await session.scalars(nanjing.order_by(Vehicle.line_id.desc()))).first()
        assert vehicle is not None
        operator = (await session.scalars(select(Operator).limit(1))).one()
    return {
        "VehicleCheck": {"plate": vehicle.plate, "plateColor": vehicle.plate_color.name},
        "VehicleList": {"first": 7},
        "VehiclePage": {"first": 7},
        "OperatorOverview": {"uscc": operator.uscc},
        "StationLines": {"code": "NOPE"},
        "ConsignmentJourney": {"reference": "NOPE"},
    }


async def principals(anonymous: GraphQLClient) -> dict[str, dict[str, str]]:
    """Anonymous, region-limited, pii:read with and without purpose, internal."""
    made = {
        "region-limited": await anonymous.as_client("registry:read", region="320100"),
        "pii without purpose": await anonymous.as_client("registry:read pii:read", purpose=None),
        "pii with purpose": await anonymous.as_client("registry:read pii:read"),
        "internal": await anonymous.as_client(),
    }
    return {"anonymous": {}} | {name: client.headers for name, client in made.items()}


def documents() -> list[Path]:
    return sorted(OPERATIONS.glob("*/*.graphql"))


async def test_every_operation_document_answers_as_the_resolvers_do(
    anonymous: GraphQLClient, sessions: Any
) -> None:
    keys = await seed(sessions)
    for principal, headers in (await principals(anonymous)).items():
        for path in documents():
            compared = await compare(anonymous.http, headers, path.read_text(), keys[path.stem])
            assert_same(compared, f"{path.stem} as {principal}")
            # An answer with errors (FORBIDDEN for open data…) is the resolvers' to word.
            if path.stem in PLANNED and "errors" not in compared.oracle.json():
                assert compared.answered_by_planner, f"{path.stem} as {principal}"


async def test_a_planned_operation_runs_one_statement_per_root_field(
    anonymous: GraphQLClient, sessions: Any
) -> None:
    keys = await seed(sessions)
    client = await anonymous.as_client()
    engine = anonymous.http.app.state.engine  # type: ignore[attr-defined]
    statements: list[str] = []

    def counted(_connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        # SQLite's BEGIN (a read transaction, so root fields see one snapshot) is no query.
        if statement != "BEGIN":
            statements.append(statement)

    for path in documents():
        if path.stem not in PLANNED:
            continue
        # Once first, so the gate has read the client (it keeps it for 30 s) and the plan
        # is made: what is counted is the request as it runs again and again.
        await client.post(path.read_text(), keys[path.stem])
        event.listen(engine.sync_engine, "before_cursor_execute", counted)
        try:
            answer = await client.post(path.read_text(), keys[path.stem])
        finally:
            event.remove(engine.sync_engine, "before_cursor_execute", counted)
        assert answer.status_code == 200, answer.text
        assert len(statements) == 1, (path.stem, statements)
        statements.clear()
