"""Positions in GraphQL: vehicle.position, vehiclesNear and vehiclesIn, on both databases,
with the scope and the region rule."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hub.positions.search import contains
from tests.api.positions.fleet import CENTRE, fleet
from tests.conftest import GraphQLClient

TRACKING = "registry:read tracking:read"
NEAR = """
query Near($point: PointInput!, $radius: Float!, $filter: VehicleFilterInput, $first: Int! = 100) {
  vehiclesNear(point: $point, radiusMeters: $radius, filter: $filter, first: $first) {
    vehicle { plate plateColor region { code } }
    position { latitude longitude online ageSeconds }
    distanceMeters
  }
}
"""
IN = """
query In($polygon: [PointInput!], $region: String) {
  vehiclesIn(polygon: $polygon, region: $region) {
    vehicle { plate plateColor } distanceMeters
  }
}
"""
POSITION = """
query Position($plate: String!, $plateColor: PlateColor!) {
  vehicle(plate: $plate, plateColor: $plateColor) {
    plate position { observedAt latitude longitude speedKmh direction ageSeconds online }
  }
}
"""
POINT = {"latitude": CENTRE[0], "longitude": CENTRE[1]}


def _codes(answer: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in answer.get("errors", [])]


async def test_a_vehicles_position_has_its_age_and_is_online_under_ten_minutes(
    anonymous: GraphQLClient, sessions: Any
) -> None:
    placed = await fleet(sessions, dt.datetime.now(dt.UTC))
    client = await anonymous.as_client(TRACKING)
    stale, fresh = placed[0], placed[1]

    answers = [
        await client(POSITION, {"plate": v.plate, "plateColor": v.color.name})
        for v in (stale, fresh)
    ]

    positions = [a["data"]["vehicle"]["position"] for a in answers]
    assert [p["online"] for p in positions] == [False, True]
    assert 20 * 60 <= positions[0]["ageSeconds"] < 21 * 60
    assert 60 <= positions[1]["ageSeconds"] < 120
    assert (positions[1]["latitude"], positions[1]["longitude"]) == (
        fresh.latitude,
        fresh.longitude,
    )
    assert positions[1]["speedKmh"] == 40.0


async def test_positions_need_the_tracking_scope(anonymous: GraphQLClient, sessions: Any) -> None:
    placed = await fleet(sessions, dt.datetime.now(dt.UTC))
    registry = await anonymous.as_client("registry:read")
    variables = {"plate": placed[1].plate, "plateColor": placed[1].color.name}

    position = await registry(POSITION, variables)
    near = await registry(NEAR, {"point": POINT, "radius": 5000})

    assert position["data"]["vehicle"]["plate"] == placed[1].plate
    assert position["data"]["vehicle"]["position"] is None
    assert _codes(position) == ["FORBIDDEN"]
    assert "position: needs scope tracking:read" in position["errors"][0]["message"]
    assert near["data"] is None
    assert _codes(near) == ["FORBIDDEN"]
    assert "vehiclesNear: needs scope tracking:read" in near["errors"][0]["message"]


async def test_vehicles_near_a_point_are_those_within_the_radius_nearest_first(
    anonymous: GraphQLClient, sessions: Any
) -> None:
    placed = await fleet(sessions, dt.datetime.now(dt.UTC))
    client = await anonymous.as_client(TRACKING)
    radius = 12_000.0
    expected = sorted(
        (v for v in placed if v.distance_from(CENTRE) <= radius),
        key=lambda v: (v.distance_from(CENTRE), v.plate),
    )

    answer = await client(NEAR, {"point": POINT, "radius": radius})

    found = answer["data"]["vehiclesNear"]
    assert 3 <= len(expected) < len(placed), "the radius takes some vehicles, not all"
    assert [f["vehicle"]["plate"] for f in found] == [v.plate for v in expected]
    for f, v in zip(found, expected, strict=True):
        assert abs(f["distanceMeters"] - v.distance_from(CENTRE)) < 1e-6
        assert f["position"]["online"] == (v is not placed[0])


async def test_vehicles_near_take_the_filter_the_limit_and_the_region_rule(
    anonymous: GraphQLClient, sessions: Any
) -> None:
    placed = await fleet(sessions, dt.datetime.now(dt.UTC))
    client = await anonymous.as_client(TRACKING)
    nanjing = await anonymous.as_client(TRACKING, region="320100")
    radius = 50_000.0
    near = sorted(
        (v for v in placed if v.distance_from(CENTRE) <= radius),
        key=lambda v: (v.distance_from(CENTRE), v.plate),
    )

    dangerous = await client(NEAR, {"point": POINT, "radius": radius,
                                    "filter": {"dangerousGoods": True}})  # fmt: skip
    first = await client(NEAR, {"point": POINT, "radius": radius, "first": 3})
    bound = await nanjing(NEAR, {"point": POINT, "radius": radius})

    plates = [f["vehicle"]["plate"] for f in dangerous["data"]["vehiclesNear"]]
    assert plates == [v.plate for v in near if v.dangerous_goods]
    assert plates, "the demo fleet has dangerous-goods vehicles"
    assert [f["vehicle"]["plate"] for f in first["data"]["vehiclesNear"]] == [
        v.plate for v in near[:3]
    ]
    in_nanjing = [v.plate for v in near if v.region.startswith("3201")]
    assert 0 < len(in_nanjing) < len(near)
    assert [f["vehicle"]["plate"] for f in bound["data"]["vehiclesNear"]] == in_nanjing


async def test_vehicles_in_a_polygon_or_a_region(anonymous: GraphQLClient, sessions: Any) -> None:
    placed = await fleet(sessions, dt.datetime.now(dt.UTC))
    client = await anonymous.as_client(TRACKING)
    # A triangle over the fleet's north-west.
    triangle = [(32.3, 118.48), (32.3, 118.9), (31.9, 118.48)]
    polygon = [{"latitude": lat, "longitude": lon} for lat, lon in triangle]

    inside = await client(IN, {"polygon": polygon})
    region = await client(IN, {"region": "320100"})

    expected = sorted(
        (v.plate, v.color.name) for v in placed if contains(triangle, (v.latitude, v.longitude))
    )
    found = [
        (f["vehicle"]["plate"], f["vehicle"]["plateColor"]) for f in inside["data"]["vehiclesIn"]
    ]
    assert 0 < len(expected) < len(placed)
    assert found == expected
    assert all(f["distanceMeters"] is None for f in inside["data"]["vehiclesIn"])
    registered = sorted((v.plate, v.color.name) for v in placed if v.region.startswith("3201"))
    assert [
        (f["vehicle"]["plate"], f["vehicle"]["plateColor"]) for f in region["data"]["vehiclesIn"]
    ] == registered


async def test_bad_areas_are_refused_naming_the_argument(
    anonymous: GraphQLClient, sessions: Any
) -> None:
    client = await anonymous.as_client(TRACKING)
    two = [{"latitude": 32.0, "longitude": 118.0}, {"latitude": 32.1, "longitude": 118.1}]
    cases = [
        (NEAR, {"point": POINT, "radius": 0}, "radiusMeters: 0.0 is outside 0 (excluded) to 50000"),
        (NEAR, {"point": POINT, "radius": 60_000}, "radiusMeters: 60000.0 is outside"),
        (NEAR, {"point": {"latitude": 91, "longitude": 118}, "radius": 10},
         "point.latitude: 91.0 is outside -90 to 90"),
        (NEAR, {"point": POINT, "radius": 10, "first": 0}, "first: 0 is outside 1 to 1000"),
        (IN, {}, "region or polygon: give exactly one of them"),
        (IN, {"region": "320100", "polygon": two * 2}, "region or polygon: give exactly one"),
        (IN, {"polygon": two}, "polygon: has 2 vertices; give 3 to 200"),
        (IN, {"polygon": [*two, two[0]]}, "polygon: needs 3 distinct vertices"),
        (IN, {"polygon": [*two, {"latitude": 32, "longitude": 200}]},
         "polygon[2].longitude: 200.0 is outside -180 to 180"),
        (IN, {"region": "999999"}, "region: '999999' province 99 is not in GB/T 2260"),
    ]  # fmt: skip
    for query, variables, message in cases:
        answer = await client(query, variables)
        assert _codes(answer) == ["BAD_USER_INPUT"], (variables, answer)
        assert answer["errors"][0]["message"].startswith(message), (variables, answer)
