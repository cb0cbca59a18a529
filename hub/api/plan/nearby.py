"""``vehiclesNear`` in one statement: the vehicles whose latest position is within a radius of
a point, nearest first, each with its vehicle and position.

The resolver (``hub.positions.search.near``) reads the positions in the circle's bounding box
through the (latitude, longitude) index, with the filter's conditions and the row rules of
positions and vehicles, measures each in Python (haversine), keeps those within the radius,
sorts by distance then plate and colour, and keeps the first ones. The statement does the
same in the database: the same box, the same conditions (the resolver's own function reads
the arguments), distances that are the very floats Python computes (``SqlJson.distance``), the
same order (plates by code point) and limit. PostGIS is not used: its distances are not the
haversine's, and the box already reads only the few positions near the point.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, select

from hub.api.plan.compiler import Build, Refer, object_json
from hub.api.plan.rules import row_rule
from hub.api.plan.selection import Selected, Unplannable
from hub.api.plan.sqljson import text
from hub.api.positions.queries import near_search
from hub.errors import BadUserInput
from hub.positions.models import LatestPosition
from hub.positions.search import SAME_VEHICLE, box_around
from hub.vehicles.models import Vehicle


def vehicles_near(build: Build, selected: Selected) -> Select[Any]:
    """A one-row SELECT of the JSON list ``vehiclesNear`` answers."""
    sql = build.sql
    args = build.resolver_arguments(selected)
    try:
        asked = near_search(
            build.principal.reader, args["point"], args["radius_meters"], args["filter"],
            args["first"],
        )  # fmt: skip
    except BadUserInput as exc:  # the resolver words it
        raise Refer(str(exc)) from None
    south, north, west, east = box_around(asked.centre, asked.radius_m)
    position = LatestPosition.__table__
    distance = sql.distance(asked.centre, position.c.latitude, position.c.longitude)
    candidates = (
        select(position.c.plate, position.c.plate_color, Vehicle.id.label("vehicle_id"),
               distance.label("distance"))
        .select_from(position.join(Vehicle.__table__, SAME_VEHICLE))
        .where(position.c.latitude.between(south, north),
               position.c.longitude.between(west, east), *asked.conditions)
        .subquery()
    )  # fmt: skip
    order = (
        candidates.c.distance,
        sql.binary(candidates.c.plate),
        sql.binary(candidates.c.plate_color),
    )
    ranked = (
        select(candidates)
        .where(candidates.c.distance <= asked.radius_m)
        .order_by(*order)
        .limit(asked.limit)
        .subquery()
    )
    element = sql.object([(part.key, _part(build, part, ranked)) for part in selected.children])
    ordered = (ranked.c.distance, sql.binary(ranked.c.plate), sql.binary(ranked.c.plate_color))
    listed = select(sql.array(element, ordered)).select_from(ranked)
    return listed.with_only_columns(sql.as_text(listed.selected_columns[0]))


def _part(build: Build, part: Selected, ranked: Any) -> ColumnElement[Any]:
    """One field of a ``LocatedVehicle``; its vehicle and position read again by key, under
    their row rules, as the resolver loads the few it answers."""
    sql = build.sql
    if part.name == "__typename":
        return text("LocatedVehicle")
    if part.name == "distanceMeters":
        return sql.number(ranked.c.distance)
    if part.name == "vehicle":
        vehicle = Vehicle.__table__.alias()
        found = (
            select(object_json(build, "Vehicle", part.children, vehicle))
            .where(vehicle.c.id == ranked.c.vehicle_id)
            .where(*row_rule(Vehicle, vehicle, build.principal))
        )
        return sql.embed(found.scalar_subquery())
    if part.name == "position":
        fix = LatestPosition.__table__.alias()
        found = (
            select(object_json(build, "VehiclePosition", part.children, fix))
            .where(fix.c.plate == ranked.c.plate, fix.c.plate_color == ranked.c.plate_color)
            .where(*row_rule(LatestPosition, fix, build.principal))
        )
        return sql.embed(found.scalar_subquery())
    raise Unplannable(f"LocatedVehicle.{part.name} is not planned")
