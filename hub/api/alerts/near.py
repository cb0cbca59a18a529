"""Distance from a point as the alert filters measure it: on the local plane around the point
(degrees scaled by the cosine of its latitude), the way the rules measure distances — close
enough within the few hundred kilometres allowed, and the same in SQL and in Python."""

from __future__ import annotations

import math
from dataclasses import dataclass

from hub.alerts.geometry import KM_PER_DEGREE_LAT, KM_PER_DEGREE_LON_AT_EQUATOR
from hub.errors import BadUserInput

MAX_RADIUS_KM = 500.0


@dataclass(frozen=True, slots=True)
class Near:
    """A checked point and radius."""

    latitude: float
    longitude: float
    radius_km: float

    @property
    def km_per_degree_lon(self) -> float:
        return KM_PER_DEGREE_LON_AT_EQUATOR * math.cos(math.radians(self.latitude))

    def contains(self, latitude: float | None, longitude: float | None) -> bool:
        """Whether a location lies within the radius; an alert with none does not."""
        if latitude is None or longitude is None:
            return False
        north = (latitude - self.latitude) * KM_PER_DEGREE_LAT
        east = (longitude - self.longitude) * self.km_per_degree_lon
        return north * north + east * east <= self.radius_km * self.radius_km


def checked(latitude: float, longitude: float, radius_km: float, field: str) -> Near:
    """The point and radius a client gave, or a BAD_USER_INPUT naming ``field``."""
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise BadUserInput(
            f"{field}: latitude -90 to 90 and longitude -180 to 180 (WGS-84 degrees)",
            field=field,
        )
    if not 0 < radius_km <= MAX_RADIUS_KM:
        raise BadUserInput(
            f"{field}.radiusKm: more than 0 and at most {MAX_RADIUS_KM:g}",
            field=f"{field}.radiusKm",
        )
    return Near(latitude, longitude, radius_km)
