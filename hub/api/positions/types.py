"""GraphQL types of positions: a vehicle's latest fix, its track, and the points asked about."""

from __future__ import annotations

import datetime as dt

import strawberry

from hub.api.bilingual import doc
from hub.api.permissions import TRACKING
from hub.canonical.geo import Point
from hub.errors import BadUserInput
from hub.positions import tracks
from hub.positions.models import LatestPosition

ONLINE_WITHIN = dt.timedelta(minutes=10)
"""A vehicle whose newest fix is younger than this is online. JT/T 808 terminals report every
10-30 s while driving and every few minutes when parked; ten minutes of silence is a terminal
switched off or out of coverage."""


@strawberry.type(
    description=doc(
        "车辆最新位置（卫星定位，WGS-84 / CGCS2000）；最新定位在 10 分钟内为在线。",
        "A vehicle's latest satellite fix (WGS-84 / CGCS2000); online when it is under "
        "10 minutes old.",
    ),
    directives=[TRACKING],
)
class VehiclePosition:
    observed_at: dt.datetime = strawberry.field(
        description=doc("定位时间。", "When the fix was taken.")
    )
    received_at: dt.datetime = strawberry.field(
        description=doc("平台接收时间。", "When the hub received it.")
    )
    latitude: float = strawberry.field(description=doc("纬度（度）。", "Latitude in degrees."))
    longitude: float = strawberry.field(description=doc("经度（度）。", "Longitude in degrees."))
    speed_kmh: float = strawberry.field(description=doc("速度（公里/小时）。", "Speed in km/h."))
    direction: int = strawberry.field(
        description=doc("方向（正北起顺时针度数）。", "Heading, degrees clockwise from north.")
    )
    age_seconds: int = strawberry.field(
        description=doc("定位距今秒数。", "Seconds since the fix was taken.")
    )
    online: bool = strawberry.field(
        description=doc(
            "是否在线：最新定位距今不足 10 分钟。",
            "Online: the latest fix is under 10 minutes old.",
        )
    )

    @classmethod
    def from_row(cls, row: LatestPosition, now: dt.datetime | None = None) -> VehiclePosition:
        """The published position of a stored latest fix, aged as of ``now``."""
        age = (now or dt.datetime.now(dt.UTC)) - row.observed_at
        return cls(
            observed_at=row.observed_at,
            received_at=row.received_at,
            latitude=row.latitude,
            longitude=row.longitude,
            speed_kmh=row.speed_kmh,
            direction=row.direction,
            age_seconds=max(int(age.total_seconds()), 0),
            online=age < ONLINE_WITHIN,
        )


@strawberry.type(description=doc("轨迹上的一点。", "A point of a track: one stored fix."))
class TrackPoint:
    observed_at: dt.datetime = strawberry.field(description=doc("定位时间。", "When."))
    latitude: float = strawberry.field(description=doc("纬度（度）。", "Latitude in degrees."))
    longitude: float = strawberry.field(description=doc("经度（度）。", "Longitude in degrees."))
    speed_kmh: float = strawberry.field(description=doc("速度（公里/小时）。", "Speed in km/h."))

    @classmethod
    def of(cls, fix: tracks.TrackFix) -> TrackPoint:
        return cls(
            observed_at=fix.observed_at,
            latitude=fix.latitude,
            longitude=fix.longitude,
            speed_kmh=fix.speed_kmh,
        )


@strawberry.type(
    description=doc(
        "停车点：在 100 米内停留 5 分钟以上。",
        "A stop: the vehicle stayed within 100 m for 5 minutes or more.",
    )
)
class TrackStop:
    latitude: float = strawberry.field(description=doc("纬度（度）。", "Latitude in degrees."))
    longitude: float = strawberry.field(description=doc("经度（度）。", "Longitude in degrees."))
    started_at: dt.datetime = strawberry.field(description=doc("停车开始。", "Stopped at."))
    ended_at: dt.datetime = strawberry.field(
        description=doc("停车结束（最后一个停留定位）。", "The last fix of the stop.")
    )
    duration_seconds: int = strawberry.field(description=doc("停留秒数。", "Seconds stopped."))
    fix_count: int = strawberry.field(description=doc("停留期间的定位数。", "Fixes in the stop."))

    @classmethod
    def of(cls, stop: tracks.Stop) -> TrackStop:
        return cls(
            latitude=stop.latitude,
            longitude=stop.longitude,
            started_at=stop.started_at,
            ended_at=stop.ended_at,
            duration_seconds=int((stop.ended_at - stop.started_at).total_seconds()),
            fix_count=stop.fixes,
        )


@strawberry.type(
    description=doc(
        "车辆在一段时间内的轨迹，经道格拉斯-普克算法抽稀，并标出停车点。",
        "A vehicle's track over a period, simplified by Douglas-Peucker, with its stops.",
    )
)
class VehicleTrack:
    points: list[TrackPoint] = strawberry.field(
        description=doc(
            "抽稀后的轨迹点，按时间顺序（含首尾点）。",
            "The simplified track in time order, first and last fix included.",
        )
    )
    stops: list[TrackStop] = strawberry.field(
        description=doc(
            "停车点，按时间顺序（由全部定位算出）。", "Stops in time order, from every fix."
        )
    )
    fix_count: int = strawberry.field(
        description=doc(
            "时段内存储的定位数（抽稀前）。", "Fixes stored in the period, before simplifying."
        )
    )
    tolerance_meters: float = strawberry.field(
        description=doc("抽稀容差（米）。", "The simplification tolerance in metres.")
    )


MAX_TRACK_SPAN = dt.timedelta(days=7)
MAX_TOLERANCE_M = 10_000.0


def track_window(
    start: dt.datetime, end: dt.datetime, tolerance: float
) -> tuple[dt.datetime, dt.datetime]:
    """The period of a track asked for, checked: an offset on both ends, ``from`` before
    ``to``, at most ``MAX_TRACK_SPAN``, a tolerance from 0 to ``MAX_TOLERANCE_M``."""
    for name, value in (("from", start), ("to", end)):
        if value.tzinfo is None:
            raise BadUserInput(
                f"{name}: {value.isoformat()} has no UTC offset: give one (+08:00 or Z)",
                field=name,
            )
    if end <= start:
        raise BadUserInput(
            f"to: {end.isoformat()} is not after from ({start.isoformat()})", field="to"
        )
    if end - start > MAX_TRACK_SPAN:
        raise BadUserInput(
            f"to: a track covers at most {MAX_TRACK_SPAN.days} days; ask for shorter periods",
            field="to",
        )
    if not 0 <= tolerance <= MAX_TOLERANCE_M:  # also false for NaN
        raise BadUserInput(
            f"toleranceMeters: {tolerance!r} is outside 0 to {MAX_TOLERANCE_M:g}",
            field="toleranceMeters",
        )
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


@strawberry.input(
    description=doc(
        "坐标点（WGS-84 / CGCS2000，非 GCJ-02）。", "A WGS-84 / CGCS2000 point (never GCJ-02)."
    )
)
class PointInput:
    latitude: float = strawberry.field(description=doc("纬度（度）。", "Latitude in degrees."))
    longitude: float = strawberry.field(description=doc("经度（度）。", "Longitude in degrees."))

    def checked(self, argument: str) -> Point:
        """The point, refused with ``argument`` named when off the globe."""
        if not -90 <= self.latitude <= 90:
            raise BadUserInput(
                f"{argument}.latitude: {self.latitude!r} is outside -90 to 90",
                field=f"{argument}.latitude",
            )
        if not -180 <= self.longitude <= 180:
            raise BadUserInput(
                f"{argument}.longitude: {self.longitude!r} is outside -180 to 180",
                field=f"{argument}.longitude",
            )
        return (self.latitude, self.longitude)
