"""Every document in graphql/operations/, answered by the planner and by the resolvers alike,
for several principals on both database backends."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from graphql import OperationDefinitionNode, parse
from sqlalchemy import select

from hub.config import Settings
from hub.demo.generator import DemoScale, generate
from hub.demo.loader import load
from hub.filters import today
from hub.lines.models import LineStop, PassengerLine
from hub.logs import FIELDS
from hub.operators.models import Operator
from hub.stations.models import Station
from hub.vehicles.models import Vehicle
from tests.api.plan.alerts import raise_alerts
from tests.api.plan.consignments import book_journeys
from tests.api.plan.differential import assert_same, compare
from tests.api.positions.fleet import place
from tests.conftest import FULL_ACCESS, GraphQLClient, running

OPERATIONS = Path(__file__).resolve().parents[3] / "graphql" / "operations"
PLANNED = {
    "VehicleCheck",
    "VehicleList",
    "OperatorOverview",
    "VehiclePage",
    "StationLines",
    "ConsignmentJourney",
    "VehicleCheckWithPosition",
    "OpenAlerts",
    "NearbyBlacklisted",
    "NearbyVehicles",
}
"""Documents every field of which the planner answers (the others go to the resolvers)."""

FILLED = {
    "VehicleCheckWithPosition": ("vehicle", "position", "latitude"),
    # A page of five that has a next one, an alert with its vehicle and operator.
    "OpenAlerts": ("alerts", "edges", 4, "node", "vehicle", "vehicleType"),
    "NearbyBlacklisted": ("alerts", "edges", 0, "node", "location", "latitude"),
    # Fifty of the eighty vehicles around Nanjing, nearest first, when the region allows.
    "NearbyVehicles": ("vehiclesNear", 49, "position", "online"),
}
"""Where a planned document's answer must hold a value for some principal: the seed gives
these documents data (a position, alerts) and the planner answers with it."""

SMALL = DemoScale(operators=13, vehicles=80, vessels=2, practitioners=10, stations=13)


@pytest.fixture
async def anonymous(settings: Settings) -> AsyncIterator[GraphQLClient]:
    """Rate limits off: every document twice for each principal is more requests than an
    anonymous caller's quota allows, and the quota is not what these tests compare."""
    async with running(dataclasses.replace(settings, rate_limits=False)) as client:
        yield GraphQLClient(client)


async def seed(sessions: Any) -> dict[str, Any]:
    """A small demo data center and three consignments (``book_journeys``); returns the keys
    the documents look records up by."""
    await load(sessions, generate(SMALL, seed=7, today=today()))
    [travelling, *_] = await book_journeys(sessions)
    now = dt.datetime.now(dt.UTC)
    await raise_alerts(sessions, now)
    await place(sessions, now)  # positions, for the enforcement documents
    async with sessions() as session:
        # In Nanjing (320100), where the region-limited client may read it.
        nanjing = select(Vehicle).where(Vehicle.region_code.startswith("3201"))
        vehicle = (await session.scalars(nanjing.order_by(Vehicle.line_id.desc()))).first()
        assert vehicle is not None
        operator = (await session.scalars(select(Operator).limit(1))).one()
        # A station with lines calling at it (so stops, distances and locations are read),
        # in Nanjing if there is one.
        calling = select(Station).where(Station.id.in_(select(LineStop.station_id)))
        in_nanjing = Station.region_code.startswith("3201")
        stations = await session.scalars(calling.order_by(in_nanjing.desc(), Station.code))
        station = stations.first()
        assert station is not None
    return {
        "VehicleCheck": {"plate": vehicle.plate, "plateColor": vehicle.plate_color.name},
        "VehicleCheckWithPosition": {
            "plate": vehicle.plate,
            "plateColor": vehicle.plate_color.name,
        },
        "NearbyVehicles": {"latitude": 32.05, "longitude": 118.78, "radiusMeters": 50_000},
        "VehicleList": {"first": 7},
        "VehiclePage": {"first": 7},
        "OperatorOverview": {"uscc": operator.uscc},
        "StationLines": {"code": station.code},
        "ConsignmentJourney": {"reference": travelling},
        "OpenAlerts": {"region": "320100", "first": 5},
        "NearbyBlacklisted": {"latitude": 32.06, "longitude": 118.79, "radiusKm": 5.0},
        # An alert that is not there: the two paths answer the same NOT_FOUND, changing nothing.
        "AcknowledgeAlert": {"id": "QWxlcnQ6OTk5OTk5"},
        "CloseAlert": {"id": "QWxlcnQ6OTk5OTk5", "disposition": "已现场处置"},
        # Mutations (never planned): refused alike for every principal here, none of which
        # holds enforcement:write; tests/enforcement/test_operations.py runs them for real.
        "RecordInspection": {
            "inspection": {
                "operatorUscc": operator.uscc,
                "inspectedAt": "2026-11-02T09:00:00+08:00",
                "inspectors": ["JS030001", "JS030002"],
                "items": [],
            }
        },
        "RecordFollowUp": {
            "followUp": {
                "inspectionId": "SW5zcGVjdGlvbjox",
                "inspectedAt": "2026-11-02T09:00:00+08:00",
                "inspectors": ["JS030001", "JS030002"],
                "items": [],
            }
        },
    }


@dataclass(frozen=True)
class Principal:
    """A client the documents are asked by: its scopes, region and stated purpose."""

    scopes: str
    region: str | None = None
    purpose: bool = True


PRINCIPALS = {
    "anonymous": Principal(""),
    "region-limited": Principal("registry:read", "320100"),
    "tracking, region-limited": Principal("registry:read tracking:read", "320100"),
    "pii without purpose": Principal("registry:read pii:read", purpose=False),
    "pii with purpose": Principal("registry:read pii:read"),
    "internal": Principal(FULL_ACCESS),
    "enforcement, region-limited": Principal("registry:read enforcement:read", "320100"),
    "enforcement with tracking": Principal(
        "registry:read enforcement:read enforcement:write tracking:read"
    ),
}
"""Anonymous, region-limited, pii:read with and without purpose, internal, tracking, and
enforcement clients with and without tracking."""


async def principals(anonymous: GraphQLClient) -> dict[str, dict[str, str]]:
    """The headers of each of ``PRINCIPALS``, registered in the app."""
    made = {"anonymous": {}}
    for name, principal in PRINCIPALS.items():
        if principal.scopes:
            client = await anonymous.as_client(
                principal.scopes,
                region=principal.region,
                **({} if principal.purpose else {"purpose": None}),
            )
            made[name] = client.headers
    return made


def documents() -> list[Path]:
    return sorted(OPERATIONS.glob("*/*.graphql"))


async def test_every_operation_document_answers_as_the_resolvers_do(
    anonymous: GraphQLClient, sessions: Any
) -> None:
    keys = await seed(sessions)
    filled: set[str] = set()
    for principal, headers in (await principals(anonymous)).items():
        for path in documents():
            compared = await compare(anonymous.http, headers, path.read_text(), keys[path.stem])
            assert_same(compared, f"{path.stem} as {principal}")
            # An answer with errors (FORBIDDEN for open data…) is the resolvers' to word.
            if path.stem in PLANNED and "errors" not in compared.oracle.json():
                assert compared.answered_by_planner, f"{path.stem} as {principal}"
                where = FILLED.get(path.stem)
                if where and found(compared.planned.json()["data"], where) is not None:
                    filled.add(path.stem)
    assert filled == set(FILLED), f"the planner answered these with data: {filled}"


def found(value: Any, path: tuple[str | int, ...]) -> Any:
    """The value at ``path`` (keys and list indices), None where the path ends early."""
    for step in path:
        if isinstance(step, int):
            value = value[step] if isinstance(value, list) and len(value) > step else None
        else:
            value = value.get(step) if isinstance(value, dict) else None
    return value


def root_fields(document: str) -> int:
    """How many fields the document's one operation selects at its root."""
    [operation] = [d for d in parse(document).definitions if isinstance(d, OperationDefinitionNode)]
    return len(operation.selection_set.selections)


async def test_a_planned_operation_runs_one_statement_per_root_field(
    anonymous: GraphQLClient, sessions: Any, caplog: pytest.LogCaptureFixture
) -> None:
    keys = await seed(sessions)
    # Every scope the planned documents read: positions need tracking:read.
    client = await anonymous.as_client(f"{FULL_ACCESS} tracking:read")
    planner = anonymous.http.app.state.planner  # type: ignore[attr-defined]
    caplog.set_level(logging.INFO, logger="hub.request")

    for path in documents():
        if path.stem not in PLANNED:
            continue
        # Once first, so the gate has read the client (it keeps it for 30 s) and the plan
        # is made: what is counted is the request as it runs again and again.
        await client.post(path.read_text(), keys[path.stem])
        caplog.clear()
        answered = planner.answered
        answer = await client.post(path.read_text(), keys[path.stem])
        assert answer.status_code == 200, answer.text
        assert planner.answered == answered + 1, f"{path.stem}: the planner answered it"
        # The request's own count: statements through the engine (SQLite) and those the
        # planner runs on its own connections (PostgreSQL), BEGIN not among them.
        [logged] = [r for r in caplog.records if r.name == "hub.request"]
        counted = getattr(logged, FIELDS)["sql_statements"]
        assert counted == root_fields(path.read_text()), (path.stem, counted)


LONGITUDE = 118.79647291234566
"""17 significant digits, all needed to read the same float back."""


async def test_whole_and_long_floats_are_written_as_the_resolvers_write_them(
    anonymous: GraphQLClient, sessions: Any
) -> None:
    keys = await seed(sessions)
    async with sessions() as session:
        code = keys["StationLines"]["code"]
        station = (await session.scalars(select(Station).where(Station.code == code))).one()
        # A whole number (PostgreSQL and SQLite would write 32), and 17 significant digits
        # (SQLite's JSON keeps 15).
        station.latitude, station.longitude = 32.0, LONGITUDE
        line = (
            await session.scalars(
                select(PassengerLine).where(
                    PassengerLine.id.in_(
                        select(LineStop.line_id).where(LineStop.station_id == station.id)
                    )
                )
            )
        ).first()
        assert line is not None
        line.distance_km = 20.0
        await session.commit()
    client = await anonymous.as_client()
    document = (OPERATIONS / "portal" / "StationLines.graphql").read_text()

    compared = await compare(anonymous.http, client.headers, document, keys["StationLines"])

    assert_same(compared, "StationLines")
    assert compared.answered_by_planner
    answer = compared.planned.text
    # PostgreSQL's json_build_object writes '"key" : value'; spaces are not compared here.
    compact = answer.replace(" ", "")
    assert '"latitude":32.0,' in compact, answer
    assert f'"longitude":{LONGITUDE!r}}}' in compact, answer
    assert '"distanceKm":20.0,' in compact, answer
