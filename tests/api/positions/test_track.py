"""vehicle.track: Douglas-Peucker with stops, audited with the purpose stated, bad periods
refused."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from hub.api.relay import to_global_id
from hub.audit.log import reads_of
from hub.positions import repository
from hub.vehicles.models import Vehicle
from tests.api.positions.fleet import fix, fleet
from tests.conftest import GraphQLClient

TRACK = """
query Track($plate: String!, $plateColor: PlateColor!, $from: DateTime!, $to: DateTime!,
            $tolerance: Float! = 20) {
  vehicle(plate: $plate, plateColor: $plateColor) {
    track(from: $from, to: $to, toleranceMeters: $tolerance) {
      fixCount toleranceMeters
      points { observedAt latitude longitude }
      stops { latitude longitude startedAt endedAt durationSeconds fixCount }
    }
  }
}
"""
T0 = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
STEP = dt.timedelta(seconds=30)
EAST = 0.003  # degrees of longitude per 30 s: about 34 km/h at 32°N


async def _drive(sessions: Any) -> tuple[Vehicle, list[tuple[dt.datetime, float, float]]]:
    """A vehicle driving east 10 minutes, standing 10 minutes, then north 10 minutes."""
    await fleet(sessions, dt.datetime.now(dt.UTC))
    async with sessions() as session:
        vehicle = (await session.scalars(select(Vehicle).order_by(Vehicle.plate))).first()
        assert vehicle is not None
        points = [(T0 + i * STEP, 32.0, 118.7 + i * EAST) for i in range(21)]
        corner = points[-1]
        points += [(corner[0] + i * STEP, 32.0, corner[2]) for i in range(1, 21)]
        stood = points[-1]
        points += [(stood[0] + i * STEP, 32.0 + i * EAST, corner[2]) for i in range(1, 21)]
        fixes = [fix(vehicle.plate, vehicle.plate_color, *p) for p in points]
        await repository.ensure_partitions(session, {T0.date()})
        await session.commit()
        await repository.store(session, fixes, T0 + dt.timedelta(hours=1))
        await session.commit()
    return vehicle, points


def _variables(vehicle: Vehicle, **more: Any) -> dict[str, Any]:
    end = (T0 + dt.timedelta(hours=1)).isoformat()
    return {"plate": vehicle.plate, "plateColor": vehicle.plate_color.name,
            "from": T0.isoformat(), "to": end} | more  # fmt: skip


async def test_a_track_is_simplified_and_its_stops_found(
    anonymous: GraphQLClient, sessions: Any
) -> None:
    vehicle, points = await _drive(sessions)
    client = await anonymous.as_client("registry:read tracking:read")

    answer = await client(TRACK, _variables(vehicle))

    track = answer["data"]["vehicle"]["track"]
    assert (track["fixCount"], track["toleranceMeters"]) == (len(points), 20.0)
    # The start, the corner (the first fix there) and the end: the rest lie on straight lines.
    kept = [points[0], points[20], points[-1]]
    assert [(p["observedAt"], p["latitude"], p["longitude"]) for p in track["points"]] == [
        (at.isoformat(), lat, lon) for at, lat, lon in kept
    ]
    assert track["stops"] == [
        {"latitude": 32.0, "longitude": points[20][2], "startedAt": points[20][0].isoformat(),
         "endedAt": points[40][0].isoformat(), "durationSeconds": 600, "fixCount": 21}
    ]  # fmt: skip
    every = await client(TRACK, _variables(vehicle, tolerance=0))
    assert len(every["data"]["vehicle"]["track"]["points"]) > 3


async def test_following_a_track_is_audited_and_needs_a_stated_purpose(
    anonymous: GraphQLClient, sessions: Any
) -> None:
    vehicle, _ = await _drive(sessions)
    stated = await anonymous.as_client("registry:read tracking:read")
    unstated = await anonymous.as_client("registry:read tracking:read", purpose=None)

    released = await stated(TRACK, _variables(vehicle))
    refused = await unstated(TRACK, _variables(vehicle))

    assert released["data"]["vehicle"]["track"]["fixCount"] == 61
    assert refused["data"]["vehicle"]["track"] is None
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert refused["errors"][0]["message"] == (
        "track: following a vehicle needs a stated purpose of use (the X-Purpose-Of-Use header)"
    )
    async with sessions() as session:
        entries = await reads_of(session, to_global_id("Vehicle", vehicle.id))
    assert [(e.outcome, e.purpose, e.operation_name) for e in entries] == [
        ("denied", None, "Track"),
        ("ok", "SYSTEM_TESTING", "Track"),
    ]


async def test_bad_periods_and_tolerances_are_refused(
    anonymous: GraphQLClient, sessions: Any
) -> None:
    vehicle, _ = await _drive(sessions)
    client = await anonymous.as_client("registry:read tracking:read")
    later = (T0 + dt.timedelta(days=8)).isoformat()
    cases = [
        ({"to": T0.isoformat()}, "to: 2026-12-01T08:00:00+00:00 is not after from"),
        ({"to": later}, "to: a track covers at most 7 days"),
        ({"from": "2026-12-01T08:00:00"}, "from: 2026-12-01T08:00:00 has no UTC offset"),
        ({"tolerance": -1}, "toleranceMeters: -1.0 is outside 0 to 10000"),
    ]
    for more, message in cases:
        answer = await client(TRACK, _variables(vehicle, **more))
        assert answer["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", answer
        assert answer["errors"][0]["message"].startswith(message), answer
